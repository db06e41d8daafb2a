// Progress lines while a run is followed: one line per status change of the run, a stage or a job,
// and a heartbeat when nothing changed for a while, so a long run does not look hung.
// The diff and the formats are pure functions; ProgressTracker only adds memory between polls.
// Names and statuses come from Yunxiao: they are folded to one line (see oneLine) before they are printed.
import { formatDuration, formatElapsed } from '../common/duration.js'
import { isFinalStatus, type FlowJob, type FlowRun, type FlowStage } from '../flow/types.js'
import { oneLine } from '../common/logger.js'
import { HEARTBEAT_MS } from '../common/timing.js'
import { jobName, jobsOf, label, stageName, stagesOf } from '../flow/names.js'

export { formatElapsed, jobName, stageName }

export type ProgressChange =
  | { kind: 'run'; status: string; previous?: string }
  | { kind: 'stage'; stage: string; status: string; previous?: string }
  | {
      kind: 'job'
      stage: string
      job: string
      status: string
      previous?: string
      /** Server-side endTime - startTime, for jobs in a final status that have both. */
      durationMs?: number
    }

/** For keys: the value as it is. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function stageKey(stage: FlowStage, position: number): string {
  return text(stage.index) ?? `#${position}:${stageName(stage, position)}`
}

/** A key that names the same job across snapshots: its id, else its stage and position. */
export function jobIdentity(
  stage: FlowStage,
  stagePosition: number,
  job: FlowJob,
  jobPosition: number
): string {
  return jobKey(stageKey(stage, stagePosition), job, jobPosition)
}

function jobKey(stageK: string, job: FlowJob, position: number): string {
  const id = job.id as unknown
  return typeof id === 'number' || typeof id === 'string'
    ? `job:${id}`
    : `${stageK}/#${position}:${jobName(job, position)}`
}

function statuses(run: FlowRun | undefined): Map<string, string> {
  const map = new Map<string, string>()
  stagesOf(run).forEach((stage, i) => {
    const sk = stageKey(stage, i)
    const status = label(stage.stageInfo?.status)
    if (status) map.set(`stage:${sk}`, status)
    jobsOf(stage).forEach((job, j) => {
      const js = label(job.status)
      if (js) map.set(jobKey(sk, job, j), js)
    })
  })
  return map
}

function serverDuration(job: FlowJob): number | undefined {
  const { startTime, endTime } = job
  if (typeof startTime !== 'number' || typeof endTime !== 'number') return undefined
  if (startTime <= 0 || endTime < startTime) return undefined
  return endTime - startTime
}

/** Stages and jobs that have not started yet; a line for each would only be noise. */
const NOT_STARTED: ReadonlySet<string> = new Set(['INIT'])

/**
 * The status changes from `prev` (undefined: nothing seen yet) to `cur`, in reading order: an entity
 * that starts is listed before its children, one that ends after them (stage "Build" RUNNING, its jobs,
 * stage "Build" SUCCESS; the run's final status last). Entities without a status are skipped.
 */
export function diffRuns(prev: FlowRun | undefined, cur: FlowRun): ProgressChange[] {
  const before = statuses(prev)
  const changes: ProgressChange[] = []
  const changed = (key: string, status: string | undefined): status is string =>
    status !== undefined && !NOT_STARTED.has(status) && before.get(key) !== status

  const runStatus = label(cur.status)
  const runChange: ProgressChange | undefined =
    runStatus !== undefined && runStatus !== label(prev?.status)
      ? { kind: 'run', status: runStatus, previous: label(prev?.status) }
      : undefined
  if (runChange && !isFinalStatus(runChange.status)) changes.push(runChange)

  stagesOf(cur).forEach((stage, i) => {
    const sk = stageKey(stage, i)
    const name = stageName(stage, i)
    const status = label(stage.stageInfo?.status)
    const stageChange: ProgressChange | undefined = changed(`stage:${sk}`, status)
      ? { kind: 'stage', stage: name, status, previous: before.get(`stage:${sk}`) }
      : undefined
    if (stageChange && !isFinalStatus(stageChange.status)) changes.push(stageChange)
    jobsOf(stage).forEach((job, j) => {
      const key = jobKey(sk, job, j)
      const js = label(job.status)
      if (!changed(key, js)) return
      const durationMs = isFinalStatus(js) ? serverDuration(job) : undefined
      changes.push({
        kind: 'job',
        stage: name,
        job: jobName(job, j),
        status: js,
        previous: before.get(key),
        ...(durationMs !== undefined ? { durationMs } : {})
      })
    })
    if (stageChange && isFinalStatus(stageChange.status)) changes.push(stageChange)
  })

  if (runChange && isFinalStatus(runChange.status)) changes.push(runChange)
  return changes
}

/** `[1m 05s] stage "Build" RUNNING`, `[1m 40s] job "Build / Java build" SUCCESS (35s)`. */
export function formatChange(change: ProgressChange, elapsedMs: number): string {
  // diffRuns gives one-line names already; a change made elsewhere may not.
  return oneLine(changeLine(change, `[${formatElapsed(elapsedMs)}]`))
}

function changeLine(change: ProgressChange, at: string): string {
  switch (change.kind) {
    case 'run':
      return `${at} run ${change.status}`
    case 'stage':
      return `${at} stage "${change.stage}" ${change.status}`
    case 'job': {
      const took = change.durationMs !== undefined ? ` (${formatDuration(change.durationMs)})` : ''
      return `${at} job "${change.stage} / ${change.job}" ${change.status}${took}`
    }
  }
}

/**
 * `[5m 00s] still RUNNING: stage "Deploy" (job "Deploy to prod" RUNNING 2m 10s)`: the stages that are
 * RUNNING or WAITING and their unfinished jobs. `sinceOf` gives how long a job has had its status.
 */
export function formatHeartbeat(
  run: FlowRun,
  elapsedMs: number,
  sinceOf: (
    stage: FlowStage,
    stagePosition: number,
    job: FlowJob,
    jobPosition: number
  ) => number | undefined = () => undefined
): string {
  const active: string[] = []
  stagesOf(run).forEach((stage, i) => {
    const status = label(stage.stageInfo?.status)
    if (status !== 'RUNNING' && status !== 'WAITING') return
    const jobs: string[] = []
    jobsOf(stage).forEach((job, j) => {
      const js = label(job.status)
      if (js === undefined || isFinalStatus(js)) return
      const since = sinceOf(stage, i, job, j)
      jobs.push(
        `job "${jobName(job, j)}" ${js}${since !== undefined ? ` ${formatDuration(since)}` : ''}`
      )
    })
    const waiting = status === 'WAITING' ? ' WAITING' : ''
    active.push(
      `stage "${stageName(stage, i)}"${waiting}${jobs.length ? ` (${jobs.join(', ')})` : ''}`
    )
  })
  const status = label(run.status) ?? 'UNKNOWN'
  return `[${formatElapsed(elapsedMs)}] still ${status}${active.length ? `: ${active.join('; ')}` : ''}`
}

/** Remembers the last snapshot between polls; returns the lines to print for each new one. */
export class ProgressTracker {
  private previous: FlowRun | undefined
  private lastLineAt: number
  /** Local clock ms at which each job was first seen in its current status. */
  private readonly since = new Map<string, { status: string; at: number }>()

  constructor(
    private readonly startedAt: number,
    private readonly heartbeatMs: number = HEARTBEAT_MS
  ) {
    this.lastLineAt = startedAt
  }

  update(run: FlowRun, now: number): string[] {
    const elapsed = now - this.startedAt
    const lines = diffRuns(this.previous, run).map(change => formatChange(change, elapsed))
    this.previous = run
    this.remember(run, now)
    if (lines.length === 0 && now - this.lastLineAt >= this.heartbeatMs) {
      lines.push(
        formatHeartbeat(run, elapsed, (stage, i, job, j) => {
          const seen = this.since.get(jobIdentity(stage, i, job, j))
          return seen ? now - seen.at : undefined
        })
      )
    }
    if (lines.length > 0) this.lastLineAt = now
    return lines
  }

  private remember(run: FlowRun, now: number): void {
    stagesOf(run).forEach((stage, i) => {
      const sk = stageKey(stage, i)
      jobsOf(stage).forEach((job, j) => {
        const key = jobKey(sk, job, j)
        const status = label(job.status)
        if (status === undefined) return
        if (this.since.get(key)?.status !== status) this.since.set(key, { status, at: now })
      })
    })
  }
}
