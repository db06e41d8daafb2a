// Waiting for a started run (`wait: true`): progress and job logs while it runs, then outputs,
// summary and the step result; stopping the run when the job is cancelled or (if asked) times out.
import * as core from '@actions/core'
import type { Cancellation } from '../follow/cancel.js'
import { stopAndReport } from './client.js'
import { formatDuration } from '../common/duration.js'
import type { FlowClient } from '../flow/client.js'
import type { FlowRun } from '../flow/types.js'
import { createJobLogPrinter } from '../follow/job-logs.js'
import { redact } from '../common/redact.js'
import type { Settings } from './settings.js'
import { saveRunFinished } from './state.js'
import { writeSummary } from './step-summary.js'
import { resultSummary } from './summary.js'
import { messageOf, type Logger } from '../common/logger.js'
import { waitForRun } from '../follow/wait.js'
import type { RunOutcome } from '../github/outcome.js'

export interface FollowContext {
  settings: Settings
  client: FlowClient
  runId: number
  runUrl: string
  /** Date.now() just before the run was created. */
  startedAt: number
  cancellation: Cancellation
  /** Told how the run ended before the step's result is set (the GitHub side reports it). Never throws. */
  onEnd?: (outcome: RunOutcome) => Promise<void>
}

/**
 * A status read that hangs is given up after this long (and retried until the deadline), so a
 * hung read holds the wait at most this long past its timeout.
 */
const STATUS_READ_TIMEOUT_MS = 15_000

export const coreLogger: Logger = {
  info: line => core.info(line),
  warning: line => core.warning(line),
  error: line => core.error(line),
  startGroup: name => core.startGroup(name),
  endGroup: () => core.endGroup()
}

export async function follow(ctx: FollowContext): Promise<void> {
  const { settings, client, runId, runUrl, cancellation } = ctx
  const pipelineId = settings.pipelineId
  const hide = (text: string): string =>
    redact(text, [settings.token, settings.github?.token ?? ''])
  let lastRun: FlowRun | undefined

  core.info(
    `Following run #${runId} until it ends (timeout ${formatDuration(settings.timeoutMs)}, a status read every ${formatDuration(settings.pollIntervalMs)}).`
  )
  let result
  try {
    result = await waitForRun({
      getRun: signal =>
        client.getRun(pipelineId, runId, {
          attempts: 1,
          signal,
          timeoutMs: STATUS_READ_TIMEOUT_MS
        }),
      pollIntervalMs: settings.pollIntervalMs,
      timeoutMs: settings.timeoutMs,
      startedAt: ctx.startedAt,
      signal: cancellation.signal,
      logger: coreLogger,
      onRun: run => {
        lastRun = run
      },
      onJobEnded: createJobLogPrinter({
        getJobLog: (jobId, signal) => client.getJobLog(pipelineId, runId, jobId, { signal }),
        mode: settings.logs,
        logger: coreLogger,
        runUrl,
        redact: hide
      })
    })
  } catch (error) {
    // Reading the run failed for good (401/403/404): the run goes on without us.
    saveRunFinished()
    await ctx.onEnd?.({ kind: 'unknown', why: 'could not be followed; it goes on' })
    throw new Error(
      `Could not follow Yunxiao run #${runId}; it was started and goes on: ${runUrl}. ${messageOf(error)}`,
      { cause: error }
    )
  }

  const finalRun = result.run ?? lastRun
  let status = result.status
  let headline: string | undefined
  let failure: string | undefined
  let finished = true
  let outcome: RunOutcome = { kind: 'ended', status: result.status }

  if (result.outcome === 'aborted') {
    const why = `the GitHub job was cancelled (${cancellation.received() ?? 'signal'})`
    if (settings.stopOnCancel) {
      const report = await stopAndReport(client, pipelineId, runId, runUrl, why, lastRun)
      // Leave the state unfinished when the stop failed: the post step tries again.
      finished = report.done
      if (report.done) status = 'CANCELED'
      outcome = { kind: 'cancelled', stopped: report.done }
      headline = report.done ? `stopped: ${why}` : `still running: ${why}, and stopping it failed`
      failure = `The GitHub job was cancelled while following Yunxiao run #${runId}. ${report.message}`
    } else {
      outcome = { kind: 'cancelled', stopped: false }
      headline = `left running: ${why} (stop-on-cancel is false)`
      failure = `The GitHub job was cancelled while following Yunxiao run #${runId}; the run goes on (stop-on-cancel is false): ${runUrl}`
    }
  } else if (result.outcome === 'timeout') {
    const lastError = result.lastError
      ? ` The last status read failed: ${messageOf(result.lastError)}`
      : ''
    let stopped = 'The run was left running (stop-on-timeout is false).'
    if (settings.stopOnTimeout) {
      const report = await stopAndReport(
        client,
        pipelineId,
        runId,
        runUrl,
        'the wait timed out',
        lastRun
      )
      stopped = report.message
      finished = report.done
    }
    outcome = {
      kind: 'timeout',
      stopped: settings.stopOnTimeout && finished,
      after: formatDuration(result.elapsedMs)
    }
    headline = `not finished after ${formatDuration(result.elapsedMs)}`
    failure = `Timed out after ${formatDuration(result.elapsedMs)} waiting for Yunxiao run #${runId} (last status ${finalRun?.status ?? 'unknown'}).${lastError} ${stopped} ${runUrl}`
  } else if (result.status !== 'SUCCESS') {
    failure = `Yunxiao run #${runId} ended ${result.status}: ${runUrl}`
  } else {
    core.info(
      `Yunxiao run #${runId} ended SUCCESS after ${formatDuration(result.elapsedMs)}: ${runUrl}`
    )
  }

  core.setOutput('status', status)
  core.setOutput('duration-seconds', String(Math.round(result.elapsedMs / 1000)))
  core.setOutput('run-json', finalRun ? hide(JSON.stringify(finalRun)) : '')
  if (finished) saveRunFinished()
  await ctx.onEnd?.(outcome)
  writeSummary(
    hide(resultSummary({ status, headline, durationMs: result.elapsedMs, run: finalRun, runUrl }))
  )
  if (failure) core.setFailed(hide(failure))
}
