// Every Flow answer is checked here into the types of types.ts. An answer that is not what the call
// returns is a clear error; odd parts of a good one become a safe default, not a TypeError later.
import { header } from '../common/http.js'
import { isJsonObject, jsonObject, parseJson, setOwn } from '../common/json.js'
import { isHtml, type Parsed } from './errors.js'
import type { Answer } from './exchange.js'
import type {
  FlowJobLog,
  FlowJobStep,
  FlowPipeline,
  FlowPipelinePage,
  FlowPipelineSummary,
  FlowRun,
  FlowStepLog
} from './types.js'

/** How a field is read: its value kept, another value in its place, or DROP to leave it out. */
type Field = (v: unknown) => unknown
type Spec = Record<string, Field>
const DROP = Symbol('drop')

/** `o` with the fields of `spec` read by it; others are kept as they are. */
function read<T>(o: Record<string, unknown>, spec: Spec): T {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(o)) {
    const kept = Object.hasOwn(spec, key) ? spec[key](value) : value
    if (kept !== DROP) setOwn(out, key, kept)
  }
  return out as T
}

const when =
  (test: (v: unknown) => boolean): Field =>
  v =>
    test(v) ? v : DROP
const isString = when(v => typeof v === 'string')
const isTime = when(v => typeof v === 'number' && Number.isFinite(v))
const isId = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v > 0
const objectOf =
  (spec: Spec): Field =>
  v =>
    isJsonObject(v) ? read(v, spec) : DROP
/** Objects only (null entries are dropped); anything but a list reads as an empty one. */
const listOf =
  (spec: Spec): Field =>
  v =>
    Array.isArray(v) ? v.filter(isJsonObject).map(o => read(o, spec)) : []
const TIMES = { startTime: isTime, endTime: isTime }

const JOB: Spec = { id: when(isId), name: isString, status: isString, ...TIMES }
const STAGE_INFO: Spec = { name: isString, status: isString, ...TIMES, jobs: listOf(JOB) }
const STAGE: Spec = { index: isString, name: isString, stageInfo: objectOf(STAGE_INFO) }
const RUN: Spec = {
  pipelineId: when(isId),
  pipelineRunId: when(isId),
  createTime: isTime,
  updateTime: isTime,
  stages: listOf(STAGE)
}
const SOURCE: Spec = { type: isString, data: objectOf({ repo: isString, branch: isString }) }
const CONFIG: Spec = { sources: listOf(SOURCE) }

/** A run object, checked; undefined when it is not one (no status string). */
export function readRun(value: unknown): FlowRun | undefined {
  if (!isJsonObject(value) || typeof value.status !== 'string') return undefined
  return read<FlowRun>(value, RUN)
}

function jsonArray(text: string): unknown[] | undefined {
  const value = parseJson(text)
  return Array.isArray(value) ? value : undefined
}

function notA(noun: string): Parsed<never> {
  return { ok: false, what: `the answer is not ${noun}` }
}

/** CreatePipelineRun: the run id, a bare positive integer or the same in quotes. */
export function runId(answer: Answer): Parsed<number> {
  const match = /^(?:(\d+)|"(\d+)")$/.exec(answer.body.trim())
  const id = match ? Number(match[1] ?? match[2]) : NaN
  if (Number.isSafeInteger(id) && id > 0) return { ok: true, value: id }
  return notA('a run id')
}

/** GetPipelineRun; GetLatestPipelineRun's must also name its run id. */
export function run(answer: Answer, latest = false): Parsed<FlowRun> {
  const value = readRun(jsonObject(answer.body))
  if (value && (!latest || value.pipelineRunId !== undefined)) return { ok: true, value }
  const idToo = latest ? ' and a pipelineRunId' : ''
  return notA(`a pipeline run (an object with a status${idToo})`)
}

/** GetPipeline: a config's sources always a list. */
export function pipeline(answer: Answer): Parsed<FlowPipeline> {
  const o = jsonObject(answer.body)
  if (!o) return notA('a pipeline object')
  const value = read<FlowPipeline>(o, { name: isString, pipelineConfig: objectOf(CONFIG) })
  if (value.pipelineConfig) value.pipelineConfig.sources ??= []
  return { ok: true, value }
}

/** GetPipelineJobRunLog: `content` a string (or missing or null: an empty log). */
export function jobLog(answer: Answer): Parsed<FlowJobLog> {
  return logPage(answer, 'content', 'a job log') as Parsed<FlowJobLog>
}

/** GetPipelineJobStepLog: `logs` a string (or missing or null: nothing new). */
export function stepLog(answer: Answer): Parsed<FlowStepLog> {
  return logPage(answer, 'logs', 'a step log') as Parsed<FlowStepLog>
}

/** A log or a page of one: its text field, and `last`, `more`, `cutBytes` where they are usable. */
function logPage(answer: Answer, field: string, noun: string): Parsed<Record<string, unknown>> {
  const o = jsonObject(answer.body)
  const text = o?.[field]
  if (!o || (text !== undefined && text !== null && typeof text !== 'string')) {
    return notA(`${noun} (an object with a ${field} string)`)
  }
  const value: Record<string, unknown> = { [field]: text ?? '' }
  if (Number.isSafeInteger(o.last)) value.last = o.last
  if (typeof o.more === 'boolean') value.more = o.more
  if (isId(o.cutBytes)) value.cutBytes = o.cutBytes
  return { ok: true, value }
}

/**
 * GetPipelineJobSteps: an array of builds, each with `buildId` and its steps in `buildProcessNodes`
 * (older answers: `steps`). Steps without an integer `stepIndex`, builds without an id, are skipped.
 */
export function jobSteps(answer: Answer): Parsed<FlowJobStep[]> {
  const value = jsonArray(answer.body)
  if (!value) return notA('a list of job steps (an array of builds)')
  const steps: FlowJobStep[] = []
  for (const build of value.filter(isJsonObject)) {
    if (!isId(build.buildId)) continue
    const nodes = Array.isArray(build.buildProcessNodes) ? build.buildProcessNodes : build.steps
    for (const node of Array.isArray(nodes) ? nodes.filter(isJsonObject) : []) {
      if (!Number.isSafeInteger(node.stepIndex)) continue
      const { stepName, status } = read<FlowJobStep>(node, { stepName: isString, status: isString })
      const [buildId, stepIndex] = [build.buildId as number, node.stepIndex as number]
      steps.push({ buildId, stepIndex, stepName, status, finish: node.finish === true })
    }
  }
  return { ok: true, value: steps }
}

/** A pipeline id: a positive integer, or the same as a string of digits. */
function pipelineIdOf(value: unknown): number | undefined {
  const id = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
  return isId(id) ? (id as number) : undefined
}

/**
 * ListPipelines: an array; entries without a pipeline id or a string name are dropped (no name can
 * match them), `size` counts them all for paging. `x-total` when readable.
 */
export function pipelinePage(answer: Answer): Parsed<FlowPipelinePage> {
  const value = jsonArray(answer.body)
  if (!value) {
    return notA('a list of pipelines (an array of objects with pipelineId and pipelineName)')
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
export function done(answer: Answer, notDone: string): Parsed<void> {
  if (answer.body.trim() === 'false') {
    return { ok: false, what: `the server answered false: ${notDone}`, quote: false }
  }
  if (isHtml(answer)) return { ok: false, what: 'the answer is an HTML page' }
  const o = jsonObject(answer.body)
  if (o && (o.success === false || hasErrorCode(o))) {
    return { ok: false, what: `the answer reports a failure: ${notDone}` }
  }
  return { ok: true, value: undefined }
}

/** An `errorCode` (or `errCode`) other than empty: Yunxiao's error shape, whatever the status. */
function hasErrorCode(o: Record<string, unknown>): boolean {
  return [o.errorCode, o.errCode].some(
    code => (typeof code === 'string' && code.trim() !== '') || typeof code === 'number'
  )
}
