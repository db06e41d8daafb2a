import { describe, it, expect } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { inputEnvName, quote, readInput } from '../../src/action/inputs/inputs.js'
import {
  InputError,
  defaultComment,
  getSettings,
  type Settings
} from '../../src/action/inputs/settings.js'

const TOKEN = 'pt-S3cretT0kenValue0123456789'
const ORG = '60d54f3daccf2bbd6659f3ad'

/** The environment the runner would give the action for these `with:` values. */
function runnerEnv(inputs: Record<string, string>): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [inputEnvName(name), value])
  )
}

function settingsFrom(
  inputs: Record<string, string>,
  github: NodeJS.ProcessEnv = {}
): Promise<Settings> {
  // The default domain is the center host, which needs an organization id.
  const env = runnerEnv({ token: TOKEN, 'pipeline-id': '42', 'organization-id': ORG, ...inputs })
  return getSettings(name => readInput(name, env), github)
}

/** The input each line of an error message names (`Input "x" ...`). */
function inputsNamed(error: InputError): string[] {
  return error.message.split('\n').map(line => /^Input "([^"]+)"/.exec(line)?.[1] ?? line)
}

async function errorFrom(
  inputs: Record<string, string>,
  github: NodeJS.ProcessEnv = {}
): Promise<InputError> {
  try {
    await settingsFrom(inputs, github)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return error as InputError
  }
  throw new Error(`expected an InputError for ${JSON.stringify(inputs)}`)
}

const GITHUB: NodeJS.ProcessEnv = {
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'owner/repo',
  GITHUB_RUN_ID: '123456',
  GITHUB_RUN_NUMBER: '12',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_SHA: 'abc1234def5678abc1234def5678abc1234def56',
  GITHUB_REF_NAME: 'main',
  GITHUB_WORKFLOW: 'CI'
}

describe('getSettings with only the required inputs', () => {
  it('applies every action.yml default', async () => {
    expect(await settingsFrom({})).toEqual({
      token: TOKEN,
      organizationId: ORG,
      pipelineId: 42,
      baseUrl: 'https://openapi-rdc.aliyuncs.com',
      branches: [],
      branch: undefined,
      tag: undefined,
      envs: undefined,
      runningBranches: undefined,
      runningTags: undefined,
      pipelineArtifacts: undefined,
      acrArtifacts: undefined,
      packageArtifacts: undefined,
      comment: undefined,
      rawParams: undefined,
      consoleUrl: 'https://flow.aliyun.com',
      dryRun: false,
      wait: false,
      timeoutMs: 60 * 60_000,
      pollIntervalMs: 10_000,
      stopOnCancel: true,
      stopOnTimeout: false,
      logs: 'failed',
      onManualGate: 'wait'
    } satisfies Settings)
  })

  it('reads the runner variables with hyphens kept (INPUT_PIPELINE-ID)', async () => {
    const env = {
      INPUT_TOKEN: TOKEN,
      'INPUT_PIPELINE-ID': '77',
      'INPUT_ORGANIZATION-ID': ORG,
      'INPUT_DRY-RUN': 'true',
      'INPUT_POLL-INTERVAL': '3s'
    }
    const settings = await getSettings(name => readInput(name, env), {})
    expect(settings.pipelineId).toBe(77)
    expect(settings.dryRun).toBe(true)
    expect(settings.pollIntervalMs).toBe(3000)
  })
})

describe('each input', () => {
  it('organization-id: set means the center edition', async () => {
    expect(
      (await settingsFrom({ 'organization-id': '60d54f3daccf2bbd6659f3ad' })).organizationId
    ).toBe('60d54f3daccf2bbd6659f3ad')
    const region = { 'organization-id': '', domain: 'org-cn-beijing.devops.aliyuncs.com' }
    expect((await settingsFrom(region)).organizationId).toBeUndefined()
  })

  it('organization-id: empty with the center host (the default domain) is an error naming it', async () => {
    for (const domain of ['', 'openapi-rdc.aliyuncs.com', 'https://OpenAPI-RDC.aliyuncs.com/']) {
      const error = await errorFrom({ 'organization-id': '', ...(domain ? { domain } : {}) })
      expect(error.input).toBe('organization-id')
      expect(error.message).toMatch(
        /^Input "organization-id" is required with the center host openapi-rdc\.aliyuncs\.com .*got nothing\. .*vars\.YUNXIAO_ORG_ID.*set domain to your organization's host/
      )
    }
  })

  it.each([
    'flow.aliyun.com',
    'https://devops.aliyun.com',
    'codeup.aliyun.com:443',
    'FLOW.ALIYUN.COM.'
  ])('domain %j (the web console) is an error naming the API host', async domain => {
    const error = await errorFrom({ domain })
    expect(error.input).toBe('domain')
    expect(error.message).toMatch(
      /^Input "domain": [a-z.]*aliyun\.com is the Yunxiao web console, not its OpenAPI; use openapi-rdc\.aliyuncs\.com .*<org>-<region>\.devops\.aliyuncs\.com/
    )
    expect(error.message).toContain(`got ${JSON.stringify(domain)}`)
  })

  it.each([
    ['42', 42],
    ['007', 7],
    [' 9 ', 9],
    ['9007199254740991', 9007199254740991]
  ])('pipeline-id %j -> %d', async (value, id) => {
    expect((await settingsFrom({ 'pipeline-id': value })).pipelineId).toBe(id)
  })

  it.each([
    ['openapi-rdc.aliyuncs.com', 'https://openapi-rdc.aliyuncs.com'],
    ['myorg-cn-hangzhou.devops.aliyuncs.com', 'https://myorg-cn-hangzhou.devops.aliyuncs.com'],
    ['openapi.example.com:8443', 'https://openapi.example.com:8443'],
    ['https://openapi-rdc.aliyuncs.com', 'https://openapi-rdc.aliyuncs.com'],
    ['https://openapi-rdc.aliyuncs.com/', 'https://openapi-rdc.aliyuncs.com'],
    ['HTTPS://OpenAPI-RDC.Aliyuncs.com', 'https://openapi-rdc.aliyuncs.com'],
    ['https://openapi.example.com:443', 'https://openapi.example.com'],
    ['https://openapi.example.com:65535', 'https://openapi.example.com:65535'],
    ['127.0.0.1:8080', 'https://127.0.0.1:8080'],
    ['[::1]:9000', 'https://[::1]:9000'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://LOCALHOST:3000', 'http://localhost:3000'],
    ['http://[::1]:9000', 'http://[::1]:9000'],
    ['http://[0:0:0:0:0:0:0:1]:9000', 'http://[::1]:9000'],
    ['http://127.0.0.2:8080', 'http://127.0.0.2:8080'],
    ['http://127.255.255.254:8080', 'http://127.255.255.254:8080'],
    ['http://[::ffff:127.0.0.1]:8080', 'http://[::ffff:7f00:1]:8080']
  ])('domain %j -> baseUrl %j', async (value, baseUrl) => {
    expect((await settingsFrom({ domain: value })).baseUrl).toBe(baseUrl)
  })

  it('branches: one per line or comma-separated, trimmed, empty entries dropped', async () => {
    expect(
      (await settingsFrom({ branches: 'main, dev\nfeature/x,,\n\n release/1.0 ' })).branches
    ).toEqual(['main', 'dev', 'feature/x', 'release/1.0'])
    expect((await settingsFrom({ branches: 'main' })).branches).toEqual(['main'])
  })

  it('branch and tag: one name each', async () => {
    const settings = await settingsFrom({ branch: 'feature/login-v2', tag: 'v1.2.3' })
    expect(settings.branch).toBe('feature/login-v2')
    expect(settings.tag).toBe('v1.2.3')
  })

  it('envs: a YAML or JSON mapping, scalar values kept as written', async () => {
    const yaml = await settingsFrom({
      envs: 'VERSION: 1.0\nDEBUG: false\nCOUNT: 3\nEMPTY:\nNOTE: "a: b"'
    })
    expect(yaml.envs).toEqual({
      VERSION: '1.0',
      DEBUG: 'false',
      COUNT: '3',
      EMPTY: '',
      NOTE: 'a: b'
    })
    const json = await settingsFrom({ envs: '{"VERSION": 1.0, "NAME": "x"}' })
    expect(json.envs).toEqual({ VERSION: '1.0', NAME: 'x' })
    expect((await settingsFrom({ envs: '{}' })).envs).toBeUndefined()
  })

  it('running-branches, running-tags and the artifact mappings', async () => {
    const settings = await settingsFrom({
      'running-branches':
        'https://codeup.aliyun.com/org/a.git: dev\nhttps://codeup.aliyun.com/org/b.git: main',
      'running-tags': '{"https://codeup.aliyun.com/org/c.git": "v2.0"}',
      'pipeline-artifacts': '3184679: 12',
      'acr-artifacts': 'registry.cn-hangzhou.aliyuncs.com/ns/app: 1.0',
      'package-artifacts': 'generic/flow_generic_repo/app: 1.0.1'
    })
    expect(settings.runningBranches).toEqual({
      'https://codeup.aliyun.com/org/a.git': 'dev',
      'https://codeup.aliyun.com/org/b.git': 'main'
    })
    expect(settings.runningTags).toEqual({ 'https://codeup.aliyun.com/org/c.git': 'v2.0' })
    expect(settings.pipelineArtifacts).toEqual({ '3184679': '12' })
    expect(settings.acrArtifacts).toEqual({ 'registry.cn-hangzhou.aliyuncs.com/ns/app': '1.0' })
    expect(settings.packageArtifacts).toEqual({ 'generic/flow_generic_repo/app': '1.0.1' })
  })

  it('params: any JSON or YAML mapping, nested values allowed', async () => {
    expect(
      (await settingsFrom({ params: '{"releaseBranch": "release/1", "needCreateBranch": true}' }))
        .rawParams
    ).toEqual({
      releaseBranch: 'release/1',
      needCreateBranch: true
    })
    expect((await settingsFrom({ params: 'custom:\n  list: [1, 2]' })).rawParams).toEqual({
      custom: { list: [1, 2] }
    })
  })

  it('comment: the input when set', async () => {
    const settings = await settingsFrom({ comment: 'Deploy from CI' }, GITHUB)
    expect(settings.comment).toBe('Deploy from CI')
  })

  it('comment: when empty, a default that links back to the GitHub run', async () => {
    const settings = await settingsFrom({}, GITHUB)
    expect(settings.comment).toBe(
      'GitHub Actions: owner/repo@abc1234 on main (workflow "CI" run #12) https://github.com/owner/repo/actions/runs/123456'
    )
    expect(settings.comment).toContain('https://github.com/owner/repo/actions/runs/123456')
  })

  it('comment: no default when the params input has a comment (that one is sent)', async () => {
    expect((await settingsFrom({ params: 'comment: raw' }, GITHUB)).comment).toBeUndefined()
    const given = await settingsFrom({ params: 'comment: raw', comment: 'given' }, GITHUB)
    expect(given.comment).toBe('given')
  })

  it('comment: none on a local run (no GitHub variables)', async () => {
    const settings = await settingsFrom({}, {})
    expect(settings.comment).toBeUndefined()
  })

  it.each([
    ['https://flow.aliyun.com', 'https://flow.aliyun.com'],
    ['https://flow.aliyun.com/', 'https://flow.aliyun.com'],
    ['flow.example.com', 'https://flow.example.com'],
    ['http://flow.internal.example.com:8080/', 'http://flow.internal.example.com:8080'],
    ['https://devops.example.com/flow/', 'https://devops.example.com/flow']
  ])('console-url %j -> %j', async (value, consoleUrl) => {
    expect((await settingsFrom({ 'console-url': value })).consoleUrl).toBe(consoleUrl)
  })

  it.each([
    ['dry-run', 'dryRun'],
    ['wait', 'wait'],
    ['stop-on-cancel', 'stopOnCancel'],
    ['stop-on-timeout', 'stopOnTimeout']
  ] as const)('%s: the YAML 1.2 core booleans', async (input, field) => {
    for (const value of ['true', 'True', 'TRUE'])
      expect((await settingsFrom({ [input]: value }))[field]).toBe(true)
    for (const value of ['false', 'False', 'FALSE'])
      expect((await settingsFrom({ [input]: value }))[field]).toBe(false)
  })

  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['1h30m', 5_400_000],
    ['2h', 7_200_000],
    ['1h30m15s', 5_415_000],
    ['600', 600_000],
    ['168h', 168 * 3_600_000]
  ])('timeout %j -> %d ms', async (value, ms) => {
    expect((await settingsFrom({ timeout: value })).timeoutMs).toBe(ms)
  })

  it.each([
    ['1s', 1000],
    ['1', 1000],
    ['45s', 45_000],
    ['1h', 3_600_000]
  ])('poll-interval %j -> %d ms', async (value, ms) => {
    expect((await settingsFrom({ 'poll-interval': value })).pollIntervalMs).toBe(ms)
  })

  it.each(['failed', 'all', 'none'] as const)('logs %j', async mode => {
    expect((await settingsFrom({ logs: mode })).logs).toBe(mode)
  })
})

interface BadCase {
  input: string
  value: string
  expected: RegExp
  /** What the message must quote; the value itself unless said otherwise. */
  shows?: string | null
}

const BAD: BadCase[] = [
  {
    input: 'token',
    value: '',
    expected: /is required: a Yunxiao personal access token/,
    shows: null
  },
  { input: 'token', value: 'pt-abc def', expected: /without spaces or line breaks/, shows: null },
  { input: 'token', value: 'pt-abc\ndef', expected: /without spaces or line breaks/, shows: null },
  { input: 'token', value: 'pt-abc\u200bdef', expected: /printable ASCII/, shows: null },
  { input: 'token', value: 'pt-abcé', expected: /printable ASCII/, shows: null },
  {
    input: 'token',
    value: 'pt-abc\u00a0def',
    expected: /printable ASCII|without spaces/,
    shows: null
  },
  { input: 'organization-id', value: 'org/../x', expected: /expected an organization id/ },
  { input: 'organization-id', value: 'my org', expected: /expected an organization id/ },
  { input: 'organization-id', value: 'org?x=1', expected: /expected an organization id/ },
  { input: 'pipeline-id', value: '', expected: /is required/, shows: null },
  { input: 'pipeline-id', value: '12a', expected: /expected a positive whole number/ },
  { input: 'pipeline-id', value: '0', expected: /expected a positive whole number/ },
  { input: 'pipeline-id', value: '-1', expected: /expected a positive whole number/ },
  { input: 'pipeline-id', value: '1.5', expected: /expected a positive whole number/ },
  { input: 'pipeline-id', value: '1e3', expected: /expected a positive whole number/ },
  { input: 'pipeline-id', value: '0x10', expected: /expected a positive whole number/ },
  {
    input: 'pipeline-id',
    value: '99999999999999999999',
    expected: /expected a positive whole number/
  },
  {
    input: 'domain',
    value: 'http://openapi-rdc.aliyuncs.com',
    expected: /http:\/\/ is allowed only for loopback/
  },
  { input: 'domain', value: 'http://128.0.0.1:8080', expected: /only for loopback/ },
  { input: 'domain', value: 'http://[::2]:8080', expected: /only for loopback/ },
  { input: 'domain', value: 'http://localhost.example.com', expected: /only for loopback/ },
  {
    input: 'domain',
    value: 'https://openapi-rdc.aliyuncs.com/oapi/v1',
    expected: /a path, query or fragment/
  },
  {
    input: 'domain',
    value: 'openapi-rdc.aliyuncs.com/oapi',
    expected: /a path, query or fragment/
  },
  { input: 'domain', value: 'https://host.example.com//', expected: /a path, query or fragment/ },
  { input: 'domain', value: 'https://host.example.com?x=1', expected: /a path, query or fragment/ },
  {
    input: 'domain',
    value: 'https://host.example.com/#frag',
    expected: /a path, query or fragment/
  },
  {
    input: 'domain',
    value: 'https://user:hunter2@host.example.com',
    expected: /user names and passwords are not allowed/,
    shows: 'https://***@host.example.com'
  },
  {
    input: 'domain',
    value: 'ftp://host.example.com',
    expected: /the scheme ftp:\/\/ is not supported/
  },
  {
    input: 'domain',
    value: 'host.example.com:0',
    expected: /port must be a number from 1 to 65535/
  },
  {
    input: 'domain',
    value: 'host.example.com:65536',
    expected: /port must be a number from 1 to 65535/
  },
  {
    input: 'domain',
    value: 'host.example.com:',
    expected: /port must be a number from 1 to 65535/
  },
  { input: 'domain', value: 'host.example.com:http', expected: /not a host\[:port\]/ },
  { input: 'domain', value: 'https://', expected: /the host is missing/ },
  { input: 'domain', value: '::1', expected: /put an IPv6 address in brackets/ },
  { input: 'domain', value: 'host name.com', expected: /spaces and line breaks are not allowed/ },
  {
    input: 'branches',
    value: 'main dev',
    expected: /has a space, line break or control character in it/,
    shows: 'main dev'
  },
  {
    input: 'branch',
    value: 'main,dev',
    expected: /expected one branch name .*use `branches` for several/
  },
  { input: 'branch', value: 'main dev', expected: /expected one branch name/ },
  { input: 'branch', value: 'main\ndev', expected: /expected one branch name/ },
  { input: 'tag', value: 'v1 v2', expected: /expected one tag name/ },
  { input: 'tag', value: 'v1,v2', expected: /expected one tag name/ },
  // git's ref-name rules: a JSON list where names were expected, and names git would refuse
  {
    input: 'branches',
    value: '["main", "dev"]',
    expected: /"\[\\"main\\"" has "\[" in it, which git does not allow/,
    shows: '["main"'
  },
  { input: 'branch', value: 'feature..x', expected: /has "\.\." in it/ },
  { input: 'branch', value: 'a:b', expected: /has ":" in it/ },
  { input: 'branch', value: '-f', expected: /starts with "-"/ },
  { input: 'branches', value: '"main","dev"', expected: /is wrapped in quotes/, shows: '"main"' },
  { input: 'branch', value: 'HEAD', expected: /is "HEAD"/ },
  { input: 'branch', value: 'release/', expected: /empty part between slashes/ },
  { input: 'tag', value: 'v1.0.lock', expected: /ends with "\.lock"/ },
  { input: 'tag', value: 'v1^{}', expected: /has "\^" in it/ },
  { input: 'tag', value: 'v1.', expected: /ends with "\."/ },
  {
    input: 'running-tags',
    value: 'https://codeup.aliyun.com/o/a.git: "v1?"',
    expected: /is not a tag name: "v1\?" has "\?" in it/,
    shows: 'v1?'
  },
  {
    input: 'envs',
    value: 'A:\n  B: 1',
    expected: /the value of "A" is a mapping, not a single value/,
    shows: null
  },
  { input: 'envs', value: 'A: [1, 2]', expected: /the value of "A" is a list/, shows: null },
  {
    input: 'envs',
    value: 'A: 1\nA: 2',
    expected: /key "A" appears more than once at line 2, column 1/,
    shows: null
  },
  { input: 'envs', value: '- A=1', expected: /it is a list, not a mapping/, shows: null },
  { input: 'envs', value: 'A=1', expected: /it is a string, not a mapping/, shows: null },
  { input: 'envs', value: '"": x', expected: /keys must be non-empty strings/, shows: null },
  {
    input: 'running-branches',
    value: 'https://codeup.aliyun.com/o/a.git:',
    expected: /the branch for .* is empty/
  },
  {
    input: 'running-branches',
    value: 'https://codeup.aliyun.com/o/a.git: my branch',
    expected: /is not a branch name: "my branch" has a space/,
    shows: 'my branch'
  },
  { input: 'running-branches', value: 'main', expected: /it is a string, not a mapping/ },
  {
    input: 'running-tags',
    value: 'https://codeup.aliyun.com/o/a.git: ~',
    expected: /the tag for .* is empty/
  },
  { input: 'running-tags', value: '["v1"]', expected: /it is a list, not a mapping/ },
  {
    input: 'pipeline-artifacts',
    value: '3184679:',
    expected: /the version for "3184679" is empty/
  },
  {
    input: 'pipeline-artifacts',
    value: '3184679: {a: 1}',
    expected: /the value of "3184679" is a mapping/
  },
  { input: 'acr-artifacts', value: 'registry/ns/app: ""', expected: /the tag for .* is empty/ },
  { input: 'package-artifacts', value: 'generic/r/a: [1]', expected: /is a list/ },
  { input: 'params', value: '[1, 2]', expected: /it is a list, not a mapping/ },
  { input: 'params', value: 'releaseBranch', expected: /it is a string, not a mapping/ },
  { input: 'params', value: '{"a": 1', expected: /not valid YAML or JSON/ },
  { input: 'params', value: 'a: 1\na: 2', expected: /key "a" appears more than once/ },
  { input: 'params', value: 'a: !!binary aGk=', expected: /the tag "!!binary" is not supported/ },
  {
    input: 'console-url',
    value: 'ftp://flow.aliyun.com',
    expected: /scheme ftp:\/\/ is not supported/
  },
  {
    input: 'console-url',
    value: 'https://flow.aliyun.com/?x=1',
    expected: /a query or fragment is not allowed/
  },
  { input: 'console-url', value: 'https://flow.aliyun.com:99999', expected: /port must be/ },
  { input: 'dry-run', value: 'yes', expected: /expected true or false/ },
  { input: 'wait', value: '1', expected: /expected true or false/ },
  { input: 'stop-on-cancel', value: 'on', expected: /expected true or false/ },
  { input: 'stop-on-timeout', value: 'tRuE', expected: /expected true or false/ },
  { input: 'timeout', value: 'abc', expected: /expected a duration such as 90s, 30m, 1h30m or 2h/ },
  { input: 'timeout', value: '1.5h', expected: /expected a duration such as/ },
  {
    input: 'timeout',
    value: '0',
    expected: /expected a duration from 1s \(the minimum; whole seconds, no ms\) to 168h/
  },
  {
    input: 'timeout',
    value: '0s',
    expected: /expected a duration from 1s \(the minimum; whole seconds, no ms\) to 168h/
  },
  {
    input: 'timeout',
    value: '169h',
    expected: /expected a duration from 1s \(the minimum; whole seconds, no ms\) to 168h/
  },
  { input: 'timeout', value: '-5m', expected: /expected a duration such as/ },
  { input: 'poll-interval', value: '0s', expected: /expected a duration from 1s \(the minimum/ },
  { input: 'poll-interval', value: '2h', expected: /expected a duration from 1s .* to 1h/ },
  {
    input: 'poll-interval',
    value: '500ms',
    expected:
      /expected a duration such as .*; it takes a duration from 1s \(the minimum; whole seconds, no ms\)/
  },
  { input: 'logs', value: 'FAILED', expected: /expected failed, all, live or none/ },
  { input: 'logs', value: 'some', expected: /expected failed, all, live or none/ }
]

describe('bad input', () => {
  it.each(BAD)('$input = $value', async ({ input, value, expected, shows }) => {
    const error = await errorFrom({ [input]: value })
    expect(error.message).not.toContain('\n')
    expect(error.input).toBe(input)
    expect(error.message).toMatch(new RegExp(`^Input "${input}"`))
    expect(error.message).toMatch(expected)
    const quoted = shows === undefined ? value : shows
    if (quoted !== null) expect(error.message).toContain(quote(quoted))
    expect(error.message).not.toContain(TOKEN)
  })

  it('does not show envs text, which may hold secrets', async () => {
    const error = await errorFrom({ envs: 'PASSWORD: hunter2\nNESTED: [hunter2]' })
    expect(error.message).toContain('"NESTED"')
    expect(error.message).not.toContain('hunter2')
    const syntax = await errorFrom({ envs: 'PASSWORD: "hunter2' })
    expect(syntax.message).toMatch(/at line 1, column \d+/)
    expect(syntax.message).not.toContain('hunter2')
  })

  it('cuts a long value short in the message', async () => {
    const long = `${'x'.repeat(300)} y`
    const error = await errorFrom({ branch: long })
    expect(error.message).toContain('(302 characters)')
    expect(error.message.length).toBeLessThan(300)
  })

  it('reports every bad input at once, a line each naming its input', async () => {
    const error = await errorFrom({
      'pipeline-id': 'abc',
      domain: 'http://example.com',
      wait: 'maybe',
      logs: 'x'
    })
    expect(inputsNamed(error)).toEqual(['pipeline-id', 'domain', 'wait', 'logs'])
    expect(error.input).toBe('pipeline-id')
  })

  it('never lets the token out, even when another input repeats it', async () => {
    const error = await errorFrom({
      branch: `${TOKEN} oops`,
      params: `[${TOKEN}]`,
      'organization-id': `x/${TOKEN}`,
      domain: `https://${TOKEN}@host.example.com`
    })
    expect(error.message.split('\n')).toHaveLength(4)
    expect(error.message).not.toContain(TOKEN)
    expect(error.message).toContain('***')
  })

  it('a missing token and pipeline id are both reported', async () => {
    const env = runnerEnv({})
    const error = await getSettings(name => readInput(name, env), {}).catch(
      (caught: InputError) => caught
    )
    expect(inputsNamed(error as InputError)).toEqual(['token', 'pipeline-id', 'organization-id'])
  })
})

describe('defaultComment', () => {
  it('needs the server URL, repository and run id', () => {
    expect(defaultComment({ ...GITHUB, GITHUB_SERVER_URL: undefined })).toBeUndefined()
    expect(defaultComment({ ...GITHUB, GITHUB_REPOSITORY: '' })).toBeUndefined()
    expect(defaultComment({ ...GITHUB, GITHUB_RUN_ID: undefined })).toBeUndefined()
  })

  it('links the run on GitHub Enterprise Server too, and names a re-run attempt', () => {
    const comment = defaultComment({
      ...GITHUB,
      GITHUB_SERVER_URL: 'https://ghe.example.com/',
      GITHUB_RUN_ATTEMPT: '3',
      GITHUB_REF_NAME: '17/merge'
    })
    expect(comment).toBe(
      'GitHub Actions: owner/repo@abc1234 on 17/merge (workflow "CI" run #12 attempt 3) https://ghe.example.com/owner/repo/actions/runs/123456'
    )
  })

  it('leaves out what is missing', () => {
    expect(
      defaultComment({
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'o/r',
        GITHUB_RUN_ID: '9'
      })
    ).toBe('GitHub Actions: o/r https://github.com/o/r/actions/runs/9')
  })
})

describe('start-up cost', () => {
  it('the input path loads neither @actions/core nor the YAML reading eagerly', () => {
    for (const file of [
      'action/inputs/inputs',
      'action/inputs/settings',
      'action/inputs/endpoint-inputs',
      'action/inputs/ref-inputs',
      'action/inputs/github-inputs',
      'action/inputs/run-control-inputs',
      'action/inputs/mapping',
      'common/duration',
      'action/inputs/params'
    ]) {
      const source = readFileSync(new URL(`../../src/${file}.ts`, import.meta.url), 'utf8')
      expect(source).not.toMatch(/from '@actions\/core'/)
      // `import type` is erased; only mapping.ts's `await import('./yaml-mapping.js')` loads it (and
      // js-yaml), when a mapping is set.
      expect(source).not.toMatch(
        /^import (?!type )[^\n]* from '(?:js-yaml|yaml|\.\/yaml-mapping\.js)'/m
      )
    }
  })
})

describe('the GitHub inputs', () => {
  const GH = 'ghs_settingsTestToken0123456789'

  it('are all off by default: no GitHub settings', async () => {
    expect((await settingsFrom({})).github).toBeUndefined()
  })

  it('commit-status with wait: the default context names the pipeline', async () => {
    const settings = await settingsFrom({
      wait: 'true',
      'commit-status': 'true',
      'github-token': GH
    })
    expect(settings.github).toEqual({
      token: GH,
      statusContext: 'yunxiao/42',
      deploymentEnvironment: undefined,
      deploymentUrl: undefined,
      contextEnvs: false
    })
    const named = await settingsFrom({
      wait: 'true',
      'commit-status': 'true',
      'status-context': 'ci/yunxiao (deploy)',
      'github-token': GH
    })
    expect(named.github?.statusContext).toBe('ci/yunxiao (deploy)')
  })

  it('commit-status without wait is an input error', async () => {
    const error = await errorFrom({ 'commit-status': 'true', 'github-token': GH })
    expect(error.input).toBe('commit-status')
    expect(error.message).toMatch(/needs wait: true/)
  })

  it('deployment-environment works without wait, and takes a URL', async () => {
    const settings = await settingsFrom({
      'deployment-environment': 'production',
      'deployment-url': 'https://shop.example.com/',
      'github-token': GH
    })
    expect(settings.github).toMatchObject({
      deploymentEnvironment: 'production',
      deploymentUrl: 'https://shop.example.com/',
      statusContext: undefined
    })
  })

  it('context-envs alone needs no token', async () => {
    const settings = await settingsFrom({ 'context-envs': 'true', 'github-token': '' })
    expect(settings.github).toEqual({
      token: '',
      statusContext: undefined,
      deploymentEnvironment: undefined,
      deploymentUrl: undefined,
      contextEnvs: true
    })
  })

  it('an API feature without a token, or with the unexpanded default, names github-token', async () => {
    // Outside a runner the default `${{ github.token }}` arrives as it is written.
    const local = await errorFrom({ 'deployment-environment': 'qa' })
    expect(local.input).toBe('github-token')
    expect(local.message).toMatch(/required for deployment-environment/)
    expect(local.message).toContain('${{ github.token }}')
    const spaced = await errorFrom({ 'deployment-environment': 'qa', 'github-token': 'a b' })
    expect(spaced.message).toMatch(/without spaces/)
    expect(spaced.message).not.toContain('a b')
    const curly = await errorFrom({
      'deployment-environment': 'qa',
      'github-token': 'ghs_\u201cx\u201d'
    })
    expect(curly.message).toMatch(/printable ASCII/)
  })

  it('refuses settings that would do nothing, and bad values, naming the input', async () => {
    expect((await errorFrom({ 'status-context': 'ci/x' })).input).toBe('status-context')
    expect((await errorFrom({ 'deployment-url': 'https://x.example' })).input).toBe(
      'deployment-url'
    )
    const url = await errorFrom({
      'deployment-environment': 'qa',
      'deployment-url': 'ftp://x',
      'github-token': GH
    })
    expect(url.message).toMatch(/Input "deployment-url": expected .*http\(s\).*got "ftp:\/\/x"/)
    const long = await errorFrom({
      wait: 'true',
      'commit-status': 'true',
      'status-context': 'x'.repeat(256),
      'github-token': GH
    })
    expect(long.input).toBe('status-context')
    // A line separator breaks the line as a line feed does.
    const separated = await errorFrom({
      'deployment-environment': 'qa\u2028prod',
      'github-token': GH
    })
    expect(separated.message).toMatch(/Input "deployment-environment": .*on one line/)
    expect((await errorFrom({ 'commit-status': 'yes' })).message).toMatch(/expected true or false/)
  })

  it('never lets the GitHub token out of a message', async () => {
    try {
      await settingsFrom({ 'github-token': GH, 'status-context': GH, 'deployment-url': GH })
      throw new Error('expected errors')
    } catch (error) {
      expect((error as Error).message).not.toContain(GH)
    }
  })
})

describe('pull request refs', () => {
  it.each([
    ['branch', '123/merge'],
    ['branch', '123/head'],
    ['branch', 'refs/pull/123/merge'],
    ['branches', 'main, 123/merge'],
    ['running-branches', 'https://codeup.aliyun.com/o/a.git: 7/head']
  ])('%s %j is an input error pointing at github.head_ref', async (input, value) => {
    const error = await errorFrom({ [input]: value })
    expect(error.input).toBe(input)
    expect(error.message).toContain("pull request's ref")
    expect(error.message).toContain('${{ github.head_ref }}')
  })

  it('a branch that merely looks numeric is fine', async () => {
    expect((await settingsFrom({ branch: 'release/123' })).branch).toBe('release/123')
    expect((await settingsFrom({ branch: 'merge/123' })).branch).toBe('merge/123')
    expect((await settingsFrom({ tag: '123/merge' })).tag).toBe('123/merge')
  })
})

describe('full git refs, pull request refs in params, bare-second timeouts', () => {
  it('refs/heads/x in branch, branches and running-branches is x, noted once per input', async () => {
    const settings = await settingsFrom({
      branch: 'refs/heads/feature/a',
      branches: 'refs/heads/main, refs/heads/dev',
      'running-branches': 'https://codeup.aliyun.com/acme/app.git: refs/heads/release'
    })
    expect(settings.branch).toBe('feature/a')
    expect(settings.branches).toEqual(['main', 'dev'])
    expect(settings.runningBranches).toEqual({
      'https://codeup.aliyun.com/acme/app.git': 'release'
    })
    expect(settings.warnings).toEqual([
      'Input "branches": "refs/heads/main" is a full git ref; it is sent as the branch name "main" (Yunxiao takes names, e.g. ${{ github.head_ref || github.ref_name }}).',
      'Input "branches": "refs/heads/dev" is a full git ref; it is sent as the branch name "dev" (Yunxiao takes names, e.g. ${{ github.head_ref || github.ref_name }}).',
      'Input "branch": "refs/heads/feature/a" is a full git ref; it is sent as the branch name "feature/a" (Yunxiao takes names, e.g. ${{ github.head_ref || github.ref_name }}).',
      'Input "running-branches": "refs/heads/release" is a full git ref; it is sent as the branch name "release" (Yunxiao takes names, e.g. ${{ github.head_ref || github.ref_name }}).'
    ])
  })

  it('refs/tags/v1 in tag and running-tags is v1', async () => {
    const settings = await settingsFrom({
      tag: 'refs/tags/v1',
      'running-tags': 'https://codeup.aliyun.com/acme/app.git: refs/tags/v2'
    })
    expect(settings.tag).toBe('v1')
    expect(settings.runningTags).toEqual({ 'https://codeup.aliyun.com/acme/app.git': 'v2' })
    expect(settings.warnings).toHaveLength(2)
  })

  it('no warnings field when every input is taken as written', async () => {
    expect((await settingsFrom({ branch: 'main', timeout: '90' })).warnings).toBeUndefined()
  })

  it.each([
    [
      'branch',
      'refs/tags/v1',
      /expected a branch name; "refs\/tags\/v1" is a git ref that is not a branch: it is a tag: give its name in tag/
    ],
    [
      'branches',
      'main, refs/remotes/origin/x',
      /"refs\/remotes\/origin\/x" is a git ref that is not a branch: give the branch name alone/
    ],
    [
      'tag',
      'refs/heads/main',
      /expected a tag name; "refs\/heads\/main" .*it is a branch: give its name in branch/
    ],
    [
      'running-branches',
      'https://codeup.aliyun.com/a/b.git: refs/tags/v1',
      /Input "running-branches": expected a branch name/
    ],
    [
      'running-tags',
      'https://codeup.aliyun.com/a/b.git: refs/heads/x',
      /Input "running-tags": expected a tag name/
    ],
    ['branch', 'refs/heads/', /give the branch name alone/]
  ])('%s %j is refused with a hint', async (input, value, expected) => {
    const error = await errorFrom({ [input]: value })
    expect(error.input).toBe(input)
    expect(error.message).toMatch(expected)
  })

  it.each([
    [
      '{"runningBranchs": {"https://codeup.aliyun.com/a/b.git": "7/merge"}}',
      'runningBranchs."https://codeup.aliyun.com/a/b.git"'
    ],
    ['{"branchModeBranchs": ["main", "refs/pull/7/head"]}', 'branchModeBranchs[1]'],
    ['releaseBranch: 12/head', 'releaseBranch']
  ])('params %j: a pull request ref is an error naming where it is', async (params, where) => {
    const error = await errorFrom({ params })
    expect(error.input).toBe('params')
    expect(error.message).toContain(`Input "params": ${where} is `)
    expect(error.message).toContain('github.head_ref')
  })

  it.each([
    [
      '10',
      'Input "timeout": "10" is 10 second(s): a bare number means seconds. For minutes write 10m (or 1h30m, 90s).'
    ],
    [
      '59',
      'Input "timeout": "59" is 59 second(s): a bare number means seconds. For minutes write 59m (or 1h30m, 90s).'
    ]
  ])('timeout %j warns that a bare number is seconds', async (timeout, line) => {
    expect((await settingsFrom({ timeout })).warnings).toEqual([line])
  })

  it.each(['60', '600', '30s', '5m'])('timeout %j: no warning', async timeout => {
    expect((await settingsFrom({ timeout })).warnings).toBeUndefined()
  })
})
