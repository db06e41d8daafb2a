// What the post step needs from the main step. Saved with core.saveState, which appends to the
// GITHUB_STATE file at once, so it survives a main step that is killed outright.
import * as core from '@actions/core'

const KEYS = {
  isPost: 'isPost',
  runId: 'runId',
  pipelineId: 'pipelineId',
  following: 'following',
  finished: 'finished',
  githubSha: 'githubSha',
  githubStatusPending: 'githubStatusPending',
  deploymentId: 'deploymentId'
} as const

/** True in the post step: main saves isPost before anything else. */
export const isPost = core.getState(KEYS.isPost) === 'true'

export function markMainStarted(): void {
  core.saveState(KEYS.isPost, 'true')
}

/** Called as soon as the run exists; `following` tells post that main waits for it. */
export function saveRunStarted(pipelineId: number, runId: number, following: boolean): void {
  core.saveState(KEYS.pipelineId, String(pipelineId))
  core.saveState(KEYS.runId, String(runId))
  core.saveState(KEYS.following, following ? 'true' : 'false')
}

/** Main is done with the run (it ended, it was stopped, or it was left alone on purpose). */
export function saveRunFinished(): void {
  core.saveState(KEYS.finished, 'true')
}

export interface SavedRun {
  pipelineId: number
  runId: number
  following: boolean
  finished: boolean
}

export function savedRun(): SavedRun | undefined {
  const runId = Number(core.getState(KEYS.runId))
  const pipelineId = Number(core.getState(KEYS.pipelineId))
  const valid = (id: number): boolean => Number.isSafeInteger(id) && id > 0
  if (!valid(runId) || !valid(pipelineId)) return undefined
  return {
    pipelineId,
    runId,
    following: core.getState(KEYS.following) === 'true',
    finished: core.getState(KEYS.finished) === 'true'
  }
}

/** What the GitHub report (commit status, deployment) left unfinished; no secret in it. */
export interface SavedGithubReport {
  /** The commit the status and the deployment are on. */
  sha: string
  statusPending: boolean
  deploymentId?: number
}

/** Saved whenever the report changes, so that the post step can finish it. */
export function saveGithubReport(report: SavedGithubReport): void {
  core.saveState(KEYS.githubSha, report.sha)
  core.saveState(KEYS.githubStatusPending, report.statusPending ? 'true' : 'false')
  core.saveState(
    KEYS.deploymentId,
    report.deploymentId === undefined ? '' : String(report.deploymentId)
  )
}

/** The report main left unfinished; undefined when nothing is left to do. */
export function savedGithubReport(): SavedGithubReport | undefined {
  const sha = core.getState(KEYS.githubSha)
  const deploymentId = Number(core.getState(KEYS.deploymentId) || NaN)
  const report: SavedGithubReport = {
    sha,
    statusPending: core.getState(KEYS.githubStatusPending) === 'true',
    deploymentId: Number.isSafeInteger(deploymentId) && deploymentId > 0 ? deploymentId : undefined
  }
  if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(sha)) return undefined
  return report.statusPending || report.deploymentId !== undefined ? report : undefined
}
