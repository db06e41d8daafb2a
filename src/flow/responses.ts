// Every answer of the Flow API is checked here, at the edge, into the types the code uses
// (types.ts): a field typed there has that type or is left out, lists hold objects only. An answer
// that is not what the call returns becomes a clear error (`the answer is not ...`); odd parts of a
// good answer (a null stage, a number as a name, an object as a status) become a safe default
// instead of a TypeError later. Knows nothing of GitHub.
import { header } from '../common/http.js'
import { isJsonObject, jsonObject, setOwn } from '../common/json.js'
import { isHtml, type Answer, type Parsed } from './transport.js'
import type {
  FlowJob,
  FlowJobLog,
  FlowJobStep,
  FlowPipeline,
  FlowPipelinePage,
  FlowPipelineSource,
  FlowPipelineSummary,
  FlowRun,
  FlowStage,
  FlowStageInfo,
  FlowStepLog
} from './types.js'

export { isJsonObject }

/** `o` with the listed fields kept only when they pass their check (others untouched). */
function checked<T>(
  o: Record<string, unknown>,
  checks: Record<string, (v: unknown) => boolean>
): T {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(o)) {
    if (!checks[key] || checks[key](value)) setOwn(out, key, value)
  }
  return out as T
}

const isString = (v: unknown): boolean => typeof v === 'string'
const isTime = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v)
const isId = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v > 0

function objectsIn<T>(value: unknown, read: (o: Record<string, unknown>) => T): T[] {
  return Array.isArray(value) ? value.filter(isJsonObject).map(read) : []
}

export function readJob(o: Record<string, unknown>): FlowJob {
  return checked<FlowJob>(o, {
    id: isId,
    name: isString,
    status: isString,
    startTime: isTime,
    endTime: isTime
  })
}

export function readStage(o: Record<string, unknown>): FlowStage {
  const stage = checked<FlowStage>(o, { index: isString, name: isString, stageInfo: isJsonObject })
  if (stage.stageInfo) {
    const info = checked<FlowStageInfo>(stage.stageInfo, {
      name: isString,
      status: isString,
      startTime: isTime,
      endTime: isTime
    })
    if (info.jobs !== undefined) info.jobs = objectsIn(info.jobs, readJob)
    stage.stageInfo = info
  }
  return stage
}

/** A run object, checked; undefined when it is not one (no status string). */
export function readRun(value: unknown): FlowRun | undefined {
  if (!isJsonObject(value) || typeof value.status !== 'string') return undefined
  const run = checked<FlowRun>(value, {
    pipelineId: isId,
    pipelineRunId: isId,
    createTime: isTime,
    updateTime: isTime
  })
  if (run.stages !== undefined) run.stages = objectsIn(run.stages, readStage)
  return run
}

export function readPipeline(o: Record<string, unknown>): FlowPipeline {
  const pipeline = checked<FlowPipeline>(o, { name: isString, pipelineConfig: isJsonObject })
  const config = pipeline.pipelineConfig
  if (config) {
    const sources = objectsIn(config.sources, source => {
      const s = checked<FlowPipelineSource>(source, { type: isString, data: isJsonObject })
      if (s.data) s.data = checked(s.data, { repo: isString, branch: isString })
      return s
    })
    pipeline.pipelineConfig = { ...config, sources }
  }
  return pipeline
}

/** The text as a JSON array, or undefined when it is not one. */
function jsonArray(text: string): unknown[] | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return Array.isArray(value) ? value : undefined
  } catch {
    return undefined
  }
}

function notA(answer: Answer, noun: string): Parsed<never> {
  return { ok: false, what: `the answer is not ${noun}`, html: isHtml(answer) }
}

/** CreatePipelineRun: the run id, a bare positive integer or the same in quotes. */
export function parseRunId(answer: Answer): Parsed<number> {
  const match = /^(?:(\d+)|"(\d+)")$/.exec(answer.body.trim())
  const id = match ? Number(match[1] ?? match[2]) : NaN
  if (Number.isSafeInteger(id) && id > 0) return { ok: true, value: id }
  return notA(answer, 'a run id')
}

/** GetPipelineRun. */
export function parseRun(answer: Answer): Parsed<FlowRun> {
  const run = readRun(jsonObject(answer.body))
  return run ? { ok: true, value: run } : notA(answer, 'a pipeline run (an object with a status)')
}

/** GetPipeline. */
export function parsePipeline(answer: Answer): Parsed<FlowPipeline> {
  const o = jsonObject(answer.body)
  return o ? { ok: true, value: readPipeline(o) } : notA(answer, 'a pipeline object')
}

/** GetPipelineJobRunLog: `content` a string (or missing or null: an empty log). */
export function parseJobLog(answer: Answer): Parsed<FlowJobLog> {
  const o = jsonObject(answer.body)
  if (!o || (o.content !== undefined && o.content !== null && typeof o.content !== 'string')) {
    return notA(answer, 'a job log (an object with a content string)')
  }
  const log: FlowJobLog = { content: typeof o.content === 'string' ? o.content : '' }
  if (typeof o.last === 'number') log.last = o.last
  if (typeof o.more === 'boolean') log.more = o.more
  if (typeof o.cutBytes === 'number' && o.cutBytes > 0) log.cutBytes = o.cutBytes
  return { ok: true, value: log }
}

/**
 * GetPipelineJobSteps: an array of builds, each with `buildId` and its steps in `buildProcessNodes`
 * (older answers: `steps`). Steps without an integer `stepIndex`, builds without an id, are skipped.
 */
export function parseJobSteps(answer: Answer): Parsed<FlowJobStep[]> {
  const value = jsonArray(answer.body)
  if (!value) return notA(answer, 'a list of job steps (an array of builds)')
  const steps: FlowJobStep[] = []
  for (const build of value.filter(isJsonObject)) {
    if (!isId(build.buildId)) continue
    const nodes = Array.isArray(build.buildProcessNodes) ? build.buildProcessNodes : build.steps
    for (const node of objectsIn(nodes, o => o)) {
      if (!Number.isSafeInteger(node.stepIndex)) continue
      const step = checked<FlowJobStep>(node, { stepName: isString, status: isString })
      steps.push({
        buildId: build.buildId as number,
        stepIndex: node.stepIndex as number,
        stepName: step.stepName,
        status: step.status,
        finish: node.finish === true
      })
    }
  }
  return { ok: true, value: steps }
}

/** GetPipelineJobStepLog: `logs` a string (or missing or null: nothing new), `last` an integer. */
export function parseStepLog(answer: Answer): Parsed<FlowStepLog> {
  const o = jsonObject(answer.body)
  if (!o || (o.logs !== undefined && o.logs !== null && typeof o.logs !== 'string')) {
    return notA(answer, 'a step log (an object with a logs string)')
  }
  const log: FlowStepLog = { logs: typeof o.logs === 'string' ? o.logs : '' }
  if (Number.isSafeInteger(o.last)) log.last = o.last as number
  if (typeof o.more === 'boolean') log.more = o.more
  return { ok: true, value: log }
}

/** GetLatestPipelineRun: a run object that names its run id. */
export function parseLatestRun(answer: Answer): Parsed<FlowRun> {
  const run = readRun(jsonObject(answer.body))
  return run && run.pipelineRunId !== undefined
    ? { ok: true, value: run }
    : notA(answer, 'a pipeline run (an object with a status and a pipelineRunId)')
}

/** A pipeline id: a positive integer, or the same as a string of digits. */
function pipelineIdOf(value: unknown): number | undefined {
  const id =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : NaN
  return Number.isSafeInteger(id) && id > 0 ? id : undefined
}

/**
 * ListPipelines: an array; entries without a pipeline id or a string name are dropped (no name can
 * match them), `size` counts them all for paging. `x-total` when readable.
 */
export function parsePipelinePage(answer: Answer): Parsed<FlowPipelinePage> {
  const value = jsonArray(answer.body)
  if (!value) {
    return notA(
      answer,
      'a list of pipelines (an array of objects with pipelineId and pipelineName)'
    )
  }
  const pipelines: FlowPipelineSummary[] = []
  for (const item of value) {
    if (!isJsonObject(item)) continue
    const pipelineId = pipelineIdOf(item.pipelineId)
    if (pipelineId === undefined || typeof item.pipelineName !== 'string') continue
    pipelines.push({ ...item, pipelineId, pipelineName: item.pipelineName })
  }
  const totalText = header(answer.headers, 'x-total')?.trim()
  const total = totalText && /^\d+$/.test(totalText) ? Number(totalText) : undefined
  const page: FlowPipelinePage = { pipelines, size: value.length }
  if (total !== undefined) page.total = total
  return { ok: true, value: page }
}

/**
 * UpdatePipelineRun, StopPipelineJobRun, PassPipelineValidate: `true`. An explicit `false`, an HTML
 * page, or an object with `success: false` or an error code (a 200 that reports a failure) says it
 * did not happen (`notDone`).
 */
export function parseDoneAnswer(answer: Answer, notDone: string): Parsed<void> {
  if (answer.body.trim() === 'false') {
    return { ok: false, what: `the server answered false: ${notDone}`, html: false, quote: false }
  }
  if (isHtml(answer)) return { ok: false, what: 'the answer is an HTML page', html: true }
  const o = jsonObject(answer.body)
  if (o && (o.success === false || hasErrorCode(o))) {
    return { ok: false, what: `the answer reports a failure: ${notDone}`, html: false }
  }
  return { ok: true, value: undefined }
}

/** An `errorCode` (or `errCode`) other than empty: Yunxiao's error shape, whatever the status. */
function hasErrorCode(o: Record<string, unknown>): boolean {
  return [o.errorCode, o.errCode].some(
    code => (typeof code === 'string' && code.trim() !== '') || typeof code === 'number'
  )
}
