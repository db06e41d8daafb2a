// The post step: a backstop for a main step that ended without finishing the run it followed,
// e.g. killed outright (its SIGINT/SIGTERM handling never ran) or unable to stop it. Stops a run
// that main saved as started and followed but not finished; finishes the GitHub commit status or
// deployment main left pending; does nothing otherwise (it runs in every job: it stays light).
import * as core from '@actions/core'
import { createClient, stopAndReport } from './client.js'
import { isFinalStatus } from '../flow/types.js'
import { readInput } from './inputs.js'
import { runUrl } from './links.js'
import { redact } from '../common/redact.js'
import { getSettings } from './settings.js'
import { savedGithubReport, savedRun } from './state.js'
import type { RunOutcome } from '../github/outcome.js'
import { githubFinishInPost } from './github.js'

export async function runPost(): Promise<void> {
  const saved = savedRun()
  const github = savedGithubReport()
  const runLeft = saved && saved.following && !saved.finished
  if (!saved || !(runLeft || github)) {
    core.debug('Nothing to clean up: no run was left unfinished by the main step.')
    return
  }
  const token = readInput('token')
  if (token) core.setSecret(token)
  const githubToken = readInput('github-token')
  if (githubToken && !githubToken.startsWith('${{')) core.setSecret(githubToken)
  const hide = (text: string): string =>
    redact(text, [token, githubToken.startsWith('${{') ? '' : githubToken])
  let outcome: RunOutcome = { kind: 'unknown', why: 'the GitHub step ended before the run did' }
  try {
    const settings = await getSettings(readInput)
    const url = runUrl(settings.consoleUrl, saved.pipelineId, saved.runId)
    const client = createClient(settings)
    if (!runLeft) {
      // Main finished with the run but not with GitHub: say how the run stands now.
      const run = await client
        .getRun(saved.pipelineId, saved.runId, { attempts: 1 })
        .catch(() => undefined)
      if (run && isFinalStatus(run.status)) outcome = { kind: 'ended', status: run.status }
    } else if (!settings.stopOnCancel) {
      core.info(
        `Yunxiao run #${saved.runId} may still be running (stop-on-cancel is false): ${url}`
      )
      outcome = { kind: 'cancelled', stopped: false }
    } else {
      const run = await client.getRun(saved.pipelineId, saved.runId).catch(() => undefined)
      if (run && isFinalStatus(run.status)) {
        core.info(`Yunxiao run #${saved.runId} already ended ${run.status}.`)
        outcome = { kind: 'ended', status: run.status }
      } else {
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
        outcome = { kind: 'cancelled', stopped: report.done }
      }
    }
    if (github) {
      await githubFinishInPost(
        settings,
        github,
        { pipelineId: saved.pipelineId, runId: saved.runId, runUrl: url },
        outcome
      )
    }
  } catch (error) {
    core.warning(hide(`Could not stop Yunxiao run #${saved.runId}: ${(error as Error).message}`))
  }
}
