// What the main step leaves the post step in the step state (state.ts writes it, the runner hands
// it back as STATE_<key>): the run, rewritten at each change of phase, and what the GitHub report
// left unfinished. Free of log.ts: the post step reads it at start.

/**
 * `started`: cancelled as it was being started, not yet settled; `following`; `finished`: main is
 * done with it (it ended, was stopped, or is left on purpose).
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
  /** The OpenAPI origin the run was started on. */
  baseUrl: string
  /** The center edition's. */
  organizationId?: string
  consoleUrl: string
  /** The post step stops the run main did not finish (stop-on-cancel). */
  stop: boolean
}

export const RECORD_KEY = 'run'

export const encodeRecord = (record: RunRecord): string => JSON.stringify(record)

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

/** The record main left; undefined if none, or not one this version wrote. Never throws. */
export function recordFromEnv(env: NodeJS.ProcessEnv = process.env): RunRecord | undefined {
  let o: Record<string, unknown>
  try {
    o = JSON.parse(env[`STATE_${RECORD_KEY}`] ?? '') as Record<string, unknown>
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
  return { phase: phase as Phase, pipelineId, runId, baseUrl, organizationId, consoleUrl, stop }
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
  const deployment = Number(get(GITHUB_KEYS.deploymentId) || NaN)
  const deploymentId = id(deployment) ? deployment : undefined
  const statusPending = get(GITHUB_KEYS.statusPending) === 'true'
  if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(sha)) return undefined
  return statusPending || deploymentId ? { sha, statusPending, deploymentId } : undefined
}
