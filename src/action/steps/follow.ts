// Following a run (`wait`): progress, job logs and manual gates while it runs; then its end
// (settle.ts), whatever the cause.
import * as log from '../output/log.js'
import type { Cancellation } from '../../follow/cancel.js'
import { formatDuration } from '../../common/duration.js'
import { cleanDeep } from '../../common/foreign-text.js'
import { READ_TIMEOUT_MS } from '../../common/timing.js'
import type { FlowClient } from '../../flow/client.js'
import type { FlowRun } from '../../flow/types.js'
import { createJobLogPrinter } from '../../follow/job-logs.js'
import { LiveLogs } from '../../follow/live-logs.js'
import { waitForRun, type WaitOptions, type WaitResult } from '../../follow/wait.js'
import type { RunFacts } from '../../github/report.js'
import { capRunJson } from '../output/run-json.js'
import type { Settings } from '../inputs/settings.js'
import { endRun, type Cause, type EndPort, type RunEnd, type RunSettler } from './settle.js'
import { resultSummary } from '../output/summary.js'

export interface FollowContext {
  settings: Settings
  client: FlowClient
  run: RunFacts
  startedAt: number
  cancellation: Cancellation
  settler: RunSettler
  /** False for run-id: latest, never stopped. */
  mayStop: boolean
  /** on-manual-gate: approve may pass every gate of a run this step started. */
  startedByStep: boolean
  report: EndPort['report']
}

export async function follow(ctx: FollowContext): Promise<void> {
  const { settings, client, cancellation } = ctx
  const { pipelineId, runId, runUrl } = ctx.run
  const { GateKeeper } = await import('./run-control.js')
  const gates = new GateKeeper({
    mode: settings.onManualGate,
    runUrl,
    logger: log.logger,
    startedByStep: ctx.startedByStep,
    signal: cancellation.signal,
    pass: jobId =>
      client.passValidate({ pipelineId, runId, jobId }, { signal: cancellation.signal })
  })
  const { onJobEnded, live } = jobLogs(ctx)
  log.info(
    `Following run #${runId} until it ends (timeout ${formatDuration(settings.timeoutMs)}, a status read every ${formatDuration(settings.pollIntervalMs)}).`
  )
  let halt = ''
  let cause: Cause
  let elapsedMs: number | undefined
  try {
    const result = await waitForRun({
      getRun: signal =>
        client.getRun(pipelineId, runId, { attempts: 1, signal, timeoutMs: READ_TIMEOUT_MS }),
      pollIntervalMs: settings.pollIntervalMs,
      timeoutMs: settings.timeoutMs,
      startedAt: ctx.startedAt,
      signal: cancellation.signal,
      logger: log.logger,
      onSnapshot: async (run, signal) => {
        await live?.poll(run, signal)
        halt = (await gates.inspect(run)) ?? ''
        return halt ? 'halt' : 'continue'
      },
      onJobEnded
    })
    elapsedMs = result.elapsedMs
    cause = causeOf(ctx, result, result.run, halt)
  } catch (error) {
    // Reading the run failed for good (401/403/404): the run goes on without this step.
    cause = { kind: 'unfollowed', error, startedByStep: ctx.startedByStep }
  }
  await endRun(ctx.settler, cause, {
    say: log.info,
    publish: end => publish(end, runUrl, elapsedMs, gates.lastGateJob),
    report: ctx.report,
    fail: log.setFailed
  })
}

/** Job logs as each job ends, or (`logs: live`) as they are written. */
function jobLogs(ctx: FollowContext): {
  onJobEnded: WaitOptions['onJobEnded']
  live?: LiveLogs
} {
  const { client, settings } = ctx
  const { pipelineId, runId, runUrl } = ctx.run
  const printer = {
    getJobLog: (jobId: number, signal?: AbortSignal) =>
      client.getJobLog({ pipelineId, runId, jobId }, { signal }),
    logger: log.logger,
    runUrl,
    redact: log.hide
  }
  if (settings.logs !== 'live')
    return { onJobEnded: createJobLogPrinter({ ...printer, mode: settings.logs }) }
  const live = new LiveLogs({
    ...printer,
    getSteps: (jobId, signal) => client.getJobSteps({ pipelineId, runId, jobId }, { signal }),
    getStepLog: (jobId, page, signal) =>
      client.getStepLog({ pipelineId, runId, jobId }, page, { signal }),
    pollIntervalMs: settings.pollIntervalMs
  })
  return {
    onJobEnded: (stage, job, signal, name) => live.onJobEnded(stage, job, signal, name),
    live
  }
}

function causeOf(
  ctx: FollowContext,
  result: WaitResult,
  run: FlowRun | undefined,
  halt: string
): Cause {
  const { settings, mayStop } = ctx
  const { runId, runUrl } = ctx.run
  const { status, elapsedMs } = result
  if (result.outcome === 'final') return { kind: 'ended', status, elapsedMs, run }
  if (result.outcome === 'halted')
    return {
      kind: 'halted',
      message: halt || `Yunxiao run #${runId} waits at a manual gate: ${runUrl}`,
      run
    }
  const timeout = result.outcome === 'timeout'
  const stop = (timeout ? settings.stopOnTimeout : settings.stopOnCancel) && mayStop
  const leftBecause = mayStop
    ? `stop-on-${timeout ? 'timeout' : 'cancel'} is false`
    : 'it was not started by this step (run-id: latest), so it is never stopped'
  const letting = { stop, leftBecause, status, run, elapsedMs }
  if (timeout) return { kind: 'timeout', ...letting, lastError: result.lastError }
  return { kind: 'cancelled', ...letting, signal: ctx.cancellation.received() ?? 'signal' }
}

/** The outputs and summary; the run as the server sent it, cleaned first. */
function publish(end: RunEnd, runUrl: string, elapsedMs?: number, gateJob?: string): void {
  log.setOutput('gate-job', gateJob ?? '')
  if (end.status !== undefined && elapsedMs !== undefined) {
    const run = end.run && cleanDeep(end.run, log.registeredSecrets())
    log.setOutput('status', end.status)
    log.setOutput('duration-seconds', String(Math.round(elapsedMs / 1000)))
    const runJson = run ? capRunJson(run) : { json: '', cut: undefined }
    if (runJson.cut) log.warning(`run-json: ${runJson.cut} The whole run: ${runUrl}`)
    log.setOutput('run-json', runJson.json)
    const { status, headline } = end
    log.writeSummary(resultSummary({ status, headline, durationMs: elapsedMs, run, runUrl }))
  }
}
