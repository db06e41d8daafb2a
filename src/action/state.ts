// What the post step needs from the main step. Saved with core.saveState, which appends to the
// GITHUB_STATE file at once, so it survives a main step that is killed outright.
import * as core from '@actions/core'

const KEYS = {
  isPost: 'isPost',
  runId: 'runId',
  pipelineId: 'pipelineId',
  following: 'following',
  finished: 'finished'
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
