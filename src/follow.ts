// Waiting for a started run (`wait: true`): progress and job logs while it runs, then outputs,
// summary and the step result; stopping the run when the job is cancelled or (if asked) times out.
import * as core from '@actions/core'
import type { Cancellation } from './cancel.js'
import type { FlowClient } from './flow-client.js'
import type { FlowRun } from './flow-types.js'
import { createJobLogPrinter } from './job-logs.js'
import { createClient, writeSummary } from './main.js'
import { redact } from './redact.js'
import type { Settings } from './settings.js'
import { saveRunFinished } from './state.js'
import { stopFlowRun } from './stop.js'
import { resultSummary } from './summary.js'
import { formatDuration } from './duration.js'
import { waitForRun, type WaitLogger } from './wait.js'

export interface FollowContext {
  settings: Settings
  client: FlowClient
  runId: number
  runUrl: string
  /** Date.now() just before the run was created. */
  startedAt: number
  cancellation: Cancellation
}

/** A cancelled job has seconds before it is killed: stop requests get a short timeout. */
const STOP_TIMEOUT_MS = 4000

export const coreLogger: WaitLogger = {
  info: line => core.info(line),
  warning: line => core.warning(line),
  error: line => core.error(line),
  startGroup: name => core.startGroup(name),
  endGroup: () => core.endGroup()
}

async function stopRun(
  ctx: FollowContext,
  why: string,
  lastRun: FlowRun | undefined
): Promise<string> {
  const { settings, runId } = ctx
  const client = createClient(settings, STOP_TIMEOUT_MS)
  try {
    const outcome = await stopFlowRun(client, settings.pipelineId, runId, lastRun)
    const what =
      outcome.how === 'run'
        ? `Stopped Yunxiao run #${runId}: ${why}.`
        : outcome.how === 'jobs'
          ? `Stopped the ${outcome.jobs} running job(s) of Yunxiao run #${runId}: ${why} (the run itself could not be stopped).`
          : `Yunxiao run #${runId} had already ended.`
    core.info(what)
    return what
  } catch (error) {
    const what = `Could not stop Yunxiao run #${runId}: ${(error as Error).message} Stop it by hand: ${ctx.runUrl}`
    core.error(what)
    return what
  }
}

export async function follow(ctx: FollowContext): Promise<void> {
  const { settings, client, runId, runUrl, cancellation } = ctx
  const pipelineId = settings.pipelineId
  const secrets = [settings.token]
  let lastRun: FlowRun | undefined

  core.info(
    `Following run #${runId} until it ends (timeout ${formatDuration(settings.timeoutMs)}, a status read every ${formatDuration(settings.pollIntervalMs)}).`
  )
  let result
  try {
    result = await waitForRun({
      getRun: () => client.getRun(pipelineId, runId, { attempts: 1 }),
      pollIntervalMs: settings.pollIntervalMs,
      timeoutMs: settings.timeoutMs,
      startedAt: ctx.startedAt,
      signal: cancellation.signal,
      logger: coreLogger,
      onRun: run => {
        lastRun = run
      },
      onJobEnded: createJobLogPrinter({
        getJobLog: jobId => client.getJobLog(pipelineId, runId, jobId),
        mode: settings.logs,
        logger: coreLogger,
        runUrl
      })
    })
  } catch (error) {
    // Reading the run failed for good (401/403/404): the run goes on without us.
    saveRunFinished()
    throw new Error(
      `Could not follow Yunxiao run #${runId}; it was started and goes on: ${runUrl}. ${(error as Error).message}`,
      { cause: error }
    )
  }

  const finalRun = result.run ?? lastRun
  core.setOutput('status', result.status)
  core.setOutput('duration-seconds', String(Math.round(result.elapsedMs / 1000)))
  core.setOutput('run-json', finalRun ? redact(JSON.stringify(finalRun), secrets) : '')

  let failure: string | undefined
  if (result.outcome === 'aborted') {
    const signal = cancellation.received() ?? 'a signal'
    const stopped = settings.stopOnCancel
      ? await stopRun(ctx, `the GitHub job was cancelled (${signal})`, lastRun)
      : `The Yunxiao run goes on (stop-on-cancel is false): ${runUrl}`
    if (!settings.stopOnCancel) core.info(stopped)
    failure = `The GitHub job was cancelled while following Yunxiao run #${runId}. ${stopped}`
  } else if (result.outcome === 'timeout') {
    const stopped = settings.stopOnTimeout
      ? await stopRun(ctx, 'the wait timed out', lastRun)
      : 'The run was left running (stop-on-timeout is false).'
    failure = `Timed out after ${formatDuration(result.elapsedMs)} waiting for Yunxiao run #${runId} (last status ${finalRun?.status ?? 'unknown'}). ${stopped} ${runUrl}`
  } else if (result.status !== 'SUCCESS') {
    failure = `Yunxiao run #${runId} ended ${result.status}: ${runUrl}`
  } else {
    core.info(
      `Yunxiao run #${runId} ended SUCCESS after ${formatDuration(result.elapsedMs)}: ${runUrl}`
    )
  }
  saveRunFinished()
  writeSummary(
    resultSummary({ status: result.status, durationMs: result.elapsedMs, run: finalRun, runUrl })
  )
  if (failure) core.setFailed(failure)
}
