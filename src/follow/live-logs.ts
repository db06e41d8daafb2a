// `logs: live`: running jobs' step logs copied while they are written, page by page from each
// step's offset: each line once, in order, prefixed with its job and step. Reads are bounded per
// interval; a failed one is tried again from the same offset. Where the step calls are not served:
// one warning, then each job's whole log when it ends (as `logs: all`).
import { FlowApiError } from '../flow/errors.js'
import { isFinalStatus, type FlowJob, type FlowJobStep, type FlowRun } from '../flow/types.js'
import type { FlowStage, FlowStepLog } from '../flow/types.js'
import { jobName, jobsOf, label, stageName, stagesOf, statusName } from '../flow/names.js'
import { messageOf, type Logger } from '../common/logger.js'
import { LIVE_POLL_MIN_MS } from '../common/timing.js'
import { annotate, createJobLogPrinter, splitLines, type JobLogPrinterOptions } from './job-logs.js'

export interface StepPage {
  stepIndex: number
  buildId: number
  /** From 1. */
  offset: number
  limit: number
}

export interface LiveLogOptions extends Omit<JobLogPrinterOptions, 'mode'> {
  getSteps: (jobId: number, signal?: AbortSignal) => Promise<FlowJobStep[]>
  getStepLog: (jobId: number, page: StepPage, signal?: AbortSignal) => Promise<FlowStepLog>
  pollIntervalMs: number
  now?: () => number
  maxJobBytes?: number
}

export const LIVE_MAX_JOB_BYTES = 8 * 1024 * 1024
export const LIVE_PAGE_LINES = 1000
/** Running jobs read per interval. */
export const LIVE_JOBS_PER_POLL = 4
/** Step-log reads per job per interval (at a job's end: per step). */
const PAGES_PER_READ = 50
/** A line longer than this is printed in parts rather than held whole. */
const MAX_CARRY = 64 * 1024

interface StepState {
  offset: number
  /** A line still coming. */
  carry: string
  done: boolean
}

interface JobState {
  name: string
  steps: Map<string, StepState>
  printed: number
  capped: boolean
  /** The least recently read go first. */
  readAt: number
}

export class LiveLogs {
  private readonly jobs = new Map<number, JobState>()
  /** A job's whole log at its end: the fallback, and a failed job's end that was not printed. */
  private readonly all: ReturnType<typeof createJobLogPrinter>
  private readonly now: () => number
  private readonly logger: Logger
  private fallback = false
  private pausedUntil = 0
  private failing = false
  private reads = 0

  constructor(private readonly options: LiveLogOptions) {
    this.all = createJobLogPrinter({ ...options, mode: 'all' })
    this.now = options.now ?? Date.now
    this.logger = options.logger
  }

  async poll(run: FlowRun, signal?: AbortSignal): Promise<void> {
    if (this.fallback || this.now() < this.pausedUntil) return
    const running: Array<{ id: number; job: JobState }> = []
    stagesOf(run).forEach((stage, s) =>
      jobsOf(stage).forEach((job, j) => {
        if (job.id === undefined || job.status !== 'RUNNING') return
        const name = `${stageName(stage, s)} / ${jobName(job, j)}`
        running.push({ id: job.id, job: this.job(job.id, name) })
      })
    )
    running.sort((a, b) => a.job.readAt - b.job.readAt)
    const until = this.now() + Math.max(LIVE_POLL_MIN_MS, this.options.pollIntervalMs / 2)
    for (const { id, job } of running.slice(0, LIVE_JOBS_PER_POLL)) {
      if (signal?.aborted || this.now() >= until) return
      job.readAt = ++this.reads
      try {
        await this.read(id, job, false, signal, until)
      } catch (err) {
        if (signal?.aborted || this.give(err)) return
        this.pausedUntil = this.now() + ((err instanceof FlowApiError && err.retryAfterMs) || 0)
        if (!this.failing)
          this.logger.warning(`Reading live logs failed (${messageOf(err)}); trying again.`)
        this.failing = true
        return
      }
      this.failing = false
    }
  }

  /** The job's last lines, and for a failed job its annotation. */
  async onJobEnded(stage: FlowStage, job: FlowJob, signal: AbortSignal, name: string) {
    if (this.fallback || job.id === undefined) return this.all(stage, job, signal, name)
    const state = this.job(job.id, name)
    try {
      await this.read(job.id, state, true, signal)
    } catch (err) {
      if (signal.aborted) return
      if (this.give(err)) return this.all(stage, job, signal, name)
      this.logger.warning(`Could not read the last lines of job "${name}" (${messageOf(err)}).`)
      state.capped = true
    }
    if (statusName(job.status) !== 'FAIL' || signal.aborted) return
    if (state.capped) return this.all(stage, job, signal, name)
    annotate(this.logger, `Job "${name}" failed; its log is above. Run: ${this.options.runUrl}`)
  }

  private job(id: number, name: string): JobState {
    let job = this.jobs.get(id)
    if (!job)
      this.jobs.set(id, (job = { name, steps: new Map(), printed: 0, capped: false, readAt: 0 }))
    return job
  }

  /** True (after one warning) when the step calls are not served: the fallback from now on. */
  private give(err: unknown): boolean {
    if (!(err instanceof FlowApiError)) return false
    if (err.kind !== 'bad-answer' && err.status !== 404 && err.status !== 403) return false
    if (!this.fallback)
      this.logger.warning(
        `Live logs are not available (${messageOf(err)}); each job's log is copied when it ends.`
      )
    this.fallback = true
    return true
  }

  private async read(
    id: number,
    job: JobState,
    ending: boolean,
    signal?: AbortSignal,
    until = Infinity
  ): Promise<void> {
    if (job.capped) return
    const steps = await this.options.getSteps(id, signal)
    for (const step of steps) {
      const key = `${step.buildId}/${step.stepIndex}`
      let state = job.steps.get(key)
      if (!state) job.steps.set(key, (state = { offset: 1, carry: '', done: false }))
      // A step not started yet has nothing to read until the job's end.
      if (state.done || (!ending && step.status === 'INIT')) continue
      const ends = ending || step.finish === true || isFinalStatus(step.status)
      const prefix = `[${job.name} / ${label(step.stepName) ?? `step ${step.stepIndex}`}] `
      for (let pages = 0; pages < PAGES_PER_READ && !job.capped; pages++) {
        if (signal?.aborted || this.now() >= until) return
        const page = { stepIndex: step.stepIndex, buildId: step.buildId, offset: state.offset }
        const log = await this.options.getStepLog(id, { ...page, limit: LIVE_PAGE_LINES }, signal)
        if (signal?.aborted) return
        // A `last` that does not advance says nothing new, whatever `logs` holds: wait for more.
        const last = log.last ?? 0
        const advanced = last >= state.offset
        // A short page is all there is for now, whatever `more` says while the step runs.
        const short = last - state.offset + 1 < LIVE_PAGE_LINES
        if (advanced) {
          state.offset = last + 1
          this.print(job, prefix, state, log.logs)
          await this.logger.drained?.(signal)
        }
        if (!advanced || log.more !== true || (short && !ends)) {
          if (ends) {
            state.done = true
            if (state.carry !== '') this.line(job, prefix + state.carry)
            state.carry = ''
          }
          break
        }
      }
      // At its end a step with still more than this is cut here, as a job over the cap.
      if (ending && !state.done) this.cap(job)
    }
  }

  /** Prints the complete lines of `carry + logs`; a last line without its break waits as carry. */
  private print(job: JobState, prefix: string, state: StepState, logs: string): void {
    if (logs === '') return
    const text = state.carry + logs
    const complete = text.endsWith('\n')
    // A CR at the end may be the first half of a CRLF: it waits with its line.
    const lines = splitLines(complete ? text : text.replace(/\r$/, ''))
    state.carry = complete ? '' : (lines.pop() ?? '') + (text.endsWith('\r') ? '\r' : '')
    if (state.carry.length > MAX_CARRY) lines.push(state.carry)
    if (state.carry.length > MAX_CARRY) state.carry = ''
    for (const line of lines) if (!this.line(job, prefix + line)) return
  }

  private line(job: JobState, line: string): boolean {
    if (job.capped) return false
    job.printed += Buffer.byteLength(line)
    if (job.printed > (this.options.maxJobBytes ?? LIVE_MAX_JOB_BYTES)) return this.cap(job)
    this.logger.info(line)
    return true
  }

  private cap(job: JobState): false {
    if (!job.capped) {
      const where = this.options.runUrl
      this.logger.info(`[${job.name}] ... the rest of this job's log is not copied here: ${where}`)
    }
    job.capped = true
    return false
  }
}
