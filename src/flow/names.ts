// How stages, jobs and statuses are named wherever they are shown, safe for any shape the server
// sends: on one line; without a usable name, by their place (from 1, as the server listed them).
import { isJsonObject } from '../common/json.js'
import { oneLine } from '../common/logger.js'
import type { FlowJob, FlowRun, FlowStage } from './types.js'

/** A name or status as shown: text on one line, trimmed; undefined when nothing usable is left. */
export function label(value: unknown): string | undefined {
  return typeof value === 'string' ? oneLine(value).trim() || undefined : undefined
}

/** The run's stages that are objects (a `null` entry is skipped). */
export function stagesOf(run: FlowRun | undefined): FlowStage[] {
  const stages: unknown = run?.stages
  return Array.isArray(stages) ? stages.filter((s): s is FlowStage => isJsonObject(s)) : []
}

/** The stage's jobs that are objects. */
export function jobsOf(stage: FlowStage): FlowJob[] {
  const jobs: unknown = stage.stageInfo?.jobs
  return Array.isArray(jobs) ? jobs.filter((j): j is FlowJob => isJsonObject(j)) : []
}

/** The stage's name: its name, else its stageInfo name, else its index, else `stage N`. */
export function stageName(stage: FlowStage, position: number): string {
  return (
    label(stage.name) ??
    label(stage.stageInfo?.name) ??
    label(stage.index) ??
    `stage ${position + 1}`
  )
}

/** The job's name: its name, else `job <id>`, else `job N`. */
export function jobName(job: FlowJob, position: number): string {
  const id = job.id as unknown
  return (
    label(job.name) ??
    (typeof id === 'number' || typeof id === 'string' ? label(`job ${id}`) : undefined) ??
    `job ${position + 1}`
  )
}

/** A status as shown, `UNKNOWN` when it is not text. */
export function statusName(value: unknown): string {
  return label(value) ?? 'UNKNOWN'
}
