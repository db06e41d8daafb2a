// Progress lines: one per status change of the run, a stage or a job, and a heartbeat when nothing
// changed for a while, so a long run does not look hung. Each is folded to one line (Yunxiao's text).
import { formatDuration, formatElapsed } from '../common/duration.js'
import { isFinalStatus, type FlowJob, type FlowRun, type FlowStage } from '../flow/types.js'
import { oneLine } from '../common/logger.js'
import { HEARTBEAT_MS } from '../common/timing.js'
import { jobName, jobsOf, label, stageName, stagesOf } from '../flow/names.js'

function stageKey(stage: FlowStage, position: number): string {
  const index = stage.index
  return typeof index === 'string' && index !== ''
    ? index
    : `#${position}:${stageName(stage, position)}`
}

/** A key that names the same job across snapshots: its id, else its stage and position. */
export function jobIdentity(
  stage: FlowStage,
  stagePosition: number,
  job: FlowJob,
  jobPosition: number
): string {
  const id = job.id as unknown
  return typeof id === 'number' || typeof id === 'string'
    ? `job:${id}`
    : `${stageKey(stage, stagePosition)}/#${jobPosition}:${jobName(job, jobPosition)}`
}

/** ` (35s)`: server-side endTime - startTime, when both are sensible. */
function took({ startTime, endTime }: FlowJob): string {
  if (typeof startTime !== 'number' || typeof endTime !== 'number') return ''
  if (startTime <= 0 || endTime < startTime) return ''
  return ` (${formatDuration(endTime - startTime)})`
}

export class ProgressTracker {
  /** Statuses at the last read, by key. */
  private seen = new Map<string, string>()
  /** When each job was first seen in its current status. */
  private readonly since = new Map<string, number>()
  private lastLineAt: number

  constructor(
    private readonly startedAt: number,
    private readonly heartbeatMs: number = HEARTBEAT_MS
  ) {
    this.lastLineAt = startedAt
  }

  /**
   * `[1m 40s] job "Build / Java" SUCCESS (35s)`: the changes in reading order (a stage starts before
   * its jobs and ends after them, the run's end last); else, after heartbeatMs, a heartbeat.
   */
  update(run: FlowRun, now: number): string[] {
    const at = `[${formatElapsed(now - this.startedAt)}]`
    const before = this.seen
    this.seen = new Map()
    // A stage or a job not started (INIT) gets no line: one for each would be noise.
    const change = (key: string, status: string | undefined, what: string, isRun = false) => {
      if (status === undefined) return undefined
      this.seen.set(key, status)
      if ((status === 'INIT' && !isRun) || before.get(key) === status) return undefined
      return oneLine(`${at} ${what} ${status}`)
    }
    const lines: string[] = []
    const runStatus = label(run.status)
    const runLine = change('run', runStatus, 'run', true)
    if (runLine && !isFinalStatus(runStatus)) lines.push(runLine)
    stagesOf(run).forEach((stage, i) => {
      const name = stageName(stage, i)
      const status = label(stage.stageInfo?.status)
      const stageLine = change(`stage:${stageKey(stage, i)}`, status, `stage "${name}"`)
      if (stageLine && !isFinalStatus(status)) lines.push(stageLine)
      jobsOf(stage).forEach((job, j) => {
        const key = jobIdentity(stage, i, job, j)
        const js = label(job.status)
        const line = change(key, js, `job "${name} / ${jobName(job, j)}"`)
        if (js !== undefined && before.get(key) !== js) this.since.set(key, now)
        if (line) lines.push(isFinalStatus(js) ? line + took(job) : line)
      })
      if (stageLine && isFinalStatus(status)) lines.push(stageLine)
    })
    if (runLine && isFinalStatus(runStatus)) lines.push(runLine)
    if (lines.length === 0 && now - this.lastLineAt >= this.heartbeatMs)
      lines.push(this.heartbeat(run, now, at))
    if (lines.length > 0) this.lastLineAt = now
    return lines
  }

  /** `[5m 00s] still RUNNING: stage "Deploy" (job "Deploy to prod" RUNNING 2m 10s)` */
  private heartbeat(run: FlowRun, now: number, at: string): string {
    const active: string[] = []
    stagesOf(run).forEach((stage, i) => {
      const status = label(stage.stageInfo?.status)
      if (status !== 'RUNNING' && status !== 'WAITING') return
      const jobs = jobsOf(stage).flatMap((job, j) => {
        const js = label(job.status)
        if (js === undefined || isFinalStatus(js)) return []
        const since = this.since.get(jobIdentity(stage, i, job, j))
        return [
          `job "${jobName(job, j)}" ${js}${since !== undefined ? ` ${formatDuration(now - since)}` : ''}`
        ]
      })
      const waiting = status === 'WAITING' ? ' WAITING' : ''
      active.push(
        `stage "${stageName(stage, i)}"${waiting}${jobs.length ? ` (${jobs.join(', ')})` : ''}`
      )
    })
    const status = label(run.status) ?? 'UNKNOWN'
    return oneLine(`${at} still ${status}${active.length ? `: ${active.join('; ')}` : ''}`)
  }
}
