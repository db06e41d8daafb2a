// The run-json output, kept well under GitHub's output limits: at most 1 MB of outputs per job
// (GitHub measures them as UTF-16, two bytes a unit) and 50 MB per workflow run. A larger run
// answer keeps what a later step most likely reads, and says what was cut.
import { isJsonObject } from '../../common/json.js'
import type { FlowRun } from '../../flow/types.js'

/** The most run-json takes of the job's 1 MB, in GitHub's measure (UTF-16 bytes). */
const RUN_JSON_MAX_BYTES = 256 * 1024

const OUTLINE =
  'the run id, status and times, and each stage and job with its id, name, status and times'

const sizeOf = (json: string): number => json.length * 2
const kib = (bytes: number): string => `${Math.ceil(bytes / 1024)} KiB`

function scalars(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(o)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) out[key] = value
  }
  return out
}

/** Only these of `o`'s fields, when they are scalars. */
function pick(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const all = scalars(o)
  return Object.fromEntries(keys.filter(k => k in all).map(k => [k, all[k]]))
}

const STAGE_KEYS = ['index', 'name']
const INFO_KEYS = ['name', 'status', 'startTime', 'endTime']
const JOB_KEYS = ['id', 'jobSign', 'name', 'status', 'startTime', 'endTime']

const record = (v: unknown): Record<string, unknown> | undefined =>
  isJsonObject(v) ? v : undefined

/** Stages with their names, statuses and times, and each job's id, name, status and times. */
function outline(run: FlowRun): unknown[] | undefined {
  if (!Array.isArray(run.stages)) return undefined
  return run.stages.map(stage => {
    const s = record(stage)
    if (!s) return null
    const info = record(s.stageInfo)
    const jobs = info && Array.isArray(info.jobs) ? info.jobs : []
    return {
      ...pick(s, STAGE_KEYS),
      stageInfo: info && {
        ...pick(info, INFO_KEYS),
        jobs: jobs.map(job => {
          const j = record(job)
          return j ? pick(j, JOB_KEYS) : null
        })
      }
    }
  })
}

/**
 * run-json for `run`: whole when it fits; else its outline; else its top-level fields only. `cut`
 * says what was kept, in words.
 */
export function capRunJson(
  run: FlowRun,
  maxBytes = RUN_JSON_MAX_BYTES
): { json: string; cut?: string } {
  const whole = JSON.stringify(run)
  if (sizeOf(whole) <= maxBytes) return { json: whole }
  const was = `the run details were ${kib(sizeOf(whole))}, over its ${kib(maxBytes)} limit`
  const note = (kept: string) => `${was}: ${kept} were kept; the rest was cut.`
  const stages = outline(run)
  const outlined = JSON.stringify({
    ...pick(run, ['pipelineId', 'pipelineRunId', 'status', 'createTime', 'updateTime']),
    ...(stages ? { stages } : {}),
    truncated: note(OUTLINE)
  })
  if (sizeOf(outlined) <= maxBytes) return { json: outlined, cut: note(OUTLINE) }
  const top = scalars(run)
  let json = JSON.stringify({ ...top, truncated: note('only the run fields') })
  if (sizeOf(json) > maxBytes) {
    json = JSON.stringify({
      pipelineId: top.pipelineId,
      pipelineRunId: top.pipelineRunId,
      status: typeof top.status === 'string' ? top.status.slice(0, 100) : top.status,
      truncated: note('only the run id and status')
    })
    return { json, cut: note('only the run id and status') }
  }
  return { json, cut: note('only the run fields') }
}
