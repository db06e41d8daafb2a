// Waiting for a started run (`wait: true`): progress and job logs while it runs, then outputs,
// summary and the step result; stopping the run when the job is cancelled or (if asked) times out.
import * as log from './log.js'
import type { Cancellation } from '../follow/cancel.js'
import { formatDuration } from '../common/duration.js'
import type { FlowClient } from '../flow/client.js'
import type { FlowRun } from '../flow/types.js'
import { createJobLogPrinter } from '../follow/job-logs.js'
import { LiveLogs } from '../follow/live-logs.js'
import { cleanDeep } from '../common/foreign-text.js'
import { capRunJson } from './run-json.js'
import type { Settings } from './settings.js'
import { cancelOutcome, type RunSettler } from './settle.js'
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
  /** Stops or leaves the run and records the phase for the post step. */
  settler: RunSettler
  /**
   * False for a run this step may never stop (run-id: latest): not on cancel, not on timeout.
   * Default true.
   */
  mayStop?: boolean
  /** True when this step started the run (on-manual-gate: approve may pass every gate of it). */
  startedByStep: boolean
  /** Told how the run ended before the step's result is set (the GitHub side reports it). Never throws. */
  onEnd?: (outcome: RunOutcome) => Promise<void>
}

/**
 * A status read that hangs is given up after this long (and retried until the deadline), so a
 * hung read holds the wait at most this long past its timeout.
 */
const STATUS_READ_TIMEOUT_MS = 15_000
/** The read after a stop on cancel is short: the runner ends the step seconds after the signal. */
const CONFIRM_READ_TIMEOUT_MS = 2_000

/** The follow engine's logger, onto log.ts: every line cleaned, none a workflow command. */
export const coreLogger: Logger = {
  info: line => log.info(line),
  verbatim: line => log.verbatim(line),
  warning: line => log.warning(line),
  error: line => log.error(line),
  startGroup: name => log.startGroup(name),
  endGroup: () => log.endGroup()
}

export async function follow(ctx: FollowContext): Promise<void> {
  const { settings, client, runId, runUrl, cancellation, settler } = ctx
  const pipelineId = settings.pipelineId
  const hide = log.hide
  let lastRun: FlowRun | undefined
  const mayStop = ctx.mayStop !== false
  const notOurs = 'it was not started by this step (run-id: latest), so it is never stopped'
  // The gate rules (follow/gates.ts), imported only now.
  const { GateKeeper } = await import('./run-control.js')
  const gates = new GateKeeper({
    mode: settings.onManualGate,
    runUrl,
    logger: coreLogger,
    startedByStep: ctx.startedByStep,
    signal: cancellation.signal,
    pass: jobId => client.passValidate(pipelineId, runId, jobId, { signal: cancellation.signal })
  })
  let halt: { message: string } | undefined
  const printer = {
    getJobLog: (jobId: number, signal?: AbortSignal) =>
      client.getJobLog(pipelineId, runId, jobId, { signal }),
    logger: coreLogger,
    runUrl,
    redact: hide
  }
  const live =
    settings.logs === 'live'
      ? new LiveLogs({
          ...printer,
          getSteps: (jobId, signal) => client.getJobSteps(pipelineId, runId, jobId, { signal }),
          getStepLog: (jobId, page, signal) =>
            client.getStepLog(pipelineId, runId, jobId, page, { signal }),
          pollIntervalMs: settings.pollIntervalMs
        })
      : undefined

  log.info(
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
      onSnapshot: async (run, signal) => {
        await live?.poll(run, signal)
        const verdict = await gates.inspect(run)
        if (verdict.kind === 'continue') return 'continue'
        halt = { message: verdict.message }
        return 'halt'
      },
      onJobEnded: live
        ? (stage, job, signal, name) => live.onJobEnded(stage, job, signal, name)
        : createJobLogPrinter({ ...printer, mode: settings.logs })
    })
  } catch (error) {
    // Reading the run failed for good (401/403/404): the run goes on without us.
    settler.finished()
    log.setOutput('gate-job', gates.lastGateJob ?? '')
    await ctx.onEnd?.({ kind: 'unknown', why: 'could not be followed; it goes on' })
    throw new Error(
      `Could not follow Yunxiao run #${runId}; it ${ctx.startedByStep ? 'was started and ' : ''}goes on: ${runUrl}. ${messageOf(error)}`,
      { cause: error }
    )
  }

  let finalRun = result.run ?? lastRun
  let status = result.status
  let headline: string | undefined
  let failure: string | undefined
  let outcome: RunOutcome = { kind: 'ended', status: result.status }

  if (result.outcome === 'halted') {
    // At a manual gate (on-manual-gate: fail, or a gate that could not be passed): left waiting.
    settler.finished()
    status = 'WAITING'
    outcome = { kind: 'unknown', why: 'waits at a manual gate' }
    headline = 'left waiting at a manual gate'
    failure = halt?.message ?? `Yunxiao run #${runId} waits at a manual gate: ${runUrl}`
  } else if (result.outcome === 'aborted') {
    const why = `the GitHub job was cancelled (${cancellation.received() ?? 'signal'})`
    const leftBecause = mayStop ? 'stop-on-cancel is false' : notOurs
    // The stop goes first; a short read after it tells a run that had ended on its own meanwhile.
    const settled = await settler.settle(
      settings.stopOnCancel && mayStop,
      why,
      leftBecause,
      lastRun,
      {
        confirm: true,
        read: { timeoutMs: CONFIRM_READ_TIMEOUT_MS }
      }
    )
    outcome = cancelOutcome(settled)
    if (settled.outcome === 'left') {
      headline = `left running: ${why} (${leftBecause})`
      failure = `The GitHub job was cancelled while following Yunxiao run #${runId}; the run goes on (${leftBecause}): ${runUrl}`
    } else {
      // A failed stop leaves the phase as it was: the post step tries again.
      if (settled.done) status = settled.status ?? 'CANCELED'
      finalRun = settled.run ?? finalRun
      headline =
        settled.outcome === 'ended'
          ? `${why}; the run had already ended${settled.status ? ` ${settled.status}` : ''}`
          : settled.done
            ? `stopped: ${why}`
            : `still running: ${why}, and stopping it failed`
      failure = `The GitHub job was cancelled while following Yunxiao run #${runId}. ${settled.message}`
    }
  } else if (result.outcome === 'timeout') {
    const lastError = result.lastError
      ? ` The last status read failed: ${messageOf(result.lastError)}`
      : ''
    const leftBecause = mayStop ? 'stop-on-timeout is false' : notOurs
    // No hurry here: the run is read after the stop, to tell a run that ended on its own meanwhile.
    const settled = await settler.settle(
      settings.stopOnTimeout && mayStop,
      'the wait timed out',
      leftBecause,
      lastRun,
      { confirm: true, read: { timeoutMs: STATUS_READ_TIMEOUT_MS } }
    )
    if (settled.outcome === 'ended' && settled.status) {
      // It ended on its own just as the timeout came (the stop was refused, or taken by a run that
      // had ended): told as it ended.
      status = settled.status
      finalRun = settled.run ?? finalRun
      outcome = { kind: 'ended', status }
      failure = endedFailure(runId, status, runUrl)
      log.info(`Yunxiao run #${runId} ended ${status} as the wait timed out: ${runUrl}`)
    } else {
      const stopped =
        settled.outcome === 'left' ? `The run was left running (${leftBecause}).` : settled.message
      outcome = {
        kind: 'timeout',
        stopped: settled.outcome !== 'left' && settled.done,
        after: formatDuration(result.elapsedMs)
      }
      headline = `not finished after ${formatDuration(result.elapsedMs)}`
      failure = `Timed out after ${formatDuration(result.elapsedMs)} waiting for Yunxiao run #${runId} (last status ${finalRun?.status ?? 'unknown'}).${lastError} ${stopped} ${runUrl}`
    }
  } else {
    settler.finished()
    failure = endedFailure(runId, result.status, runUrl)
    if (!failure) {
      log.info(
        `Yunxiao run #${runId} ended SUCCESS after ${formatDuration(result.elapsedMs)}: ${runUrl}`
      )
    }
  }

  // What the server said, cleaned string by string before it is written or escaped anywhere.
  const shownRun = finalRun && cleanDeep(finalRun, log.registeredSecrets())
  log.setOutput('status', status)
  log.setOutput('duration-seconds', String(Math.round(result.elapsedMs / 1000)))
  const runJson = shownRun ? capRunJson(shownRun) : { json: '', cut: undefined }
  if (runJson.cut) log.warning(`run-json: ${runJson.cut} The whole run: ${runUrl}`)
  log.setOutput('run-json', runJson.json)
  log.setOutput('gate-job', gates.lastGateJob ?? '')
  await ctx.onEnd?.(outcome)
  writeSummary(
    resultSummary({ status, headline, durationMs: result.elapsedMs, run: shownRun, runUrl })
  )
  if (failure) log.setFailed(failure)
}

/** The step's error for a run that ended on its own: none for SUCCESS. */
function endedFailure(runId: number, status: string, url: string): string | undefined {
  return status === 'SUCCESS' ? undefined : `Yunxiao run #${runId} ended ${status}: ${url}`
}
