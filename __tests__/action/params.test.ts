import { describe, it, expect } from '@jest/globals'
import { inputEnvName, readInput } from '../../src/action/inputs/inputs.js'
import {
  buildParams,
  needsPipelineSources,
  serializeParams
} from '../../src/action/inputs/params.js'
import { InputError, getSettings, type Settings } from '../../src/action/inputs/settings.js'
import { makeSettings } from '../support/settings.js'

const settings = makeSettings

const REPO_A = 'https://codeup.aliyun.com/org/a.git'
const REPO_B = 'https://codeup.aliyun.com/org/b.git'
const REPO_C = 'https://codeup.aliyun.com/org/c.git'

function paramsString(overrides: Partial<Settings>, repos?: string[]): string | undefined {
  return serializeParams(buildParams(settings(overrides), repos))
}

// What the official Yunxiao client sends for the same values: npm `alibabacloud-devops-mcp-server` 0.3.64
// (github.com/aliyun/alibabacloud-devops-mcp-server), operations/flow/pipeline.ts, createPipelineRunFunc,
// called with the options its create_pipeline_run tool passes (tool-handlers/pipeline.ts). The expected
// strings are worked out from that function's source: keys only for non-empty values, in the order it sets
// them, `branch`/`tag` applied to every pipelineConfig.sources[].data.repo of GetPipeline, and
// branchModeBranchs: [branch] when that gives no runningBranchs/runningTags. Our input -> its option:
// branches -> branchMode: true + branches; branch, tag, comment -> same; envs -> environmentVariables;
// pipeline-artifacts, acr-artifacts, package-artifacts -> pipelineArtifacts, acrArtifacts, packagesArtifacts;
// running-branches / running-tags -> repositories [{url, branch}] / [{url, tag}];
// params {releaseBranch, needCreateBranch} -> releaseBranch, createReleaseBranch.
// Each expected string was also checked by running that client against a loopback server (not in this repo).
describe('equal to the official client', () => {
  it.each<[string, Partial<Settings>, string[] | undefined, string | undefined]>([
    ['nothing: no params at all (body {})', {}, undefined, undefined],
    [
      'branches (branch mode)',
      { branches: ['main', 'dev'] },
      undefined,
      '{"branchModeBranchs":["main","dev"]}'
    ],
    [
      'branch for every code source',
      { branch: 'feature/x' },
      [REPO_A, REPO_B],
      `{"runningBranchs":{"${REPO_A}":"feature/x","${REPO_B}":"feature/x"}}`
    ],
    [
      'branch, pipeline with no code source',
      { branch: 'feature/x' },
      [],
      '{"branchModeBranchs":["feature/x"]}'
    ],
    [
      'tag for every code source',
      { tag: 'v1.0.0' },
      [REPO_A],
      `{"runningTags":{"${REPO_A}":"v1.0.0"}}`
    ],
    [
      'branch and tag together',
      { branch: 'dev', tag: 'v2' },
      [REPO_A, REPO_B],
      `{"runningBranchs":{"${REPO_A}":"dev","${REPO_B}":"dev"},"runningTags":{"${REPO_A}":"v2","${REPO_B}":"v2"}}`
    ],
    [
      'branches with branch on a pipeline with code sources',
      { branches: ['main'], branch: 'dev' },
      [REPO_A],
      `{"branchModeBranchs":["main"],"runningBranchs":{"${REPO_A}":"dev"}}`
    ],
    [
      'every structured key, in the client order',
      {
        comment: 'deploy 1.0',
        runningBranches: { [REPO_A]: 'dev' },
        packageArtifacts: { 'generic/flow_generic_repo/app': '1.0.1' },
        acrArtifacts: { 'registry.cn-hangzhou.aliyuncs.com/ns/app': '1.2.3' },
        pipelineArtifacts: { '3184679': '12' },
        envs: { VERSION: '1.0', DEBUG: 'false' },
        branches: ['main']
      },
      undefined,
      `{"branchModeBranchs":["main"],"envs":{"VERSION":"1.0","DEBUG":"false"},"runningPipelineArtifacts":{"3184679":"12"},"runningAcrArtifacts":{"registry.cn-hangzhou.aliyuncs.com/ns/app":"1.2.3"},"runningPackagesArtifacts":{"generic/flow_generic_repo/app":"1.0.1"},"runningBranchs":{"${REPO_A}":"dev"},"comment":"deploy 1.0"}`
    ],
    [
      'no-code-source fallback goes after the artifacts and before the comment',
      { branch: 'hotfix', envs: { A: '1' }, acrArtifacts: { 'r/ns/app': 't' }, comment: 'c' },
      [],
      '{"envs":{"A":"1"},"runningAcrArtifacts":{"r/ns/app":"t"},"branchModeBranchs":["hotfix"],"comment":"c"}'
    ],
    [
      'branches per repository and tags per repository',
      { runningBranches: { [REPO_A]: 'dev' }, runningTags: { [REPO_B]: 'v2' } },
      undefined,
      `{"runningBranchs":{"${REPO_A}":"dev"},"runningTags":{"${REPO_B}":"v2"}}`
    ],
    [
      'release branch keys from raw params take their place in the client order',
      {
        rawParams: { releaseBranch: 'release/1.0', needCreateBranch: true },
        branches: ['main'],
        comment: 'c'
      },
      undefined,
      '{"branchModeBranchs":["main"],"needCreateBranch":true,"releaseBranch":"release/1.0","comment":"c"}'
    ],
    [
      'integer-like keys come first inside a mapping, as in any JS object',
      { pipelineArtifacts: { z: '1', '10': '2', '2': '3' } },
      undefined,
      '{"runningPipelineArtifacts":{"2":"3","10":"2","z":"1"}}'
    ],
    [
      'empty mappings and an empty branch list are left out',
      { branches: [], envs: {}, pipelineArtifacts: {}, runningBranches: {}, comment: '' },
      undefined,
      undefined
    ]
  ])('%s', (_name, overrides, repos, expected) => {
    expect(paramsString(overrides, repos)).toBe(expected)
  })
})

describe('where this action differs from the official client, on purpose', () => {
  it('running-branches entries win for their repositories; branch still covers the others', () => {
    // The client ignores `branch` once repositories are given.
    expect(
      paramsString({ branch: 'dev', runningBranches: { [REPO_B]: 'main', [REPO_C]: 'x' } }, [
        REPO_A,
        REPO_B
      ])
    ).toBe(`{"runningBranchs":{"${REPO_A}":"dev","${REPO_B}":"main","${REPO_C}":"x"}}`)
  })

  it('running-tags entries win for their repositories', () => {
    expect(paramsString({ tag: 'v1', runningTags: { [REPO_A]: 'v0.9' } }, [REPO_A, REPO_B])).toBe(
      `{"runningTags":{"${REPO_A}":"v0.9","${REPO_B}":"v1"}}`
    )
  })

  it('branches and a branch not among them, on a pipeline with no code source: an InputError (the client drops the branch)', () => {
    let error: unknown
    try {
      paramsString({ branches: ['main', 'dev'], branch: 'hotfix', envs: { A: '1' } }, [])
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe('branch')
    expect((error as InputError).message).toMatch(/add the branch to `branches`/)
    // a branch already among them: what the client sends
    expect(paramsString({ branches: ['main', 'dev'], branch: 'dev' }, [])).toBe(
      '{"branchModeBranchs":["main","dev"]}'
    )
  })

  it('branch with no code source but explicit running-branches: no fallback, as in the client', () => {
    expect(paramsString({ branch: 'dev', runningBranches: { [REPO_A]: 'main' } }, [])).toBe(
      `{"runningBranchs":{"${REPO_A}":"main"}}`
    )
  })

  it('a tag with no code source to apply it to is an InputError (the client drops it)', () => {
    let error: unknown
    try {
      buildParams(settings({ tag: 'v1.0.0' }), [])
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe('tag')
    expect((error as InputError).message).toMatch(
      /^Input "tag": pipeline 42 has no code source .*"v1\.0\.0"/
    )
  })
})

describe('the raw params input', () => {
  it('is the base; structured inputs replace its keys at the top level', () => {
    const params = buildParams(
      settings({
        rawParams: {
          envs: { OLD: '1', KEEP: '2' },
          runningBranchs: { [REPO_A]: 'old' },
          releaseBranch: 'r/1'
        },
        envs: { NEW: '3' }
      })
    )
    expect(params).toEqual({
      envs: { NEW: '3' },
      runningBranchs: { [REPO_A]: 'old' },
      releaseBranch: 'r/1'
    })
    // Known keys in the client order, whoever set them.
    expect(Object.keys(params)).toEqual(['releaseBranch', 'envs', 'runningBranchs'])
  })

  it('keeps its own other keys after the known ones, in their own order', () => {
    expect(
      paramsString({
        rawParams: {
          zeta: 1,
          comment: 'raw',
          alpha: { nested: [true, null] },
          branchModeBranchs: ['x']
        },
        envs: { A: 'b' }
      })
    ).toBe(
      '{"branchModeBranchs":["x"],"envs":{"A":"b"},"comment":"raw","zeta":1,"alpha":{"nested":[true,null]}}'
    )
  })

  it('its comment is sent unless the settings have one (getSettings gives no default then)', () => {
    expect(paramsString({ rawParams: { comment: 'raw' } })).toBe('{"comment":"raw"}')
    expect(paramsString({ rawParams: { comment: 'raw' }, comment: 'given' })).toBe(
      '{"comment":"given"}'
    )
    expect(paramsString({ comment: 'default' })).toBe('{"comment":"default"}')
  })

  it('the branch fallback replaces a raw branchModeBranchs', () => {
    expect(paramsString({ rawParams: { branchModeBranchs: ['raw'] }, branch: 'dev' }, [])).toBe(
      '{"branchModeBranchs":["dev"]}'
    )
  })

  it('alone, it is sent as it is (key order included, apart from the known keys)', () => {
    expect(paramsString({ rawParams: { custom: 'x', other: [1, 2] } })).toBe(
      '{"custom":"x","other":[1,2]}'
    )
  })

  it('a __proto__ key stays data', () => {
    const raw = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>
    const params = buildParams(settings({ rawParams: raw }))
    expect(Object.getPrototypeOf(params)).toBe(Object.prototype)
    expect(serializeParams(params)).toBe('{"__proto__":{"polluted":true},"a":1}')
  })

  it('keys named like Object.prototype members are ordinary keys', () => {
    expect(paramsString({ rawParams: { constructor: 1, toString: 2 }, comment: 'c' })).toBe(
      '{"comment":"c","constructor":1,"toString":2}'
    )
  })
})

describe('needsPipelineSources', () => {
  it('is true when branch or tag is set', () => {
    expect(needsPipelineSources(settings())).toBe(false)
    expect(
      needsPipelineSources(settings({ branches: ['main'], runningBranches: { [REPO_A]: 'x' } }))
    ).toBe(false)
    expect(needsPipelineSources(settings({ branch: 'dev' }))).toBe(true)
    expect(needsPipelineSources(settings({ tag: 'v1' }))).toBe(true)
  })
})

describe('serializeParams', () => {
  it('is undefined for an empty object, JSON otherwise', () => {
    expect(serializeParams({})).toBeUndefined()
    expect(serializeParams({ comment: 'a "quoted"\nline' })).toBe(
      '{"comment":"a \\"quoted\\"\\nline"}'
    )
  })
})

describe('from action inputs to the params string', () => {
  it('sends envs values as written, with the default comment last', async () => {
    const env = Object.fromEntries(
      Object.entries({
        token: 'pt-token',
        'pipeline-id': '42',
        'organization-id': 'org-1',
        envs: 'VERSION: 1.0\nRETRIES: 3\nDRY: false\nEMPTY: ~\nNOTE: "a: b"',
        branches: 'main, release/2.0',
        params: 'needCreateBranch: true\nreleaseBranch: release/2.0',
        'acr-artifacts': '{"registry.cn-beijing.aliyuncs.com/ns/app": 1.10}'
      }).map(([name, value]) => [inputEnvName(name), value])
    )
    const github = {
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_RUN_ID: '7',
      GITHUB_SHA: '0123456789abcdef'
    }
    const parsed = await getSettings(name => readInput(name, env), github)
    expect(paramsString(parsed)).toBe(
      '{"branchModeBranchs":["main","release/2.0"],"needCreateBranch":true,"releaseBranch":"release/2.0",' +
        '"envs":{"VERSION":"1.0","RETRIES":"3","DRY":"false","EMPTY":"","NOTE":"a: b"},' +
        '"runningAcrArtifacts":{"registry.cn-beijing.aliyuncs.com/ns/app":"1.10"},' +
        '"comment":"GitHub Actions: o/r@0123456 https://github.com/o/r/actions/runs/7"}'
    )
  })
})

describe('context-envs under envs', () => {
  const context = { GITHUB_SHA: 'abc', GITHUB_ACTOR: 'octocat' }

  it('puts the GitHub variables first; names in the envs input win', () => {
    const params = buildParams(
      settings({ envs: { GITHUB_ACTOR: 'bot', V: '1' } }),
      undefined,
      context
    )
    expect(params.envs).toEqual({ GITHUB_SHA: 'abc', GITHUB_ACTOR: 'bot', V: '1' })
  })

  it('keeps the raw params envs (without the envs input), which win too', () => {
    const params = buildParams(
      settings({ rawParams: { envs: { GITHUB_SHA: 'mine', W: '2' } } }),
      undefined,
      context
    )
    expect(params.envs).toEqual({ GITHUB_SHA: 'mine', GITHUB_ACTOR: 'octocat', W: '2' })
  })

  it('no context: envs as before', () => {
    expect(buildParams(settings({ envs: { V: '1' } }), undefined, {}).envs).toEqual({ V: '1' })
    expect(buildParams(settings({}), undefined, undefined).envs).toBeUndefined()
  })
})
