// Following a Yunxiao run to its end: when to read its status, what to do when a read fails,
// and when to give up. Knows nothing of GitHub: everything it says goes through a small logger,
// and time comes from an injectable clock so the loop is testable without real sleeping.
import { isFinalStatus, type FlowJob, type FlowRun, type FlowStage } from './flow-types.js'
import { jobIdentity, ProgressTracker } from './progress.js'

export interface Clock {
  now(): number
  /** Resolves after `ms`, or as soon as `signal` aborts (it never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>(resolve => {
      if (signal?.aborted) return resolve()
      const done = () => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, Math.max(0, ms))
      signal?.addEventListener('abort', done, { once: true })
    })
}

export interface WaitLogger {
  /** Writes the line as it is (core.info does): job logs rely on this for `::stop-commands::`. */
  info(line: string): void
  warning(line: string): void
  error?(line: string): void
  startGroup(name: string): void
  endGroup(): void
}

export interface WaitOptions {
  /** One GetPipelineRun. The signal aborts with the wait; a reader may ignore it. */
  getRun: (signal?: AbortSignal) => Promise<FlowRun>
  pollIntervalMs: number
  timeoutMs: number
  /** Clock ms when the run was created: elapsed times count from here; the deadline is startedAt + timeoutMs. */
  startedAt: number
  clock?: Clock
  /** [0, 1), for the backoff jitter. */
  random?: () => number
  /** Aborted when the GitHub job is cancelled: the wait then returns 'aborted' promptly. */
  signal?: AbortSignal
  logger: WaitLogger
  /** Once per job, in stage order, when it is first seen in a final status. Errors become warnings. */
  onJobEnded?: (stage: FlowStage, job: FlowJob) => Promise<void>
  /** After every successful read. */
  onRun?: (run: FlowRun) => void
}

export interface WaitResult {
  outcome: 'final' | 'timeout' | 'aborted'
  /** The final status, 'TIMEOUT', or (aborted) the last status seen, 'UNKNOWN' before any. */
  status: string
  /** The last run read, if any. */
  run?: FlowRun
  elapsedMs: number
  /** Status reads started, failed ones included. */
  reads: number
  /** Set when the wait ended while status reads were failing. */
  lastError?: unknown
}

/** The first read waits this long (or one interval if shorter): a run just created may not be readable yet. */
export const FIRST_READ_DELAY_MS = 2000
/** Backoff ceilings never grow past max(this, 4 intervals). */
export const MAX_BACKOFF_MS = 60_000

const WAITING_NOTE =
  'The run is WAITING: for a manual approval, a free build machine, or another run of the pipeline.'
const KNOWN_STATUSES = new Set(['RUNNING', 'WAITING', 'SUCCESS', 'FAIL', 'CANCELED'])

/**
 * Delay before the next read after the `failures`-th failed read in a row: full jitter over an
 * exponentially growing ceiling (2, 4, 8... intervals, capped), but never less than one poll interval
 * (the cost rule: at most one read per interval) nor less than the server's Retry-After.
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

function isRetryable(err: unknown): boolean {
  return (
    typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === true
  )
}

function retryAfterOf(err: unknown): number | undefined {
  const value = (err as { retryAfterMs?: unknown }).retryAfterMs
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

const ABORTED = Symbol('aborted')

/** Settles with the promise, or with ABORTED as soon as the signal aborts (the promise is left to settle unheard). */
function unlessAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T | typeof ABORTED> {
  if (!signal) return promise
  if (signal.aborted) {
    promise.catch(() => undefined)
    return Promise.resolve(ABORTED)
  }
  return new Promise<T | typeof ABORTED>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => undefined)
      resolve(ABORTED)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      value => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(err)
      }
    )
  })
}

/** Jobs in a final status not reported before, in stage order; marks them reported. */
function newlyEndedJobs(run: FlowRun, reported: Set<string>): Array<[FlowStage, FlowJob]> {
  const ended: Array<[FlowStage, FlowJob]> = []
  const stages = Array.isArray(run.stages) ? run.stages : []
  stages.forEach((stage, stageIndex) => {
    const jobs = Array.isArray(stage?.stageInfo?.jobs) ? stage.stageInfo.jobs : []
    jobs.forEach((job, jobIndex) => {
      if (!job || typeof job !== 'object' || !isFinalStatus(job.status)) return
      const key = jobIdentity(stage, stageIndex, job, jobIndex)
      if (reported.has(key)) return
      reported.add(key)
      ended.push([stage, job])
    })
  })
  return ended
}

export async function waitForRun(options: WaitOptions): Promise<WaitResult> {
  const { getRun, pollIntervalMs, timeoutMs, startedAt, signal, logger, onJobEnded, onRun } =
    options
  const clock = options.clock ?? realClock
  const random = options.random ?? Math.random
  const deadline = startedAt + Math.max(0, timeoutMs)
  const progress = new ProgressTracker(startedAt)
  const reportedJobs = new Set<string>()
  const unknownSeen = new Set<string>()
  let waitingNoted = false
  let reads = 0
  let failures = 0
  let lastError: unknown
  let lastRun: FlowRun | undefined
  let nextReadAt = startedAt + Math.min(pollIntervalMs, FIRST_READ_DELAY_MS)

  const finish = (outcome: WaitResult['outcome'], status: string): WaitResult => ({
    outcome,
    status,
    run: lastRun,
    elapsedMs: Math.max(0, clock.now() - startedAt),
    reads,
    ...(failures > 0 ? { lastError } : {})
  })
  const aborted = () => finish('aborted', lastRun ? String(lastRun.status) : 'UNKNOWN')

  for (;;) {
    // The last sleep is cut to the deadline; the read there is the last one.
    const readAt = Math.min(nextReadAt, deadline)
    const finalRead = readAt >= deadline
    // Loop: a timer may fire a little early, and a read must not come before its time.
    for (let left = readAt - clock.now(); left > 0; left = readAt - clock.now()) {
      if (signal?.aborted) return aborted()
      await clock.sleep(left, signal)
    }
    if (signal?.aborted) return aborted()

    const readStartedAt = clock.now()
    reads++
    let run: FlowRun | typeof ABORTED
    try {
      run = await unlessAborted(getRun(signal), signal)
    } catch (err) {
      if (signal?.aborted) return aborted()
      if (!isRetryable(err)) throw err
      failures++
      lastError = err
      if (failures === 1) {
        logger.warning(
          `Reading the run status failed (${messageOf(err)}); retrying with backoff until the timeout.`
        )
      }
      if (finalRead) return finish('timeout', 'TIMEOUT')
      nextReadAt = readStartedAt + retryDelayMs(failures, pollIntervalMs, random, retryAfterOf(err))
      continue
    }
    if (run === ABORTED) return aborted()

    if (failures > 0) {
      logger.info(`Reading the run status works again (after ${failures} failed read(s)).`)
      failures = 0
      lastError = undefined
    }
    lastRun = run
    onRun?.(run)

    const status = String(run.status ?? '')
    for (const line of progress.update(run, clock.now())) logger.info(line)
    if (status === 'WAITING' && !waitingNoted) {
      waitingNoted = true
      logger.info(WAITING_NOTE)
    } else if (!KNOWN_STATUSES.has(status) && !unknownSeen.has(status)) {
      unknownSeen.add(status)
      logger.info(
        `The run status ${JSON.stringify(status)} is not one this action knows; taken as not finished yet.`
      )
    }

    if (onJobEnded) {
      for (const [stage, job] of newlyEndedJobs(run, reportedJobs)) {
        try {
          if ((await unlessAborted(onJobEnded(stage, job), signal)) === ABORTED) return aborted()
        } catch (err) {
          logger.warning(`Could not report the end of job "${job.name}": ${messageOf(err)}`)
        }
      }
    }

    if (isFinalStatus(status)) return finish('final', status)
    if (finalRead) return finish('timeout', 'TIMEOUT')
    nextReadAt = readStartedAt + pollIntervalMs
  }
}
