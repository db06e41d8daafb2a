// The post step's GitHub part: finishes the commit status or deployment main left pending.
// Loaded by post-work.ts only then (it reads all the inputs, as the main step did).
import type { RunOutcome } from '../github/outcome.js'
import { messageOf } from '../common/logger.js'
import { githubFinishInPost } from './github.js'
import { addSecret, warning } from './log.js'
import { readInput, secretInputs } from './inputs.js'
import type { RunRecord, SavedGithubReport } from './run-record.js'
import { getSettings } from './settings.js'

export async function finishGithub(
  saved: SavedGithubReport,
  record: RunRecord,
  runUrl: string,
  outcome: RunOutcome,
  env: NodeJS.ProcessEnv
): Promise<void> {
  // What is said from here on goes through log.ts: the tokens are known there before anything
  // (reading the inputs included) can fail.
  for (const secret of secretInputs(env)) addSecret(secret)
  try {
    const settings = await getSettings(name => readInput(name, env), env)
    addSecret(settings.token)
    if (settings.github?.token) addSecret(settings.github.token)
    await githubFinishInPost(
      settings,
      saved,
      { pipelineId: record.pipelineId, runId: record.runId, runUrl },
      outcome,
      env
    )
  } catch (error) {
    warning(`Could not finish the GitHub commit status or deployment: ${messageOf(error)}`)
  }
}
