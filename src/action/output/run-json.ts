// The run-json output, well under GitHub's 1 MB of outputs per job (measured in UTF-16, two bytes a
// unit): a larger run keeps what a later step most likely reads, and says what was cut.
import { isJsonObject } from '../../common/json.js'
import type { FlowRun } from '../../flow/types.js'

/** The most run-json takes of the job's 1 MB, in GitHub's measure (UTF-16 bytes). */
const RUN_JSON_MAX_BYTES = 256 * 1024

const OUTLINE =
  'the run id, status and times, and each stage and job with its id, name, status and times'

const sizeOf = (json: string): number => json.length * 2
const kib = (bytes: number): string => `${Math.ceil(bytes / 1024)} KiB`

/** `o`'s fields that are no object (JSON: strings, numbers, booleans, nulls). */
const scalars = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v === null || typeof v !== 'object'))

/** Only these of `o`'s fields, when they are scalars. */
function pick(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const all = scalars(o)
  return Object.fromEntries(keys.filter(k => k in all).map(k => [k, all[k]]))
}

const RUN_KEYS = ['pipelineId', 'pipelineRunId', 'status', 'createTime', 'updateTime']
const STAGE_KEYS = ['index', 'name']
const INFO_KEYS = ['name', 'status', 'startTime', 'endTime']
const JOB_KEYS = ['id', 'jobSign', 'name', 'status', 'startTime', 'endTime']

/** Stages with their names, statuses and times, and each job's id, name, status and times. */
function outline(run: FlowRun): unknown[] | undefined {
  if (!Array.isArray(run.stages)) return undefined
  return run.stages.map(stage => {
    if (!isJsonObject(stage)) return null
    const info = isJsonObject(stage.stageInfo) ? stage.stageInfo : undefined
    const jobs = info && Array.isArray(info.jobs) ? info.jobs : []
    return {
      ...pick(stage, STAGE_KEYS),
      stageInfo: info && {
        ...pick(info, INFO_KEYS),
        jobs: jobs.map(job => (isJsonObject(job) ? pick(job, JOB_KEYS) : null))
      }
    }
  })
}

/**
 * run-json for `run`: whole when it fits; else its outline; else its top-level fields; else its id
 * and status. `cut` says what was kept, in words.
 */
export function capRunJson(
  run: FlowRun,
  maxBytes = RUN_JSON_MAX_BYTES
): { json: string; cut?: string } {
  const whole = JSON.stringify(run)
  if (sizeOf(whole) <= maxBytes) return { json: whole }
  const was = `the run details were ${kib(sizeOf(whole))}, over its ${kib(maxBytes)} limit`
  const top = scalars(run)
  const stages = outline(run)
  const status = typeof top.status === 'string' ? top.status.slice(0, 100) : top.status
  const fallbacks: Array<[string, Record<string, unknown>]> = [
    [OUTLINE, { ...pick(run, RUN_KEYS), ...(stages ? { stages } : {}) }],
    ['only the run fields', top],
    [
      'only the run id and status',
      { pipelineId: top.pipelineId, pipelineRunId: top.pipelineRunId, status }
    ]
  ]
  let json = ''
  let cut = ''
  for (const [kept, value] of fallbacks) {
    cut = `${was}: ${kept} were kept; the rest was cut.`
    json = JSON.stringify({ ...value, truncated: cut })
    if (sizeOf(json) <= maxBytes) break
  }
  return { json, cut }
}
