// The post step: a backstop for a main step that ended without finishing the run it followed,
// e.g. killed outright (its SIGINT/SIGTERM handling never ran) or unable to stop it. Stops a run
// that main saved as started and followed but not finished; does nothing otherwise.
import * as core from '@actions/core'
import { createClient, stopAndReport } from './client.js'
import { isFinalStatus } from '../flow/types.js'
import { readInput } from './inputs.js'
import { runUrl } from './links.js'
import { redact } from '../common/redact.js'
import { getSettings } from './settings.js'
import { savedRun } from './state.js'

export async function runPost(): Promise<void> {
  const saved = savedRun()
  if (!saved || !saved.following || saved.finished) {
    core.debug('Nothing to clean up: no run was left unfinished by the main step.')
    return
  }
  const token = readInput('token')
  if (token) core.setSecret(token)
  const hide = (text: string): string => redact(text, token ? [token] : [])
  try {
    const settings = await getSettings(readInput)
    const url = runUrl(settings.consoleUrl, saved.pipelineId, saved.runId)
    if (!settings.stopOnCancel) {
      core.info(
        `Yunxiao run #${saved.runId} may still be running (stop-on-cancel is false): ${url}`
      )
      return
    }
    const client = createClient(settings)
    const run = await client.getRun(saved.pipelineId, saved.runId).catch(() => undefined)
    if (run && isFinalStatus(run.status)) {
      core.info(`Yunxiao run #${saved.runId} already ended ${run.status}.`)
      return
    }
    core.info(`The main step ended without finishing Yunxiao run #${saved.runId}; stopping it.`)
    const report = await stopAndReport(
      client,
      saved.pipelineId,
      saved.runId,
      url,
      'the main step did not finish it',
      run
    )
    if (report.done) core.info(report.message)
    else core.warning(hide(report.message))
  } catch (error) {
    core.warning(hide(`Could not stop Yunxiao run #${saved.runId}: ${(error as Error).message}`))
  }
}
