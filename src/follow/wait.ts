// Following a Yunxiao run to its end: when to read it, what a failed read means, when to give up.
import { FlowApiError } from '../flow/errors.js'
import { isFinalStatus, type FlowJob, type FlowRun, type FlowStage } from '../flow/types.js'
import { messageOf, oneLine, type Logger } from '../common/logger.js'
import { formatElapsed } from '../common/duration.js'
import { jobIdentity, ProgressTracker } from './progress.js'
import { FIRST_READ_DELAY_MS, HEARTBEAT_MS, MAX_BACKOFF_MS } from '../common/timing.js'
import { jobName, jobsOf, stageName, stagesOf } from '../flow/names.js'
import { abortableSleep } from '../common/sleep.js'

export interface Clock {
  now(): number
  /** Resolves after `ms`, or as soon as `signal` aborts; never rejects. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: abortableSleep
}

export interface WaitOptions {
  getRun: (signal?: AbortSignal) => Promise<FlowRun>
  pollIntervalMs: number
  timeoutMs: number
  /** When the run was created: elapsed times and the deadline count from here. */
  startedAt: number
  clock?: Clock
  random?: () => number
  /** Aborted when the GitHub job is cancelled: the wait returns 'aborted' at once. */
  signal?: AbortSignal
  logger: Logger
  /**
   * Once per job, in stage order, when first seen ended; errors become warnings. Waited for up to
   * the deadline or the abort: then `signal` aborts, and it should print nothing more.
   */
  onJobEnded?: (stage: FlowStage, job: FlowJob, signal: AbortSignal, name: string) => Promise<void>
  /**
   * After every read of a run not yet final: 'halt' ends the wait ('halted'). Awaited to its end,
   * a cancel included, so that a gate pass is never left half done; a cancel then wins over a
   * 'halt'. `signal` aborts at the deadline or the cancel, for what may be cut (live log reads).
   */
  onSnapshot?: (run: FlowRun, signal: AbortSignal) => Promise<'continue' | 'halt'>
}

export interface WaitResult {
  outcome: 'final' | 'timeout' | 'aborted' | 'halted'
  /** The final status, 'TIMEOUT', or (aborted, halted) the last status seen, 'UNKNOWN' before any. */
  status: string
  run?: FlowRun
  elapsedMs: number
  /** Status reads started, failed ones included. */
  reads: number
  /** Set when the wait ended while status reads were failing. */
  lastError?: unknown
}

const WAITING_NOTE =
  'The run is WAITING: for a manual approval, a free build machine, or another run of the pipeline.'
const KNOWN_STATUSES = new Set(['RUNNING', 'WAITING', 'SUCCESS', 'FAIL', 'CANCELED'])

/**
 * After the `failures`-th failed read in a row: full jitter over 2, 4, 8... intervals (capped), but
 * at least one interval (at most one read per interval) and the server's Retry-After.
 */
export function retryDelayMs(
  failures: number,
  pollIntervalMs: number,
  random: () => number,
  retryAfterMs?: number
): number {
  const cap = Math.max(MAX_BACKOFF_MS, pollIntervalMs * 4)
  const ceiling = Math.min(cap, pollIntervalMs * 2 ** Math.min(failures, 30))
  const jittered = Math.floor(random() * ceiling)
  return Math.max(pollIntervalMs, jittered, retryAfterMs ?? 0)
}

const ABORTED = Symbol('aborted')

/** The promise's value, or ABORTED as soon as the signal aborts (the promise then goes unheard). */
async function unlessAborted<T>(promise: Promise<T>, signal?: AbortSignal) {
  promise.catch(() => undefined)
  if (!signal) return promise
  let onAbort = () => {}
  const aborted = new Promise<typeof ABORTED>(resolve => {
    onAbort = () => resolve(ABORTED)
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([promise, aborted])
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

/** Jobs ended and not yet reported, in stage order; marks them reported. */
function newlyEndedJobs(run: FlowRun, reported: Set<string>) {
  const ended: Array<{ stage: FlowStage; job: FlowJob; name: string }> = []
  stagesOf(run).forEach((stage, stageIndex) => {
    jobsOf(stage).forEach((job, jobIndex) => {
      if (!isFinalStatus(job.status)) return
      const key = jobIdentity(stage, stageIndex, job, jobIndex)
      if (reported.has(key)) return
      reported.add(key)
      const name = `${stageName(stage, stageIndex)} / ${jobName(job, jobIndex)}`
      ended.push({ stage, job, name })
    })
  })
  return ended
}

/** A signal that aborts at the deadline or with `signal`; `done()` frees both. */
function bounded(clock: Clock, deadline: number, signal?: AbortSignal) {
  const stop = new AbortController()
  const forward = () => stop.abort()
  signal?.addEventListener('abort', forward, { once: true })
  void clock.sleep(deadline - clock.now(), stop.signal).then(forward)
  const done = () => {
    stop.abort()
    signal?.removeEventListener('abort', forward)
  }
  return { signal: stop.signal, done }
}

/** Status reads failing in a row: a warning at the first, then a line now and then. */
class ReadFailures {
  count = 0
  last: unknown
  private notedAt = 0

  constructor(
    private readonly logger: Logger,
    private readonly startedAt: number
  ) {}

  failed(err: unknown, now: number, finalRead: boolean): void {
    this.last = err
    if (++this.count === 1) {
      this.notedAt = now
      this.logger.warning(
        `Reading the run status failed (${messageOf(err)}); retrying with backoff until the timeout.`
      )
    } else if (!finalRead && now - this.notedAt >= HEARTBEAT_MS) {
      // A long outage must not look like a hung step.
      this.notedAt = now
      this.logger.info(
        `[${formatElapsed(now - this.startedAt)}] still cannot read the run: ${messageOf(err)} (${this.count} tries); retrying until the deadline`
      )
    }
  }

  recovered(): void {
    if (this.count === 0) return
    this.logger.info(`Reading the run status works again (after ${this.count} failed read(s)).`)
    this.count = 0
    this.last = undefined
  }
}

/** Says once what WAITING means, and once each status this action does not know. */
function noteStatus(status: string, noted: Set<string>, logger: Logger): void {
  if (noted.has(status)) return
  noted.add(status)
  if (status === 'WAITING') logger.info(WAITING_NOTE)
  else if (!KNOWN_STATUSES.has(status))
    logger.info(
      oneLine(
        `The run status ${JSON.stringify(status)} is not one this action knows; taken as not finished yet.`
      )
    )
}

/** Hands each ended job to onJobEnded, up to the deadline; true when the wait was aborted. */
async function jobsEnded(
  ended: ReturnType<typeof newlyEndedJobs>,
  onJobEnded: NonNullable<WaitOptions['onJobEnded']>,
  clock: Clock,
  deadline: number,
  signal: AbortSignal | undefined,
  logger: Logger
): Promise<boolean> {
  for (let i = 0; i < ended.length; i++) {
    const { stage, job, name } = ended[i]
    if (clock.now() >= deadline) {
      logger.info(
        `The timeout was reached: the logs of ${ended.length - i} more ended job(s) were not looked at.`
      )
      return false
    }
    if (signal?.aborted) return true
    // Waited for up to the deadline or the abort; then its signal aborts and it goes unheard.
    const bound = bounded(clock, deadline, signal)
    try {
      const work = onJobEnded(stage, job, bound.signal, name)
      if ((await unlessAborted(work, bound.signal)) !== ABORTED) continue
      if (signal?.aborted) return true
      logger.warning(`Gave up on the log of job "${name}" at the timeout; it was not copied.`)
      deadline = -Infinity // the others are not looked at
    } catch (err) {
      logger.warning(`Could not report the end of job "${name}": ${messageOf(err)}`)
    } finally {
      bound.done()
    }
  }
  return false
}

/** onSnapshot's verdict, awaited to its end; `bound` aborts at the deadline or the cancel. */
async function snapshot(
  onSnapshot: NonNullable<WaitOptions['onSnapshot']>,
  run: FlowRun,
  bound: ReturnType<typeof bounded>,
  logger: Logger
): Promise<'continue' | 'halt'> {
  try {
    return await onSnapshot(run, bound.signal)
  } catch (err) {
    logger.warning(`Could not look at the run's manual gates: ${messageOf(err)}`)
    return 'continue'
  } finally {
    bound.done()
  }
}

export async function waitForRun(options: WaitOptions): Promise<WaitResult> {
  const { pollIntervalMs, timeoutMs, startedAt, signal, logger, onJobEnded, onSnapshot } = options
  const clock = options.clock ?? realClock
  const random = options.random ?? Math.random
  const deadline = startedAt + Math.max(0, timeoutMs)
  const progress = new ProgressTracker(startedAt)
  const reportedJobs = new Set<string>()
  const noted = new Set<string>()
  let reads = 0
  const failures = new ReadFailures(logger, startedAt)
  let lastRun: FlowRun | undefined
  let nextReadAt = startedAt + Math.min(pollIntervalMs, FIRST_READ_DELAY_MS)

  const finish = (outcome: WaitResult['outcome'], status: string): WaitResult => ({
    outcome,
    status,
    run: lastRun,
    elapsedMs: Math.max(0, clock.now() - startedAt),
    reads,
    ...(failures.count > 0 ? { lastError: failures.last } : {})
  })
  const aborted = () => finish('aborted', lastRun ? String(lastRun.status) : 'UNKNOWN')

  for (;;) {
    // The last sleep is cut to the deadline; the read there is the last one.
    const readAt = Math.min(nextReadAt, deadline)
    // Loop: a timer may fire a little early, and a read must not come before its time.
    for (let left = readAt - clock.now(); left > 0; left = readAt - clock.now()) {
      if (signal?.aborted) return aborted()
      await clock.sleep(left, signal)
    }
    if (signal?.aborted) return aborted()
    // Also when something (a job log) held the loop up past the deadline: no read after this one.
    const finalRead = clock.now() >= deadline

    const readStartedAt = clock.now()
    reads++
    let run: FlowRun | typeof ABORTED
    try {
      run = await unlessAborted(options.getRun(signal), signal)
    } catch (err) {
      if (signal?.aborted) return aborted()
      // An answer that is not a run (`{}`, a gateway's HTML page) is a glitch like a 5xx: the run
      // is still there, so the wait goes on reading until its deadline.
      if (!(err instanceof FlowApiError) || (!err.retryable && err.kind !== 'bad-answer')) throw err
      failures.failed(err, clock.now(), finalRead)
      // Also when a slow failed read ran past the deadline: no read after it.
      if (finalRead || clock.now() >= deadline) return finish('timeout', 'TIMEOUT')
      const delay = retryDelayMs(failures.count, pollIntervalMs, random, err.retryAfterMs)
      nextReadAt = readStartedAt + delay
      continue
    }
    if (run === ABORTED) return aborted()

    failures.recovered()
    lastRun = run

    const status = String(run.status ?? '')
    for (const line of progress.update(run, clock.now())) logger.info(line)
    noteStatus(status, noted, logger)

    const ended = newlyEndedJobs(run, reportedJobs)
    if (onJobEnded && (await jobsEnded(ended, onJobEnded, clock, deadline, signal, logger)))
      return aborted()

    if (isFinalStatus(status)) return finish('final', status)
    if (onSnapshot) {
      const verdict = await snapshot(onSnapshot, run, bounded(clock, deadline, signal), logger)
      // A cancel wins over a halt: a pass that failed while the job was being cancelled (or one
      // cut short by the cancel) leaves the run to be stopped, as at any other moment.
      if (signal?.aborted) return aborted()
      if (verdict === 'halt') return finish('halted', status)
    }
    if (finalRead) return finish('timeout', 'TIMEOUT')
    nextReadAt = readStartedAt + pollIntervalMs
  }
}
