// Action inputs -> one typed, validated Settings object. Throws InputError on bad input,
// before anything is sent.
import { formatDuration, parseDuration } from '../common/duration.js'
import { messageOf } from '../common/logger.js'
import { isLoopbackHost } from '../common/loopback.js'
import type { JobLogsMode } from '../follow/job-logs.js'
import {
  InputError,
  parseBooleanInput,
  quote,
  withDefaults,
  type InputName,
  type InputReader
} from './inputs.js'
import { parseDataMapping, parseStringMapping } from './mapping.js'
import { redact } from '../common/redact.js'
import { setOwn } from '../common/json.js'
import {
  bareSecondsWarning,
  consoleHostProblem,
  editionProblem,
  paramsRefProblem,
  plainRefName,
  pullRequestRefProblem
} from './input-guards.js'

export { InputError, pullRequestRefProblem, type InputReader }

export type LogsMode = JobLogsMode

/** on-manual-gate: what to do when a job waits at a manual gate (人工卡点). */
export type ManualGateMode = 'wait' | 'fail' | 'approve'

/** run-id: the run to follow instead of starting one. */
export type FollowTarget = { runId: number } | { latest: true }

/** What run-control-inputs.ts made of pipeline-name, run-id and on-manual-gate. */
export interface RunControlInputs {
  problems: Array<{ input: string; message: string }>
  pipelineName?: string
  follow?: FollowTarget
  onManualGate?: ManualGateMode
}

export interface Settings {
  token: string
  /** Set: center edition paths. Undefined: Region edition paths. */
  organizationId?: string
  /**
   * The pipeline id: given (pipeline-id), or 0 while `pipelineName` has not been looked up yet (the
   * main step looks it up before any other call and fills it in).
   */
  pipelineId: number
  /** pipeline-name: the pipeline's exact name, given instead of pipeline-id. */
  pipelineName?: string
  /** run-id: follow this run instead of starting one (then `wait` is true). */
  follow?: FollowTarget
  /** on-manual-gate. */
  onManualGate: ManualGateMode
  /** Origin of the OpenAPI, e.g. 'https://openapi-rdc.aliyuncs.com' or 'http://127.0.0.1:8080' (no trailing slash). */
  baseUrl: string
  /** branchModeBranchs */
  branches: string[]
  /** One branch for every code source (needs GetPipeline). */
  branch?: string
  /** One tag for every code source (needs GetPipeline). */
  tag?: string
  envs?: Record<string, string>
  runningBranches?: Record<string, string>
  runningTags?: Record<string, string>
  pipelineArtifacts?: Record<string, string>
  acrArtifacts?: Record<string, string>
  packageArtifacts?: Record<string, string>
  /** The comment to send: the input, or the default that links back to the GitHub run (undefined when neither). */
  comment?: string
  /** True when `comment` is the default (the input was empty): a `comment` key in raw params then wins. */
  commentIsDefault?: boolean
  /** Raw params object from the `params` input. */
  rawParams?: Record<string, unknown>
  /** Console origin, no trailing slash. */
  consoleUrl: string
  dryRun: boolean
  wait: boolean
  timeoutMs: number
  pollIntervalMs: number
  stopOnCancel: boolean
  stopOnTimeout: boolean
  logs: LogsMode
  /** The GitHub side (commit status, deployment, context-envs); undefined when none is asked for. */
  github?: GithubSettings
  /** Lines to warn of once, before anything is sent (e.g. a ref given as refs/heads/x); absent when none. */
  warnings?: string[]
}

export interface GithubSettings {
  /** The token for the GitHub API; '' when no API call is asked for (only context-envs). */
  token: string
  /** The commit status's context, when commit-status is on. */
  statusContext?: string
  deploymentEnvironment?: string
  deploymentUrl?: string
  contextEnvs: boolean
}

/** Several bad inputs at once: one InputError per problem in `errors`; `input` names the first. */
export class InputErrors extends InputError {
  constructor(readonly errors: readonly InputError[]) {
    super(errors[0]?.input ?? '', errors.map(error => error.message).join('\n'))
    this.name = 'InputErrors'
  }
}

/**
 * Reads and validates every input. Problems are collected: one bad input throws that InputError, several
 * throw an InputErrors listing each. Messages name the input, say what was expected and quote what was
 * given (cut short), never the token. `env` supplies the GitHub variables for the default comment.
 */
export async function getSettings(
  read: InputReader,
  env: NodeJS.ProcessEnv = process.env
): Promise<Settings> {
  const get = withDefaults(read) as (name: InputName) => string
  const token = get('token')
  const problems: InputError[] = []

  const check = checker(get, problems)
  async function checkAsync<T>(
    name: InputName,
    parse: (value: string) => Promise<T>
  ): Promise<T | undefined> {
    try {
      return await parse(get(name))
    } catch (error) {
      problems.push(asInputError(name, error))
      return undefined
    }
  }
  const bool = (name: InputName) => check(name, value => parseBooleanInput(name, value))

  check('token', parseToken)
  const organizationId = check('organization-id', parseOrganizationId)
  const pipelineIdText = get('pipeline-id')
  const pipelineId = pipelineIdText ? check('pipeline-id', parsePipelineId) : undefined
  if (!pipelineIdText && !get('pipeline-name')) {
    problems.push(
      new InputError(
        'pipeline-id',
        `Input "pipeline-id" is required (or "pipeline-name"): the number in the pipeline's console URL (https://flow.aliyun.com/pipelines/<pipeline-id>/...), or the pipeline's exact name in pipeline-name; got neither.`
      )
    )
  }
  const baseUrl = check('domain', parseDomain)
  const edition = editionProblem(baseUrl, organizationId)
  if (edition && !problems.some(problem => problem.input === 'organization-id'))
    problems.push(edition)
  // Notes on inputs taken other than as written, said once each (Settings.warnings).
  const notes = new Set<string>()
  const branches = check('branches', value => parseBranchList(value, notes))
  const branch = check('branch', value => parseRefName('branch', value, notes))
  const tag = check('tag', value => parseRefName('tag', value, notes))
  const envs = await checkAsync('envs', value => parseStringMappingInput('envs', value, {}))
  const runningBranches = await checkAsync('running-branches', value =>
    parseStringMappingInput('running-branches', value, { refValues: 'branch', notes })
  )
  const runningTags = await checkAsync('running-tags', value =>
    parseStringMappingInput('running-tags', value, { refValues: 'tag', notes })
  )
  const pipelineArtifacts = await checkAsync('pipeline-artifacts', value =>
    parseStringMappingInput('pipeline-artifacts', value, { nonEmptyValues: 'version' })
  )
  const acrArtifacts = await checkAsync('acr-artifacts', value =>
    parseStringMappingInput('acr-artifacts', value, { nonEmptyValues: 'tag' })
  )
  const packageArtifacts = await checkAsync('package-artifacts', value =>
    parseStringMappingInput('package-artifacts', value, { nonEmptyValues: 'version' })
  )
  const rawParams = await checkAsync('params', parseParamsInput)
  const paramsRef = paramsRefProblem(rawParams)
  if (paramsRef) problems.push(paramsRef)
  const commentInput = get('comment')
  const comment = commentInput || defaultComment(env)
  const consoleUrl = check('console-url', parseConsoleUrl)
  const dryRun = bool('dry-run')
  const waitInput = bool('wait')
  const timeoutMs = check('timeout', value =>
    parseDurationInput('timeout', value, 1000, MAX_TIMEOUT_MS)
  )
  const timeoutNote = timeoutMs && bareSecondsWarning('timeout', get('timeout'), timeoutMs)
  if (timeoutNote) notes.add(timeoutNote)
  const pollIntervalMs = check('poll-interval', value =>
    parseDurationInput('poll-interval', value, 1000, MAX_POLL_INTERVAL_MS)
  )
  const stopOnCancel = bool('stop-on-cancel')
  const stopOnTimeout = bool('stop-on-timeout')
  const logs = check('logs', parseLogsMode)
  // pipeline-name, run-id, on-manual-gate: checked by run-control-inputs.ts, run only for them.
  let control: RunControlInputs | undefined
  if (get('pipeline-name') || get('run-id') || get('on-manual-gate') !== 'wait') {
    const { checkRunControlInputs } = await import('./run-control.js')
    control = checkRunControlInputs(get, waitInput)
    for (const problem of control.problems) {
      problems.push(new InputError(problem.input, problem.message))
    }
  }
  // Following a run given by run-id is waiting for it.
  const wait = control?.follow ? true : waitInput
  const github = checkGithubInputs(get, problems, {
    pipeline: control?.pipelineName ?? pipelineId,
    wait
  })

  if (problems.length > 0) {
    // Belt and braces: whatever an input echoed, the token does not leave this function.
    const safe = problems.map(
      problem => new InputError(problem.input, redact(problem.message, [token, githubSecret(get)]))
    )
    throw safe.length === 1 ? safe[0] : new InputErrors(safe)
  }
  return {
    token,
    organizationId,
    pipelineId: pipelineId ?? 0,
    ...(control?.pipelineName !== undefined ? { pipelineName: control.pipelineName } : {}),
    ...(control?.follow ? { follow: control.follow } : {}),
    onManualGate: control?.onManualGate ?? 'wait',
    baseUrl: baseUrl as string,
    branches: branches as string[],
    branch,
    tag,
    envs,
    runningBranches,
    runningTags,
    pipelineArtifacts,
    acrArtifacts,
    packageArtifacts,
    comment,
    commentIsDefault: comment !== undefined && !commentInput,
    rawParams,
    consoleUrl: consoleUrl as string,
    dryRun: dryRun as boolean,
    wait: wait as boolean,
    timeoutMs: timeoutMs as number,
    pollIntervalMs: pollIntervalMs as number,
    stopOnCancel: stopOnCancel as boolean,
    stopOnTimeout: stopOnTimeout as boolean,
    logs: logs as LogsMode,
    github,
    ...(notes.size > 0 ? { warnings: [...notes] } : {})
  }
}

/** The github-token, to keep out of messages ('' when it is the unexpanded default). */
function githubSecret(get: (name: InputName) => string): string {
  const value = get('github-token')
  return isUnexpanded(value) ? '' : value
}

/** A value the runner did not expand: the action runs outside GitHub Actions (`node dist/index.js`). */
function isUnexpanded(value: string): boolean {
  return /^\$\{\{.*\}\}$/s.test(value)
}

// GitHub's limits: 255 characters for a status context and an environment name.
const GITHUB_NAME_LIMIT = 255

// Control characters (Unicode's Cc: U+0000-U+001F, U+007F-U+009F), as ranges: `\p{Cc}` has V8 ask
// ICU for the property each time such an expression is compiled, which costs Node 24 about 0.1 MiB
// of peak memory on every run (README "Performance").
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/
// eslint-disable-next-line no-control-regex
const SPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f-\u009f]/

function parseGithubName(name: InputName, value: string, what: string): string {
  if (CONTROL.test(value) || [...value].length > GITHUB_NAME_LIMIT) {
    throw new InputError(
      name,
      `Input "${name}": expected ${what}: one line of at most ${GITHUB_NAME_LIMIT} characters; got ${quote(value)}.`
    )
  }
  return value
}

function parseDeploymentUrl(value: string): string {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (
    !url ||
    /\s/.test(value) ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username ||
    url.password
  ) {
    throw new InputError(
      'deployment-url',
      `Input "deployment-url": expected the deployed environment's http(s) address, e.g. https://staging.example.com; got ${quote(hideUserInfo(value))}.`
    )
  }
  return value
}

/**
 * commit-status, status-context, deployment-environment, deployment-url, context-envs and
 * github-token. A commit status needs someone to finish it: only a step that follows the run can.
 */
type Check = <T>(name: InputName, parse: (value: string) => T) => T | undefined

/** Parses one input; a problem is collected (naming the input) instead of thrown, so all are told at once. */
function checker(get: (name: InputName) => string, problems: InputError[]): Check {
  return (name, parse) => {
    try {
      return parse(get(name))
    } catch (error) {
      problems.push(asInputError(name, error))
      return undefined
    }
  }
}

function checkGithubInputs(
  get: (name: InputName) => string,
  problems: InputError[],
  known: { pipeline?: number | string; wait?: boolean }
): GithubSettings | undefined {
  const start = problems.length
  const check = checker(get, problems)
  const commitStatus = check('commit-status', v => parseBooleanInput('commit-status', v))
  const contextEnvs = check('context-envs', v => parseBooleanInput('context-envs', v))
  const context = check('status-context', v =>
    v ? parseGithubName('status-context', v, 'a status context such as ci/yunxiao') : undefined
  )
  const environment = check('deployment-environment', v =>
    v
      ? parseGithubName('deployment-environment', v, 'an environment name such as production')
      : undefined
  )
  const deploymentUrl = check('deployment-url', v => (v ? parseDeploymentUrl(v) : undefined))
  if (problems.length > start) return undefined

  if (context && !commitStatus) {
    problems.push(
      new InputError(
        'status-context',
        `Input "status-context": it names the commit status, and commit-status is false; set commit-status: true or remove status-context (got ${quote(context)}).`
      )
    )
  }
  if (deploymentUrl && !environment) {
    problems.push(
      new InputError(
        'deployment-url',
        'Input "deployment-url": it is shown on the deployment, and deployment-environment is empty; set deployment-environment or remove deployment-url.'
      )
    )
  }
  if (commitStatus && known.wait === false) {
    problems.push(
      new InputError(
        'commit-status',
        'Input "commit-status": needs wait: true, since only a step that follows the run to its end can set its final status (a pending status would stay pending forever); set wait: true (or follow a run with run-id), or remove commit-status.'
      )
    )
  }
  const usesApi = Boolean(commitStatus || environment)
  let token = ''
  if (usesApi) {
    const raw = get('github-token')
    if (!raw || isUnexpanded(raw)) {
      problems.push(
        new InputError(
          'github-token',
          `Input "github-token" is required for ${commitStatus ? 'commit-status' : 'deployment-environment'}: a GitHub token (the default, \${{ github.token }}, is only set inside GitHub Actions); got nothing.`
        )
      )
    } else if (SPACE_OR_CONTROL.test(raw)) {
      problems.push(
        new InputError(
          'github-token',
          'Input "github-token": expected a single token without spaces or line breaks; the value given has some (not shown).'
        )
      )
    } else if (!/^[\x21-\x7e]+$/.test(raw)) {
      // It goes in an HTTP header, which carries printable ASCII only.
      problems.push(
        new InputError(
          'github-token',
          'Input "github-token": expected printable ASCII characters only; the value given has other characters (not shown).'
        )
      )
    } else token = raw
  }
  if (problems.length > start || !(usesApi || contextEnvs)) return undefined
  return {
    token,
    statusContext: commitStatus ? (context ?? `yunxiao/${known.pipeline ?? ''}`) : undefined,
    deploymentEnvironment: environment,
    deploymentUrl,
    contextEnvs: contextEnvs as boolean
  }
}

function asInputError(name: string, error: unknown): InputError {
  if (error instanceof InputError) return error
  return new InputError(
    name,
    `Input "${name}": ${error instanceof Error ? error.message : String(error)}`
  )
}

function parseToken(value: string): string {
  if (!value) {
    throw new InputError(
      'token',
      'Input "token" is required: a Yunxiao personal access token (pt-...), passed from a secret; got nothing.'
    )
  }
  // A line break or control character would corrupt the request header; never quote the value.
  if (SPACE_OR_CONTROL.test(value)) {
    throw new InputError(
      'token',
      'Input "token": expected a single token without spaces or line breaks; the value given has some (not shown).'
    )
  }
  // An HTTP header carries printable ASCII only: anything else (a pasted curly quote, a
  // zero-width space) would fail every request as a network error.
  if (!/^[\x21-\x7e]+$/.test(value)) {
    throw new InputError(
      'token',
      'Input "token": expected printable ASCII characters only (letters, digits, punctuation); the value given has other characters (not shown).'
    )
  }
  return value
}

function parseOrganizationId(value: string): string | undefined {
  if (!value) return undefined
  // It becomes a URL path segment: letters, digits, '-' and '_' only.
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(value)) {
    throw new InputError(
      'organization-id',
      `Input "organization-id": expected an organization id (letters, digits, '-' or '_', e.g. 60d54f3daccf2bbd6659f3ad), or nothing for the Region edition; got ${quote(value)}.`
    )
  }
  return value
}

function parsePipelineId(value: string): number {
  const id = /^\d+$/.test(value) ? Number(value) : NaN
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new InputError(
      'pipeline-id',
      `Input "pipeline-id": expected a positive whole number (the number in the pipeline's console URL); got ${quote(value)}.`
    )
  }
  return id
}

/** `host[:port]` or `http(s)://host[:port][/]`, cut into its parts; a path, query, fragment or user is refused. */
function splitOrigin(
  text: string,
  fail: (why: string) => InputError
): { scheme: string; url: URL; rest: string } {
  if (SPACE_OR_CONTROL.test(text)) throw fail('spaces and line breaks are not allowed')
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text)
  const scheme = schemeMatch ? schemeMatch[1].toLowerCase() : 'https'
  if (scheme !== 'https' && scheme !== 'http')
    throw fail(`the scheme ${schemeMatch?.[1]}:// is not supported`)
  const rest = schemeMatch ? text.slice(schemeMatch[0].length) : text
  const authority = /^[^/?#\\]*/.exec(rest)![0]
  if (authority.includes('@')) throw fail('user names and passwords are not allowed in it')
  if (!authority) throw fail('the host is missing')
  // An IPv6 address in brackets, or a name / IPv4 address; then an optional :port.
  const hostPort = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]+)(?::(\d*))?$/.exec(authority)
  if (!hostPort) throw fail('not a host[:port] (put an IPv6 address in brackets: [::1]:8080)')
  const port = hostPort[2]
  if (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65535 && port !== '')) {
    throw fail('the port must be a number from 1 to 65535')
  }
  let url: URL
  try {
    url = new URL(`${scheme}://${authority}`)
  } catch {
    throw fail('not a valid host name')
  }
  return { scheme, url, rest: rest.slice(authority.length) }
}

function parseDomain(value: string): string {
  const expected =
    'expected the OpenAPI host (openapi-rdc.aliyuncs.com, host:port) or origin (https://host[:port]); http:// only for loopback: 127.x.x.x, [::1] or localhost'
  const fail = (why: string) =>
    new InputError(
      'domain',
      `Input "domain": ${why}; ${expected}; got ${quote(hideUserInfo(value))}.`
    )
  const { scheme, url, rest } = splitOrigin(value, fail)
  if (rest !== '' && rest !== '/') throw fail('a path, query or fragment is not allowed')
  const webConsole = consoleHostProblem(url.hostname)
  if (webConsole) throw fail(webConsole)
  if (scheme === 'http' && !isLoopbackHost(url.hostname)) {
    throw fail('http:// is allowed only for loopback hosts')
  }
  return url.origin
}

function parseConsoleUrl(value: string): string {
  const fail = (why: string) =>
    new InputError(
      'console-url',
      `Input "console-url": ${why}; expected the web console's http(s) address, e.g. https://flow.aliyun.com; got ${quote(hideUserInfo(value))}.`
    )
  const { url, rest } = splitOrigin(value, fail)
  // A path prefix is kept (a console served under a path); a query or fragment makes no sense before /pipelines.
  if (/[?#\\]/.test(rest)) throw fail('a query or fragment is not allowed')
  const path = rest.replace(/\/+$/, '')
  if (path && !/^(\/[A-Za-z0-9._~%!$&'()*+,;=:@-]+)+$/.test(path)) throw fail('not a valid path')
  return url.origin + path
}

/** Credentials pasted into a URL input are not repeated in the error message. */
function hideUserInfo(value: string): string {
  return value.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?[^/?#@]*@/, '$1***@')
}

/**
 * Why `ref` cannot be a git branch or tag name (the rules of `git check-ref-format`, plus no
 * leading '-'), or undefined when it can. Catches e.g. a JSON list given where names were expected.
 */
export function refNameProblem(ref: string): string | undefined {
  if (SPACE_OR_CONTROL.test(ref)) return 'has a space, line break or control character in it'
  const bad = ref.match(/[~^:?*[\\]/)
  if (bad) return `has ${quote(bad[0])} in it, which git does not allow in a name`
  if (ref.includes('..')) return 'has ".." in it, which git does not allow'
  if (ref.includes('@{') || ref === '@') return 'has "@{" in it or is "@", which git does not allow'
  if (ref.startsWith('-')) return 'starts with "-"'
  if (/^["'].*["']$/.test(ref)) return 'is wrapped in quotes (give names without quotes)'
  if (ref === 'HEAD') return 'is "HEAD", not a branch or tag name'
  if (ref.startsWith('/') || ref.endsWith('/') || ref.includes('//'))
    return 'has an empty part between slashes'
  if (ref.endsWith('.')) return 'ends with "."'
  if (ref.split('/').some(part => part.startsWith('.') || part.endsWith('.lock')))
    return 'has a part that starts with "." or ends with ".lock"'
  return undefined
}

function parseBranchList(value: string, notes: Set<string>): string[] {
  const names = value
    .split(/[\n,]/)
    .map(name => name.trim())
    .filter(name => name !== '')
    .map(name => plainRefName('branches', name, 'branch', notes))
  for (const name of names) {
    const problem = pullRequestRefProblem(name) ?? refNameProblem(name)
    if (problem) {
      throw new InputError(
        'branches',
        `Input "branches": expected branch names, one per line or comma-separated; ${quote(name)} ${problem}.`
      )
    }
  }
  return names
}

function parseRefName(
  name: 'branch' | 'tag',
  given: string,
  notes: Set<string>
): string | undefined {
  if (!given) return undefined
  const value = plainRefName(name, given, name, notes)
  if (value.includes(',')) {
    throw new InputError(
      name,
      `Input "${name}": expected one ${name} name${name === 'branch' ? ' (use `branches` for several)' : ''}; got ${quote(value)}, which has a comma in it.`
    )
  }
  const problem =
    (name === 'branch' ? pullRequestRefProblem(value) : undefined) ?? refNameProblem(value)
  if (problem) {
    throw new InputError(
      name,
      `Input "${name}": expected one ${name} name; ${quote(value)} ${problem}.`
    )
  }
  return value
}

interface StringMappingRules {
  /** Values name a branch or tag: non-empty and without spaces. */
  refValues?: 'branch' | 'tag'
  /** Values must not be empty; the word names what a value is. */
  nonEmptyValues?: string
  /** With refValues: where a `refs/heads/x` (`refs/tags/x`) value taken as `x` is noted. */
  notes?: Set<string>
}

const MAPPING_EXPECTED: Record<string, string> = {
  envs: 'a YAML or JSON mapping of variable name to value, e.g. `VERSION: 1.2.3` lines or {"VERSION": "1.2.3"}',
  'running-branches': 'a YAML or JSON mapping of repository URL to branch',
  'running-tags': 'a YAML or JSON mapping of repository URL to tag',
  'pipeline-artifacts': 'a YAML or JSON mapping of pipeline artifact id to version',
  'acr-artifacts': 'a YAML or JSON mapping of image repository to tag',
  'package-artifacts':
    'a YAML or JSON mapping of artifact path (generic/<repo>/<artifact>) to version',
  params: 'a YAML or JSON mapping (e.g. {"releaseBranch": "release/1.0"})'
}

/** envs values may come from secrets: its error messages show keys and positions, never the text. */
function given(name: string, value: string): string {
  return name === 'envs' ? 'the value is not shown, as it may hold secrets' : `got ${quote(value)}`
}

async function parseStringMappingInput(
  name: InputName,
  value: string,
  rules: StringMappingRules
): Promise<Record<string, string> | undefined> {
  if (!value) return undefined
  let mapping: Record<string, string>
  try {
    mapping = await parseStringMapping(value)
  } catch (error) {
    throw new InputError(
      name,
      `Input "${name}": ${messageOf(error)}; expected ${MAPPING_EXPECTED[name]}; ${given(name, value)}.`
    )
  }
  for (const [key, written] of Object.entries(mapping)) {
    const item =
      rules.refValues && rules.notes
        ? plainRefName(name, written, rules.refValues, rules.notes)
        : written
    if (item !== written) setOwn(mapping, key, item)
    const what = rules.refValues ?? rules.nonEmptyValues
    if (what && item === '') {
      throw new InputError(
        name,
        `Input "${name}": the ${what} for ${quote(key)} is empty; expected ${MAPPING_EXPECTED[name]}; ${given(name, value)}.`
      )
    }
    const problem =
      rules.refValues &&
      ((rules.refValues === 'branch' ? pullRequestRefProblem(item) : undefined) ??
        refNameProblem(item))
    if (problem) {
      throw new InputError(
        name,
        `Input "${name}": the ${rules.refValues} for ${quote(key)} is not a ${rules.refValues} name: ${quote(item)} ${problem}.`
      )
    }
  }
  return Object.keys(mapping).length > 0 ? mapping : undefined
}

async function parseParamsInput(value: string): Promise<Record<string, unknown> | undefined> {
  if (!value) return undefined
  try {
    return await parseDataMapping(value)
  } catch (error) {
    throw new InputError(
      'params',
      `Input "params": ${messageOf(error)}; expected ${MAPPING_EXPECTED.params}; got ${quote(value)}.`
    )
  }
}

/**
 * The comment that links a Yunxiao run back to the GitHub run that started it, e.g.
 * `GitHub Actions: owner/repo@abc1234 on main (workflow "CI" run #12) https://github.com/owner/repo/actions/runs/123456`.
 * Undefined outside GitHub Actions (no server URL, repository or run id).
 */
export function defaultComment(env: NodeJS.ProcessEnv): string | undefined {
  const server = env.GITHUB_SERVER_URL?.trim().replace(/\/+$/, '')
  const repository = env.GITHUB_REPOSITORY?.trim()
  const runId = env.GITHUB_RUN_ID?.trim()
  if (!server || !repository || !runId) return undefined
  const sha = env.GITHUB_SHA?.trim().slice(0, 7)
  const ref = env.GITHUB_REF_NAME?.trim()
  const workflow = env.GITHUB_WORKFLOW?.trim()
  const runNumber = env.GITHUB_RUN_NUMBER?.trim()
  const attempt = env.GITHUB_RUN_ATTEMPT?.trim()
  const run = [
    workflow ? `workflow ${JSON.stringify(workflow)}` : '',
    runNumber ? `run #${runNumber}` : '',
    attempt && attempt !== '1' ? `attempt ${attempt}` : ''
  ].filter(Boolean)
  return [
    `GitHub Actions: ${repository}${sha ? `@${sha}` : ''}${ref ? ` on ${ref}` : ''}`,
    run.length ? `(${run.join(' ')})` : '',
    `${server}/${repository}/actions/runs/${runId}`
  ]
    .filter(Boolean)
    .join(' ')
}

// Longer than any GitHub job may run (5 days on a self-hosted runner), and within a timer's range.
const MAX_TIMEOUT_MS = 7 * 24 * 3_600_000
// Slower polling would notice the end of a run too late to be useful.
const MAX_POLL_INTERVAL_MS = 3_600_000

function parseDurationInput(name: InputName, value: string, minMs: number, maxMs: number): number {
  const range = `from ${formatDuration(minMs)} (the minimum; whole seconds, no ms) to ${formatDuration(maxMs)}`
  let ms: number
  try {
    ms = parseDuration(value)
  } catch (error) {
    throw new InputError(
      name,
      `Input "${name}": ${messageOf(error)}; it takes a duration ${range}.`
    )
  }
  if (ms < minMs || ms > maxMs) {
    throw new InputError(
      name,
      `Input "${name}": expected a duration ${range}; got ${quote(value)}.`
    )
  }
  return ms
}

const LOGS_MODES: readonly LogsMode[] = ['failed', 'all', 'live', 'none']

function parseLogsMode(value: string): LogsMode {
  if (!(LOGS_MODES as readonly string[]).includes(value)) {
    throw new InputError(
      'logs',
      `Input "logs": expected failed, all, live or none; got ${quote(value)}.`
    )
  }
  return value as LogsMode
}
