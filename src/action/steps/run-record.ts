// What the main step records for the post step (state.ts writes it): the run, as one JSON value in
// the step state (the `run` key), rewritten whenever the phase changes; and what the GitHub report
// (commit status, deployment) left unfinished. The runner hands both back as STATE_<key>. Free of
// @actions/core and of log.ts: the post step reads it at start.

/**
 * - `started`: the run exists and main has not decided yet what becomes of it (it was being
 *   started when the job was cancelled).
 * - `following`: main follows the run.
 * - `finished`: main is done with the run (it ended, was stopped, or is left on purpose).
 */
export type Phase = 'started' | 'following' | 'finished'

const PHASES: readonly string[] = ['started', 'following', 'finished']

/** The run's page in the Yunxiao console. */
export function runUrl(consoleUrl: string, pipelineId: number, runId: number): string {
  return `${consoleUrl}/pipelines/${pipelineId}/builds/${runId}`
}

/** The pipeline's page, where its runs are listed. */
export function pipelineUrl(consoleUrl: string, pipelineId: number): string {
  return `${consoleUrl}/pipelines/${pipelineId}/current`
}

export interface RunRecord {
  phase: Phase
  pipelineId: number
  runId: number
  /** OpenAPI origin the run was started on, e.g. https://openapi-rdc.aliyuncs.com. */
  baseUrl: string
  /** Set for the center edition. */
  organizationId?: string
  /** Console origin, for the run's link. */
  consoleUrl: string
  /** When the main step does not finish the run, the post step stops it (stop-on-cancel). */
  stop: boolean
}

export const RECORD_KEY = 'run'

export function encodeRecord(record: RunRecord): string {
  const { phase, pipelineId, runId, baseUrl, organizationId, consoleUrl, stop } = record
  return JSON.stringify({ phase, pipelineId, runId, baseUrl, organizationId, consoleUrl, stop })
}

const id = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0

const origin = (value: unknown): value is string => {
  if (typeof value !== 'string') return false
  try {
    const url = new URL(value)
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password
  } catch {
    return false
  }
}

/** The record, or undefined when there is none or it is not one this version wrote. Never throws. */
export function decodeRecord(text: string | undefined): RunRecord | undefined {
  let o: Record<string, unknown>
  try {
    o = JSON.parse(text ?? '') as Record<string, unknown>
  } catch {
    return undefined
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return undefined
  const { phase, pipelineId, runId, baseUrl, organizationId, consoleUrl, stop } = o
  if (typeof phase !== 'string' || !PHASES.includes(phase) || typeof stop !== 'boolean')
    return undefined
  if (!id(pipelineId) || !id(runId) || !origin(baseUrl) || !origin(consoleUrl)) return undefined
  if (organizationId !== undefined && (typeof organizationId !== 'string' || !organizationId))
    return undefined
  const org = organizationId !== undefined ? { organizationId } : {}
  return { phase: phase as Phase, pipelineId, runId, baseUrl, ...org, consoleUrl, stop }
}

/** The record the post step got from the runner (STATE_run), if any. */
export function recordFromEnv(env: NodeJS.ProcessEnv = process.env): RunRecord | undefined {
  return decodeRecord(env[`STATE_${RECORD_KEY}`])
}

/** What the GitHub report (commit status, deployment) left unfinished; no secret in it. */
export interface SavedGithubReport {
  /** The commit the status and the deployment are on. */
  sha: string
  statusPending: boolean
  deploymentId?: number
}

export const GITHUB_KEYS = {
  sha: 'githubSha',
  statusPending: 'githubStatusPending',
  deploymentId: 'deploymentId'
} as const

/** The GitHub report main left unfinished, from STATE_ variables; undefined when nothing is left. */
export function githubReportFromEnv(
  env: NodeJS.ProcessEnv = process.env
): SavedGithubReport | undefined {
  const get = (key: string): string => env[`STATE_${key}`] ?? ''
  const sha = get(GITHUB_KEYS.sha)
  const deploymentId = Number(get(GITHUB_KEYS.deploymentId) || NaN)
  const report: SavedGithubReport = {
    sha,
    statusPending: get(GITHUB_KEYS.statusPending) === 'true',
    deploymentId: Number.isSafeInteger(deploymentId) && deploymentId > 0 ? deploymentId : undefined
  }
  if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(sha)) return undefined
  return report.statusPending || report.deploymentId !== undefined ? report : undefined
}
