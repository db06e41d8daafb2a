// The one end of a run for every step (main, follow.ts, post): stop the run or leave it, record
// the phase for the post step, and tell how it ended to GitHub, in the outputs and in the step's
// result. A run that ended on its own, even as it was being stopped, is told as it ended.
import { formatDuration } from '../../common/duration.js'
import { messageOf } from '../../common/logger.js'
import { CANCEL_CONFIRM_READ_MS, READ_TIMEOUT_MS } from '../../common/timing.js'
import { isFinalStatus, type FlowRun } from '../../flow/types.js'
import type { RunOutcome } from '../../github/outcome.js'
import { stopFlowRun, type StopClient, type StopRunOptions } from '../../follow/stop.js'
import { info, setFailed, warning } from '../output/log.js'
import { runUrl, type Phase, type RunRecord } from './run-record.js'

/** What became of a stop; `ended`: the run had ended on its own (its status and run, if known). */
export interface Settlement {
  outcome: 'stopped' | 'ended' | 'left' | 'failed'
  status?: string
  run?: FlowRun
  message: string
}

/** How a stop (or leaving the run) shows on GitHub: a run that had ended, as it ended. */
export function cancelOutcome(settled: Settlement): RunOutcome {
  if (settled.outcome === 'ended' && settled.status)
    return { kind: 'ended', status: settled.status }
  return { kind: 'cancelled', stopped: ['stopped', 'ended'].includes(settled.outcome) }
}

export class RunSettler {
  /**
   * `report` tells GitHub how the run ended and never throws; `save` writes the record to the step
   * state (the main step's; the post step writes none).
   */
  constructor(
    private readonly client: StopClient,
    public record: RunRecord,
    readonly report: (outcome: RunOutcome) => Promise<void>,
    private readonly save?: (record: RunRecord) => void
  ) {}

  /** The one end of a run: settle it as `cause` says, publish it, report it, fail the step or pass. */
  async end(cause: Cause, publish?: (end: RunEnd) => void): Promise<void> {
    const end = await conclude(this, cause)
    publish?.(end)
    await this.report(end.outcome)
    // The post step only warns.
    if (end.failure) (cause.kind === 'orphaned' ? warning : setFailed)(end.failure)
  }

  get url(): string {
    return runUrl(this.record.consoleUrl, this.record.pipelineId, this.record.runId)
  }

  /** Records a new phase (and whether the post step should stop the run); saved at once. */
  mark(phase: Phase, stop = this.record.stop): void {
    if (this.record.phase === phase && this.record.stop === stop) return
    this.record = { ...this.record, phase, stop }
    this.save?.(this.record)
  }

  /** Stops the run, never throws; a failed stop keeps the phase and asks the post step to stop it. */
  async stop(why: string, lastRun?: FlowRun, options?: StopRunOptions): Promise<Settlement> {
    const { pipelineId, runId } = this.record
    try {
      const stopped = await stopFlowRun(this.client, pipelineId, runId, lastRun, options)
      this.mark('finished')
      if (stopped.how === 'run')
        return { outcome: 'stopped', message: `Stopped Yunxiao run #${runId}: ${why}.` }
      if (stopped.how === 'jobs') {
        const message = `Stopped the ${stopped.jobs} running job(s) of Yunxiao run #${runId}: ${why} (the run itself could not be stopped).`
        return { outcome: 'stopped', message }
      }
      const { status, run } = stopped
      const message = `Yunxiao run #${runId} had already ended${status ? ` (${status})` : ''}.`
      return { outcome: 'ended', status, run, message }
    } catch (error) {
      this.mark(this.record.phase, true)
      const message = `Could not stop Yunxiao run #${runId}: ${messageOf(error)} Stop it by hand: ${this.url}`
      return { outcome: 'failed', message }
    }
  }
}

/** Why a step lets go of the run. */
export type Cause =
  | { kind: 'ended'; status: string; elapsedMs: number; run?: FlowRun }
  /** Left waiting at a manual gate. */
  | { kind: 'halted'; message: string; run?: FlowRun }
  /** Reading it failed for good: it goes on without this step. */
  | { kind: 'unfollowed'; error: unknown; startedByStep: boolean }
  | (Letting & { kind: 'cancelled' })
  | (Letting & { kind: 'timeout' })
  /** The post step: main ended without finishing the run; `run` as read first, `token` to stop it. */
  | { kind: 'orphaned'; token: boolean; run?: FlowRun; read: StopRunOptions['read'] }

/** A cancel or the timeout: stopped as `stop` (stop-on-cancel, stop-on-timeout) says, else left. */
interface Letting {
  stop: boolean
  /** run-id: latest: a run this step did not start is never stopped. */
  latest?: boolean
  /** The first signal, of a cancel. */
  signal?: string
  /** The run as last read. */
  run?: FlowRun
  elapsedMs?: number
  /** The error of the status reads, when they were failing at the timeout. */
  lastError?: unknown
  /** A cancel while the run was being started. */
  starting?: boolean
}

/** What the step says of the run's end: on GitHub, in the outputs and summary, its error. */
export interface RunEnd {
  outcome: RunOutcome
  /** The `status` output. */
  status?: string
  /** The summary's line for an end that is not the run's own, e.g. 'stopped: ...'. */
  headline?: string
  failure?: string
  run?: FlowRun
}

async function conclude(settler: RunSettler, cause: Cause): Promise<RunEnd> {
  const { url } = settler
  const { runId } = settler.record
  if (cause.kind === 'cancelled' || cause.kind === 'timeout') return settle(settler, cause)
  if (cause.kind === 'orphaned') return stopOrphan(settler, cause)
  settler.mark('finished')
  if (cause.kind === 'ended') {
    if (cause.status === 'SUCCESS')
      info(`Yunxiao run #${runId} ended SUCCESS after ${formatDuration(cause.elapsedMs)}: ${url}`)
    return endedOnItsOwn(runId, url, cause.status, cause.run)
  }
  if (cause.kind === 'halted') {
    const outcome: RunOutcome = { kind: 'unknown', why: 'waits at a manual gate' }
    const headline = 'left waiting at a manual gate'
    return { outcome, status: 'WAITING', headline, failure: cause.message, run: cause.run }
  }
  const started = cause.startedByStep ? 'was started and ' : ''
  return {
    outcome: { kind: 'unknown', why: 'could not be followed; it goes on' },
    failure: `Could not follow Yunxiao run #${runId}; it ${started}goes on: ${url}. ${messageOf(cause.error)}`
  }
}

/** A run that ended on its own: the step passes with SUCCESS only. */
function endedOnItsOwn(runId: number, url: string, status: string, run?: FlowRun): RunEnd {
  const failure = status === 'SUCCESS' ? undefined : `Yunxiao run #${runId} ended ${status}: ${url}`
  return { outcome: { kind: 'ended', status }, status, failure, run }
}

/** A cancel or the timeout: stop or leave the run; a read after the stop tells one that ended. */
async function settle(
  settler: RunSettler,
  cause: Letting & { kind: 'cancelled' | 'timeout' }
): Promise<RunEnd> {
  const { url } = settler
  const { runId } = settler.record
  const timeout = cause.kind === 'timeout'
  const why = timeout ? 'the wait timed out' : `the GitHub job was cancelled (${cause.signal})`
  const leftBecause = cause.latest
    ? 'it was not started by this step (run-id: latest), so it is never stopped'
    : `stop-on-${timeout ? 'timeout' : 'cancel'} is false`
  let settled: Settlement
  if (cause.stop && !cause.latest) {
    const read = { timeoutMs: timeout ? READ_TIMEOUT_MS : CANCEL_CONFIRM_READ_MS }
    settled = await settler.stop(why, cause.run, { confirm: true, read })
  } else {
    settler.mark('finished')
    settled = { outcome: 'left', message: `Yunxiao run #${runId} goes on (${leftBecause}): ${url}` }
  }
  const run = settled.run ?? cause.run
  const ended = settled.outcome === 'ended'
  const gone = ended || settled.outcome === 'stopped'
  if (timeout && ended && settled.status) {
    info(`Yunxiao run #${runId} ended ${settled.status} as the wait timed out: ${url}`)
    return endedOnItsOwn(runId, url, settled.status, run)
  }
  if (timeout) {
    const after = formatDuration(cause.elapsedMs ?? 0)
    const failed = cause.lastError
      ? ` The last status read failed: ${messageOf(cause.lastError)}`
      : ''
    return {
      outcome: { kind: 'timeout', stopped: gone, after },
      status: 'TIMEOUT',
      headline: `not finished after ${after}`,
      failure: `Timed out after ${after} waiting for Yunxiao run #${runId} (last status ${cause.run?.status ?? 'unknown'}).${failed} ${settled.message}${gone ? ` ${url}` : ''}`,
      run
    }
  }
  const doing = `The GitHub job was cancelled while ${cause.starting ? 'starting' : 'following'} Yunxiao run #${runId}`
  // A failed stop leaves the status as last seen (and the phase: the post step tries again).
  const status = gone ? (settled.status ?? 'CANCELED') : String(run?.status ?? 'UNKNOWN')
  const headline = {
    stopped: `stopped: ${why}`,
    ended: `${why}; the run had already ended${settled.status ? ` ${settled.status}` : ''}`,
    left: `left running: ${why} (${leftBecause})`,
    failed: `still running: ${why}, and stopping it failed`
  }[settled.outcome]
  return {
    outcome: cancelOutcome(settled),
    status,
    headline,
    failure: `${doing}. ${settled.message}`,
    run
  }
}

/** The post step stops only a run that has not ended, with stop-on-cancel and a token. */
async function stopOrphan(
  settler: RunSettler,
  cause: Extract<Cause, { kind: 'orphaned' }>
): Promise<RunEnd> {
  const { url } = settler
  const { runId, stop } = settler.record
  const notStopped: RunOutcome = { kind: 'cancelled', stopped: false }
  if (!stop) {
    info(`Yunxiao run #${runId} may still be running (stop-on-cancel is false): ${url}`)
    return { outcome: notStopped }
  }
  if (!cause.token) {
    const failure = `Could not stop Yunxiao run #${runId}: the token input is empty. Stop it by hand: ${url}`
    return { outcome: notStopped, failure }
  }
  // A server may answer `true` to the stop of an ended run: GitHub must hear how it really ended.
  const status = cause.run?.status
  if (status && isFinalStatus(status)) {
    info(`Yunxiao run #${runId} had already ended (${status}).`)
    return { outcome: { kind: 'ended', status } }
  }
  info(`The main step ended without finishing Yunxiao run #${runId}; stopping it.`)
  const settled = await settler.stop('the main step did not finish it', cause.run, {
    read: cause.read
  })
  const done = settled.outcome !== 'failed'
  if (done) info(settled.message)
  return { outcome: cancelOutcome(settled), failure: done ? undefined : settled.message }
}
