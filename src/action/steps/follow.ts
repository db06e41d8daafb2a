// Following a run (`wait`): progress, job logs and manual gates while it runs; then its end
// (settle.ts), whatever the cause.
import * as log from '../output/log.js'
import type { Cancellation } from '../../follow/cancel.js'
import { formatDuration } from '../../common/duration.js'
import { cleanDeep } from '../../common/foreign-text.js'
import { READ_TIMEOUT_MS } from '../../common/timing.js'
import type { FlowClient } from '../../flow/client.js'
import { createJobLogPrinter } from '../../follow/job-logs.js'
import { LiveLogs } from '../../follow/live-logs.js'
import { waitForRun, type WaitOptions, type WaitResult } from '../../follow/wait.js'
import { capRunJson } from '../output/run-json.js'
import type { Settings } from '../inputs/settings.js'
import type { GithubSide } from './github.js'
import type { Cause, RunEnd, RunSettler } from './settle.js'
import { resultSummary } from '../output/summary.js'

/** What the main step works with. */
export interface Step {
  settings: Settings
  client: FlowClient
  github?: GithubSide
  cancellation: Cancellation
}

/** The run the step goes on with: one it started (with the params sent), or one run-id names. */
export interface Taken {
  runId: number
  /** Date.now() just before the run was created (or found). */
  startedAt: number
  params?: Record<string, unknown>
  /** run-id: latest: never stopped, here or in the post step. */
  latest?: boolean
}

type FollowContext = Step & Taken & { settler: RunSettler }

export async function follow(ctx: FollowContext): Promise<void> {
  const { settings, client, cancellation, settler } = ctx
  const { pipelineId, runId } = settler.record
  const runUrl = settler.url
  const { GateKeeper } = await import('./run-control.js')
  const gates = new GateKeeper({
    mode: settings.onManualGate,
    runUrl,
    logger: log.logger,
    startedByStep: Boolean(ctx.params),
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
    cause = causeOf(ctx, result, halt)
  } catch (error) {
    // Reading the run failed for good (401/403/404): the run goes on without this step.
    cause = { kind: 'unfollowed', error, startedByStep: Boolean(ctx.params) }
  }
  await settler.end(cause, end => publish(end, runUrl, elapsedMs, gates.lastGateJob))
}

/** Job logs as each job ends, or (`logs: live`) as they are written. */
function jobLogs(ctx: FollowContext): Pick<WaitOptions, 'onJobEnded'> & { live?: LiveLogs } {
  const { client, settings } = ctx
  const { pipelineId, runId } = ctx.settler.record
  const printer = {
    getJobLog: (jobId: number, signal?: AbortSignal) =>
      client.getJobLog({ pipelineId, runId, jobId }, { signal }),
    logger: log.logger,
    runUrl: ctx.settler.url,
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
  return { onJobEnded: live.onJobEnded.bind(live), live }
}

function causeOf(ctx: FollowContext, result: WaitResult, halt: string): Cause {
  const { settings, latest } = ctx
  const { status, elapsedMs, run } = result
  if (result.outcome === 'final') return { kind: 'ended', status, elapsedMs, run }
  // Only a gate's verdict halts the wait, and it says why.
  if (result.outcome === 'halted') return { kind: 'halted', message: halt, run }
  const timeout = result.outcome === 'timeout'
  const stop = timeout ? settings.stopOnTimeout : settings.stopOnCancel
  const letting = { stop, latest, run, elapsedMs }
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
    log.writeSummary(resultSummary({ ...end, status: end.status, run }, elapsedMs, runUrl))
  }
}
