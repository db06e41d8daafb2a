// The post step: a backstop for a main step that was killed outright while following a run
// (its SIGINT/SIGTERM handling never ran). Stops a run that main saved as started and followed but
// not finished; does nothing otherwise.
import * as core from '@actions/core'
import { isFinalStatus } from './flow-types.js'
import { readInput } from './inputs.js'
import { createClient } from './main.js'
import { redact } from './redact.js'
import { getSettings } from './settings.js'
import { savedRun } from './state.js'
import { stopFlowRun } from './stop.js'

export async function runPost(): Promise<void> {
  const saved = savedRun()
  if (!saved || !saved.following || saved.finished) {
    core.debug('Nothing to clean up: no run was left unfinished by the main step.')
    return
  }
  const token = readInput('token')
  if (token) core.setSecret(token)
  try {
    const settings = await getSettings(readInput)
    if (!settings.stopOnCancel) {
      core.info(`Yunxiao run #${saved.runId} may still be running (stop-on-cancel is false).`)
      return
    }
    const client = createClient(settings, 5000)
    const run = await client
      .getRun(saved.pipelineId, saved.runId, { attempts: 2 })
      .catch(() => undefined)
    if (run && isFinalStatus(run.status)) {
      core.info(`Yunxiao run #${saved.runId} already ended ${run.status}.`)
      return
    }
    core.info(`The main step ended without finishing Yunxiao run #${saved.runId}; stopping it.`)
    const outcome = await stopFlowRun(client, saved.pipelineId, saved.runId, run)
    core.info(
      outcome.how === 'jobs'
        ? `Stopped ${outcome.jobs} running job(s) of Yunxiao run #${saved.runId}.`
        : outcome.how === 'ended'
          ? `Yunxiao run #${saved.runId} had already ended.`
          : `Stopped Yunxiao run #${saved.runId}.`
    )
  } catch (error) {
    core.warning(
      redact(
        `Could not stop Yunxiao run #${saved.runId}: ${(error as Error).message}`,
        token ? [token] : []
      )
    )
  }
}
