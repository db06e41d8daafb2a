// Action inputs -> one typed, validated Settings object, or an InputError before anything is sent.
import { formatDuration, parseDuration } from '../../common/duration.js'
import { messageOf } from '../../common/logger.js'
import { redact } from '../../common/redact.js'
import { MAX_POLL_INTERVAL_MS, MAX_TIMEOUT_MS, MIN_INPUT_DURATION_MS } from '../../common/timing.js'
import type { ManualGateMode } from '../../follow/gates.js'
import type { JobLogsMode } from '../../follow/job-logs.js'
import {
  parseConsoleUrl,
  parseDomain,
  parseOrganizationId,
  parsePipelineId,
  parseToken
} from './endpoint-inputs.js'
import { checkGithubInputs, type GithubSettings } from './github-inputs.js'
import {
  checker,
  githubSecret,
  InputError,
  invalid,
  parseBooleanInput,
  quote,
  type InputReader
} from './inputs.js'
import { parseParamsInput, parseStringMappingInput } from './mapping.js'
import { parseBranchList, parseRefName } from './ref-inputs.js'
import { checkRunControlInputs, type FollowTarget } from './run-control-inputs.js'

export { InputError, type FollowTarget, type GithubSettings, type InputReader }

export interface Settings {
  token: string
  /** Set: center edition paths. Undefined: Region edition paths. */
  organizationId?: string
  /** pipeline-id, or 0 until the main step has looked `pipelineName` up (before any other call). */
  pipelineId: number
  /** pipeline-name: the pipeline's exact name, given instead of pipeline-id. */
  pipelineName?: string
  /** run-id: follow this run instead of starting one (then `wait` is true). */
  follow?: FollowTarget
  onManualGate: ManualGateMode
  /** Origin of the OpenAPI, e.g. 'https://openapi-rdc.aliyuncs.com' (no trailing slash). */
  baseUrl: string
  /** branchModeBranchs */
  branches: string[]
  /** One branch / tag for every code source (needs GetPipeline). */
  branch?: string
  tag?: string
  envs?: Record<string, string>
  runningBranches?: Record<string, string>
  runningTags?: Record<string, string>
  pipelineArtifacts?: Record<string, string>
  acrArtifacts?: Record<string, string>
  packageArtifacts?: Record<string, string>
  /** The comment input; else one that links back to the GitHub run, unless raw params have a comment. */
  comment?: string
  rawParams?: Record<string, unknown>
  /** Console origin and path prefix, no trailing slash. */
  consoleUrl: string
  dryRun: boolean
  wait: boolean
  timeoutMs: number
  pollIntervalMs: number
  stopOnCancel: boolean
  stopOnTimeout: boolean
  logs: JobLogsMode
  /** The GitHub side (commit status, deployment, context-envs); undefined when none is asked for. */
  github?: GithubSettings
  /** Lines to warn of once, before anything is sent (e.g. a ref given as refs/heads/x); absent when none. */
  warnings?: string[]
}

/**
 * Every input (`get`, with action.yml's defaults: readInput), validated: bad inputs throw one
 * InputError, a line each, naming the first. `env`: the GitHub variables of the default comment.
 */
export async function getSettings(
  get: InputReader,
  env: NodeJS.ProcessEnv = process.env
): Promise<Settings> {
  const token = get('token')
  const problems: InputError[] = []
  const check = checker(get, problems)
  const bool = (name: string) => check(name, value => parseBooleanInput(name, value))
  // Notes on inputs taken other than as written, said once each (Settings.warnings).
  const notes = new Set<string>()
  const mapping = (name: string, what?: string, refs?: Set<string>) =>
    check(name, value => parseStringMappingInput(name, value, what, refs))

  check('token', parseToken)
  const pipelineId = check('pipeline-id', value => parsePipelineId(value, get('pipeline-name')))
  const baseUrl = check('domain', parseDomain)
  // `wait` is decided here, once: following a run given by run-id is waiting for it.
  const decideWait = (input: boolean | undefined) => (get('run-id') ? true : input)
  // In the order problems are told.
  const fields = {
    token,
    baseUrl,
    organizationId: check('organization-id', value => parseOrganizationId(value, baseUrl)),
    branches: check('branches', value => parseBranchList(value, notes)),
    branch: check('branch', value => parseRefName('branch', value, notes)),
    tag: check('tag', value => parseRefName('tag', value, notes)),
    envs: await mapping('envs'),
    runningBranches: await mapping('running-branches', 'branch', notes),
    runningTags: await mapping('running-tags', 'tag', notes),
    pipelineArtifacts: await mapping('pipeline-artifacts', 'version'),
    acrArtifacts: await mapping('acr-artifacts', 'tag'),
    packageArtifacts: await mapping('package-artifacts', 'version'),
    rawParams: await check('params', parseParamsInput),
    consoleUrl: check('console-url', parseConsoleUrl),
    dryRun: bool('dry-run'),
    wait: decideWait(bool('wait')),
    timeoutMs: check('timeout', value => parseTimeout(value, notes)),
    pollIntervalMs: check('poll-interval', value =>
      parseDurationInput('poll-interval', value, MAX_POLL_INTERVAL_MS)
    ),
    stopOnCancel: bool('stop-on-cancel'),
    stopOnTimeout: bool('stop-on-timeout'),
    logs: check('logs', parseLogsMode)
  }
  const control = checkRunControlInputs(get, fields.wait, problems)
  const github = checkGithubInputs(get, problems, {
    pipeline: control.pipelineName ?? pipelineId,
    wait: fields.wait
  })

  if (problems.length > 0) {
    // Belt and braces: whatever an input echoed, the token does not leave this function.
    const message = problems.map(problem => problem.message).join('\n')
    throw new InputError(problems[0].input, redact(message, [token, githubSecret(get)]))
  }
  const { rawParams } = fields
  return {
    // Without problems, every input that has a default was read.
    ...(fields as Omit<Settings, 'pipelineId' | 'onManualGate'>),
    comment:
      get('comment') ||
      (rawParams && Object.hasOwn(rawParams, 'comment') ? undefined : defaultComment(env)),
    pipelineId: pipelineId ?? 0,
    ...(control.pipelineName !== undefined ? { pipelineName: control.pipelineName } : {}),
    ...(control.follow ? { follow: control.follow } : {}),
    onManualGate: control.onManualGate ?? 'wait',
    github,
    ...(notes.size > 0 ? { warnings: [...notes] } : {})
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

function parseDurationInput(name: string, value: string, maxMs: number): number {
  const range = `from ${formatDuration(MIN_INPUT_DURATION_MS)} (the minimum; whole seconds, no ms) to ${formatDuration(maxMs)}`
  let ms: number
  try {
    ms = parseDuration(value)
  } catch (error) {
    throw new InputError(
      name,
      `Input "${name}": ${messageOf(error)}; it takes a duration ${range}.`
    )
  }
  if (ms < MIN_INPUT_DURATION_MS || ms > maxMs) throw invalid(name, `a duration ${range}`, value)
  return ms
}

/** timeout; a bare number under a minute (`timeout: 10`, ten seconds) was surely meant in minutes. */
function parseTimeout(value: string, notes: Set<string>): number {
  const ms = parseDurationInput('timeout', value, MAX_TIMEOUT_MS)
  if (/^\d+$/.test(value) && ms < 60_000)
    notes.add(
      `Input "timeout": ${quote(value)} is ${ms / 1000} second(s): a bare number means seconds. For minutes write ${Number(value) || 10}m (or 1h30m, 90s).`
    )
  return ms
}

function parseLogsMode(value: string): JobLogsMode {
  if (['failed', 'all', 'live', 'none'].includes(value)) return value as JobLogsMode
  throw invalid('logs', 'failed, all, live or none', value)
}
