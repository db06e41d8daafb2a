// A Yunxiao Flow OpenAPI simulator: a real HTTP server on loopback for the end-to-end tests,
// `npm run demo` and the benchmark. It follows the API notes in docs/flow-openapi.md.
//
// Choices where the real API is not documented (keep the README and tests in line with these):
// - A run's stages and jobs are derived from the clock: stages run one after another, the jobs of a
//   stage in parallel. A job reports WAITING for `waitingMs` (like a manual approval), then RUNNING
//   for `durationMs`, then its result. Stages and jobs that have not started report status 'INIT'
//   with no startTime; after a FAIL they never start and stay 'INIT' in the final run.
// - A job with `gate` is a manual gate (人工卡点): it reports WAITING from its stage's start, with
//   PassPipelineValidate / RefusePipelineValidate in its `actions` (`disable: true` when the token's
//   user is not a validator), until it is passed (then RUNNING for `durationMs`) or refused (FAIL).
//   Later stages start when it has ended.
// - ListPipelines' `pipelineName` filter matches names that contain it, ignoring case (the real
//   filter is fuzzy too); the newest pipeline (highest id) comes first.
// - A job's steps (GetPipelineJobSteps: one build, its `buildProcessNodes` from stepIndex 0) share
//   its running time one after another; a running step's log (GetPipelineJobStepLog) holds the
//   part of its lines its elapsed share says. `last` is the last line given (offset - 1 when none
//   is new), `more` is true until the step is done and every line was given.
// - Stopping a run that already ended, or a job that is not running, is a no-op answering `true`.
// - Faults are served before anything else, the token check (401) comes next, then the edition and
//   organization (404/403), then the routes.
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

export const DEFAULT_TOKEN = 'pt-simulator-token'
export const DEFAULT_ORGANIZATION_ID = 'sim-org'
export const DEFAULT_PIPELINE_ID = 123

const FINAL = new Set(['SUCCESS', 'FAIL', 'CANCELED'])
const ERROR_CODES = {
  400: 'BadRequest',
  401: 'InvalidTokenError',
  403: 'Forbidden',
  404: 'NotFound',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable'
}
const LOGIN_PAGE =
  '<!DOCTYPE html><html><head><meta charset="utf-8"><title>阿里云登录 - 欢迎登录阿里云</title></head>' +
  '<body><div id="login">请登录 / Please sign in</div></body></html>'

/** @returns {import('./flow-simulator.js').SimPipelineDefinition} */
export function defaultPipeline() {
  const job = (/** @type {string} */ name) => ({ name, durationMs: 1000 })
  return {
    name: 'demo-pipeline',
    sources: [
      { repo: 'https://codeup.aliyun.com/sim-org/backend.git', branch: 'master' },
      { repo: 'https://codeup.aliyun.com/sim-org/frontend.git', branch: 'main' }
    ],
    stages: [
      { name: 'Build', jobs: [job('Java build'), job('Node build')] },
      { name: 'Test', jobs: [job('Unit tests')] },
      { name: 'Deploy', jobs: [job('Deploy to staging')] }
    ]
  }
}

/**
 * @param {string | number} id
 * @param {import('./flow-simulator.js').SimPipelineDefinition} def
 */
function normalizePipeline(id, def) {
  return {
    id: /^\d+$/.test(String(id)) ? Number(id) : String(id),
    name: def.name ?? `pipeline-${id}`,
    sources: (def.sources ?? []).map(s => ({ repo: s.repo, branch: s.branch ?? 'master' })),
    stages: (def.stages ?? []).map(stage => ({
      name: stage.name,
      jobs: stage.jobs.map(job => ({
        name: job.name,
        durationMs: job.durationMs ?? 1000,
        waitingMs: job.waitingMs ?? 0,
        result: checkResult(job.result ?? 'SUCCESS', job.name),
        log: job.log,
        outputs: job.outputs,
        steps: job.steps,
        gate: normalizeGate(job.gate)
      }))
    }))
  }
}

/** The token's user (aliyunPk) as the simulator knows it: the default validator of a manual gate. */
export const DEFAULT_USER_ID = 'sim-user'

/** A manual gate: undefined (none), or the validators who may pass or refuse it. */
function normalizeGate(gate) {
  if (gate === undefined || gate === false) return undefined
  if (gate === true) return { validators: [DEFAULT_USER_ID] }
  return { validators: [...(gate.validators ?? [DEFAULT_USER_ID])] }
}

/** @param {unknown} result @param {string} jobName */
function checkResult(result, jobName) {
  if (result !== 'SUCCESS' && result !== 'FAIL') {
    throw new TypeError(
      `job "${jobName}": result must be 'SUCCESS' or 'FAIL', not ${JSON.stringify(result)}`
    )
  }
  return result
}

/** @param {string} body @returns {{ params?: Record<string, unknown> } | { error: string }} */
function parseCreateBody(body) {
  if (body.trim() === '') return {}
  let parsed
  try {
    parsed = JSON.parse(body)
  } catch {
    return { error: 'request body is not valid JSON' }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { error: 'request body must be a JSON object' }
  }
  if (parsed.params === undefined) return {}
  if (typeof parsed.params !== 'string') {
    return { error: 'params must be a string holding a JSON object' }
  }
  let params
  try {
    params = JSON.parse(parsed.params)
  } catch {
    return { error: 'params is not a valid JSON string' }
  }
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    return { error: 'params must be a string holding a JSON object' }
  }
  return { params }
}

/**
 * When each job of the run starts RUNNING, ends and with what result, and when each stage starts,
 * given the gate decisions made so far. Stages run one after another; a stage starts when the one
 * before ended SUCCESS. A manual gate job WAITs from its stage's start until it is passed (then it
 * runs for durationMs) or refused (then it ends FAIL at once); undecided, it never ends.
 */
function planRun(run) {
  let cursor = run.createdAt + run.delayMs
  let blocked = false
  return run.stages.map(stage => {
    const start = blocked ? undefined : cursor
    const jobs = stage.jobs.map(job => {
      if (start === undefined) return { runStart: Infinity, end: Infinity, result: job.result }
      if (!job.gate) {
        const runStart = start + job.waitingMs
        return { runStart, end: runStart + job.durationMs, result: job.result }
      }
      const decision = run.gateDecisions.get(job.id)
      if (!decision) return { runStart: Infinity, end: Infinity, result: job.result }
      if (decision.kind === 'refuse')
        return { runStart: decision.at, end: decision.at, result: 'FAIL' }
      const runStart = Math.max(start, decision.at)
      return { runStart, end: runStart + job.durationMs, result: job.result }
    })
    if (start !== undefined) {
      const end = Math.max(start, ...jobs.map(j => j.end))
      blocked = !Number.isFinite(end) || jobs.some(j => j.result === 'FAIL')
      cursor = end
    }
    return { start, jobs }
  })
}

/** Status of one job at time t, for a stage that starts at stageStart and a run stopped at cut. */
function jobState(plan, stageStart, t, cut) {
  if (stageStart === undefined || t < stageStart || cut < stageStart) return { status: 'INIT' }
  const { runStart, end } = plan
  if (end <= cut && t >= end) return { status: plan.result, startTime: stageStart, endTime: end }
  if (t >= cut) return { status: 'CANCELED', startTime: stageStart, endTime: cut }
  return { status: t < runStart ? 'WAITING' : 'RUNNING', startTime: stageStart }
}

function stageState(stage, plan, t, cut) {
  const jobs = stage.jobs.map((job, i) => ({
    job,
    ...jobState(plan.jobs[i], plan.start, t, cut)
  }))
  if (plan.start === undefined || t < plan.start || cut < plan.start) {
    return { status: 'INIT', jobs }
  }
  const statuses = jobs.map(j => j.status)
  if (statuses.every(s => FINAL.has(s))) {
    const status = statuses.includes('CANCELED')
      ? 'CANCELED'
      : statuses.includes('FAIL')
        ? 'FAIL'
        : 'SUCCESS'
    const endTime = Math.max(plan.start, ...jobs.map(j => j.endTime ?? 0))
    return { status, startTime: plan.start, endTime, jobs }
  }
  return {
    status: statuses.includes('RUNNING') ? 'RUNNING' : 'WAITING',
    startTime: plan.start,
    jobs
  }
}

/** The whole run at time t: status, stage views, last change and (once final) end time. */
function runState(run, t) {
  const cut = run.stoppedAt ?? Infinity
  const plan = planRun(run)
  const stages = run.stages.map((stage, i) => stageState(stage, plan[i], t, cut))
  const current = stages.find(s => s.status !== 'SUCCESS')
  let status
  if (t >= cut) status = 'CANCELED'
  else if (!current) status = 'SUCCESS'
  // A run whose first stage has not started yet (runDelayMs) is queued: RUNNING.
  else if (current.status === 'INIT') status = 'RUNNING'
  else status = current.status
  const times = [run.createdAt]
  for (const x of stages.flatMap(s => [s, ...s.jobs])) {
    times.push(x.startTime ?? run.createdAt, x.endTime ?? run.createdAt)
  }
  if (t >= cut) times.push(cut)
  const updateTime = Math.max(...times)
  return { status, stages, updateTime, endTime: FINAL.has(status) ? updateTime : undefined }
}

/** The whole log of a job: its steps' lines one after another, or its `log`, or default lines. */
function allLines(run, pipeline, job) {
  if (job.steps) return job.steps.flatMap(step => stepLines(step, 0, stepLength(step)))
  if (job.log !== undefined) return job.log.split('\n')
  return [
    `[INFO] Job "${job.name}" started (pipeline "${pipeline.name}", run #${run.id})`,
    ...run.sources.map(s => `[INFO] Checked out ${s.data.repo} at ${s.data.branch}`),
    `[INFO] Running the steps of "${job.name}"`,
    `[INFO] Step 1/2 of "${job.name}" done`,
    job.result === 'FAIL'
      ? `[ERROR] Step 2/2 of "${job.name}" failed: script exited with code 1`
      : `[INFO] Job "${job.name}" finished successfully`
  ]
}

const stepLength = step => (step.log !== undefined ? step.log.split('\n').length : step.lineCount)

/** Lines [from, to) of a step: its `log`, or `lineCount` generated lines `lineBytes` long. */
function stepLines(step, from, to) {
  if (step.log !== undefined) return step.log.split('\n').slice(from, to)
  const lines = []
  for (let i = from; i < to; i++) {
    lines.push(`${step.name}: line ${i + 1} `.padEnd(step.lineBytes ?? 100, '.'))
  }
  return lines
}

/** When a job that is (or was) RUNNING started running. */
function runningSince(run, job, state) {
  const decided = job.gate ? run.gateDecisions.get(job.id) : undefined
  return job.gate
    ? Math.max(state.startTime, decided?.at ?? state.startTime)
    : state.startTime + job.waitingMs
}

function logLines(run, pipeline, job, state, t) {
  if (state.status === 'INIT') return []
  if (state.status === 'WAITING') return [`[INFO] Job "${job.name}" is waiting for manual approval`]
  const lines = allLines(run, pipeline, job)
  if (state.status === 'SUCCESS' || state.status === 'FAIL') return lines
  // Running or canceled: the part of the log written so far, never the final line.
  const elapsed = Math.min(t, state.endTime ?? Infinity) - runningSince(run, job, state)
  const fraction = job.durationMs > 0 ? elapsed / job.durationMs : 0
  const shown = Math.max(1, Math.min(lines.length - 1, Math.floor(fraction * lines.length)))
  const part = lines.slice(0, shown)
  if (state.status === 'CANCELED') part.push(`[WARN] Job "${job.name}" was canceled`)
  return part
}

/**
 * The job's steps at time t (GetPipelineJobSteps): its `steps`, else one step "Run" holding its
 * log. They share the job's running time equally, one after another; a running step has written
 * the part of its lines its elapsed share says.
 */
function stepViews(run, pipeline, job, state, t) {
  const steps = job.steps ?? [{ name: 'Run', log: allLines(run, pipeline, job).join('\n') }]
  const started = state.status !== 'INIT' && state.status !== 'WAITING'
  const since = started ? runningSince(run, job, state) : Infinity
  const now = Math.min(t, state.endTime ?? Infinity)
  const share = job.durationMs / steps.length
  return steps.map((step, i) => {
    const length = stepLength(step)
    const from = since + i * share
    const ended = state.status === 'SUCCESS' || state.status === 'FAIL'
    let status = 'INIT'
    let shown = 0
    if (ended || now >= from + share) {
      status = ended && i === steps.length - 1 ? state.status : 'SUCCESS'
      shown = length
    } else if (now >= from) {
      status = state.status === 'CANCELED' ? 'CANCELED' : 'RUNNING'
      shown = Math.min(length - 1, Math.floor(((now - from) / share) * length))
    }
    const finish = status !== 'INIT' && status !== 'RUNNING'
    return { step, stepIndex: i, stepName: step.name, status, finish, shown }
  })
}

/**
 * Starts the simulator on a free (or the given) loopback port.
 * @param {import('./flow-simulator.js').FlowSimulatorOptions} [options]
 * @returns {Promise<import('./flow-simulator.js').FlowSimulator>}
 */
export async function startFlowSimulator(options = {}) {
  const settings = {
    token: options.token ?? DEFAULT_TOKEN,
    organizationId: options.organizationId ?? DEFAULT_ORGANIZATION_ID,
    editions: options.editions ?? ['center', 'region'],
    now: options.now ?? Date.now,
    runDelayMs: options.runDelayMs ?? 0,
    echoToken: options.echoToken ?? false,
    refuseRunStop: options.refuseRunStop ?? false,
    userId: options.userId ?? DEFAULT_USER_ID
  }
  /** @type {Map<string, ReturnType<typeof normalizePipeline>>} */
  const pipelines = new Map()
  const addPipelines = defs => {
    for (const [id, def] of Object.entries(defs))
      pipelines.set(String(id), normalizePipeline(id, def))
  }
  addPipelines(options.pipelines ?? { [DEFAULT_PIPELINE_ID]: defaultPipeline() })
  /** @type {Map<string, any[]>} pipeline id -> runs in creation order */
  const runsByPipeline = new Map()
  const requests = []
  const faults = []
  const timers = new Set()
  let nextJobId = 10001

  const addFault = fault => {
    faults.push({ ...fault, times: fault.times ?? 1 })
  }
  for (const fault of options.faults ?? []) addFault(fault)

  function createRun(pipeline, params, rawBody) {
    const runs = runsByPipeline.get(String(pipeline.id)) ?? []
    runsByPipeline.set(String(pipeline.id), runs)
    const createdAt = settings.now()
    const branches = params?.runningBranchs ?? {}
    const tags = params?.runningTags ?? {}
    const run = {
      id: runs.length + 1,
      pipelineId: pipeline.id,
      params,
      rawBody,
      createdAt,
      stoppedAt: undefined,
      stopRequests: 0,
      jobStops: [],
      globalParams: Object.entries(params?.envs ?? {}).map(([key, value]) => ({
        key,
        value: String(value),
        encrypted: false
      })),
      sources: pipeline.sources.map((s, i) => {
        const data = { repo: s.repo, branch: branches[s.repo] ?? s.branch }
        if (tags[s.repo] !== undefined) data.tag = tags[s.repo]
        return { sign: `source-${i + 1}`, type: 'Codeup', data }
      }),
      delayMs: settings.runDelayMs,
      /** job id -> { kind: 'pass' | 'refuse', at } */
      gateDecisions: new Map(),
      gateRequests: [],
      stages: pipeline.stages.map(stage => ({
        name: stage.name,
        jobs: stage.jobs.map(job => ({ ...job, id: nextJobId++ }))
      }))
    }
    runs.push(run)
    return run
  }

  function runJson(pipeline, run) {
    const state = runState(run, settings.now())
    return {
      pipelineId: pipeline.id,
      pipelineRunId: run.id,
      status: state.status,
      triggerMode: 1,
      createTime: run.createdAt,
      updateTime: state.updateTime,
      creatorAccountId: 'sim-user',
      globalParams: run.globalParams,
      sources: run.sources,
      stages: run.stages.map((stage, i) => {
        const view = state.stages[i]
        return {
          index: `Group0-Stage${i}`,
          name: stage.name,
          stageInfo: {
            name: stage.name,
            status: view.status,
            startTime: view.startTime,
            endTime: view.endTime,
            jobs: view.jobs.map(j => ({
              id: j.job.id,
              jobSign: `job-${j.job.id}`,
              name: j.job.name,
              status: j.status,
              startTime: j.startTime,
              endTime: j.endTime,
              params: '{}',
              result:
                j.status === 'SUCCESS' ? JSON.stringify(jobOutputs(pipeline, run, j.job)) : '{}',
              actions: jobActions(run, j)
            }))
          }
        }
      })
    }
  }

  /**
   * The job's `actions`: its log, and for a manual gate that waits, passing and refusing it, as
   * documented (help.aliyun.com document_detail/2360596): `disable` is true when the token's user is
   * not one of the gate's validators.
   */
  function jobActions(run, j) {
    const actions = [{ type: 'LogPipelineJobRun', displayType: 'LOG', name: 'Log', disable: false }]
    if (j.job.gate && j.status === 'WAITING' && !run.gateDecisions.has(j.job.id)) {
      const disable = !j.job.gate.validators.includes(settings.userId)
      const params = { validators: [...j.job.gate.validators] }
      actions.push(
        { type: 'PassPipelineValidate', displayType: 'BUTTON', name: '通过', disable, params },
        { type: 'RefusePipelineValidate', displayType: 'BUTTON', name: '拒绝', disable, params }
      )
    }
    return actions
  }

  function jobOutputs(pipeline, run, job) {
    if (job.outputs !== undefined) return job.outputs
    const repo = String(pipeline.name)
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
    const imageTag = `1.0.${run.id}`
    return {
      image: `registry.cn-hangzhou.aliyuncs.com/${settings.organizationId}/${repo}:${imageTag}`,
      imageTag
    }
  }

  function findJob(run, jobId, t) {
    const state = runState(run, t)
    for (const stage of state.stages) {
      for (const j of stage.jobs) if (String(j.job.id) === jobId) return j
    }
    return undefined
  }

  // ---- HTTP ----

  function send(res, status, payload, headers = {}) {
    if (res.destroyed || res.writableEnded) return
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload)
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-acs-request-id': res.requestId,
      ...headers
    })
    res.end(body)
  }

  function errorBody(req, res, errorCode, errorMessage) {
    const received = req.headers['x-yunxiao-token'] ?? ''
    const message = settings.echoToken ? `${errorMessage} (token: ${received})` : errorMessage
    return { errorCode, errorMessage: message, requestId: res.requestId }
  }

  function fail(req, res, status, errorCode, errorMessage) {
    send(res, status, errorBody(req, res, errorCode, errorMessage))
  }

  function takeFault(method, path) {
    const i = faults.findIndex(
      f =>
        f.times > 0 &&
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (f.path === undefined ||
          (f.path instanceof RegExp ? f.path.test(path) : path.includes(f.path)))
    )
    if (i < 0) return undefined
    const fault = faults[i]
    fault.times -= 1
    if (fault.times <= 0) faults.splice(i, 1)
    return fault
  }

  function answerFault(req, res, fault) {
    if (fault.destroy) {
      req.socket.destroy()
      return
    }
    if (fault.html) {
      send(res, fault.status ?? 200, fault.body ?? LOGIN_PAGE, {
        'content-type': 'text/html;charset=utf-8',
        ...fault.headers
      })
      return
    }
    const status = fault.status ?? 500
    let body = fault.body
    if (body === undefined) {
      body =
        status >= 400 ? errorBody(req, res, ERROR_CODES[status] ?? 'Error', 'simulated fault') : ''
    }
    send(res, status, body, fault.headers)
  }

  const routes = [
    ['GET', 'pipelines', listPipelines],
    ['GET', 'pipelines/:pipelineId', getPipeline],
    ['GET', 'pipelines/:pipelineId/runs', listRuns],
    ['POST', 'pipelines/:pipelineId/runs', postRun],
    ['GET', 'pipelines/:pipelineId/runs/latestPipelineRun', getLatestRun],
    ['GET', 'pipelines/:pipelineId/runs/:runId', getRun],
    ['PUT', 'pipelines/:pipelineId/runs/:runId', stopRun],
    ['PUT', 'pipelines/:pipelineId/pipelineRuns/:runId/jobs/:jobId/stop', stopJob],
    ['GET', 'pipelines/:pipelineId/runs/:runId/job/:jobId/log', getJobLog],
    ['GET', 'pipelines/:pipelineId/pipelineRuns/:runId/jobs/:jobId/steps', getJobSteps],
    ['GET', 'pipelines/:pipelineId/pipelineRuns/:runId/jobs/:jobId/step/log', getStepLog],
    [
      'POST',
      'pipelines/:pipelineId/pipelineRuns/:runId/jobs/:jobId/pass',
      ctx => decideGate(ctx, 'pass')
    ],
    [
      'POST',
      'pipelines/:pipelineId/pipelineRuns/:runId/jobs/:jobId/refuse',
      ctx => decideGate(ctx, 'refuse')
    ]
  ].map(([method, pattern, handler]) => ({ method, parts: pattern.split('/'), handler }))

  function route(method, segments) {
    for (const r of routes) {
      if (r.method !== method || r.parts.length !== segments.length) continue
      const vars = {}
      const ok = r.parts.every((p, i) =>
        p.startsWith(':') ? ((vars[p.slice(1)] = segments[i]), true) : p === segments[i]
      )
      if (ok) return { handler: r.handler, vars }
    }
    return undefined
  }

  function getPipeline(ctx) {
    const { pipeline } = ctx
    const flow = pipeline.stages
      .map(
        s => `- stage: ${s.name}\n  jobs: [${s.jobs.map(j => JSON.stringify(j.name)).join(', ')}]`
      )
      .join('\n')
    return {
      pipelineId: pipeline.id,
      name: pipeline.name,
      createTime: 1700000000000,
      creatorAccountId: 'sim-user',
      pipelineConfig: {
        sources: pipeline.sources.map((s, i) => ({
          sign: `source-${i + 1}`,
          type: 'Codeup',
          data: { repo: s.repo, branch: s.branch }
        })),
        flow: `stages:\n${flow}\n`
      }
    }
  }

  /**
   * ListPipelines: `pipelineName` filters fuzzily (here: the name contains it, ignoring case), newest
   * pipeline (highest id) first; `page`, `perPage` (default 10, at most 30); `x-page`, `x-per-page`,
   * `x-total` headers.
   */
  function listPipelines(ctx) {
    const filter = (ctx.query.pipelineName ?? '').toLowerCase()
    const page = Math.max(1, Number(ctx.query.page) || 1)
    const perPage = Math.min(30, Math.max(1, Number(ctx.query.perPage) || 10))
    const items = [...pipelines.values()]
      .filter(p => String(p.name).toLowerCase().includes(filter))
      .sort((a, b) => Number(b.id) - Number(a.id))
      .map(p => ({
        pipelineId: p.id,
        pipelineName: p.name,
        createTime: 1700000000000,
        creatorAccountId: DEFAULT_USER_ID
      }))
    ctx.headers['x-page'] = String(page)
    ctx.headers['x-per-page'] = String(perPage)
    ctx.headers['x-total'] = String(items.length)
    return items.slice((page - 1) * perPage, page * perPage)
  }

  /**
   * PassPipelineValidate / RefusePipelineValidate: 404 for an unknown job, 400 when the job does not
   * wait at a manual gate (not a gate, not waiting yet, or already decided), 403 when the token's
   * user is not one of its validators.
   */
  function decideGate(ctx, kind) {
    const t = settings.now()
    const job = findJob(ctx.run, ctx.vars.jobId, t)
    ctx.run.gateRequests.push({ kind, jobId: Number(ctx.vars.jobId), at: t })
    if (!job) return ctx.fail(404, 'NotFound', 'job not found')
    if (!job.job.gate || job.status !== 'WAITING' || ctx.run.gateDecisions.has(job.job.id)) {
      return ctx.fail(400, 'BadRequest', 'the job is not waiting for a manual validation')
    }
    if (!job.job.gate.validators.includes(settings.userId)) {
      return ctx.fail(403, 'Forbidden', 'the current user is not a validator of this job')
    }
    ctx.run.gateDecisions.set(job.job.id, { kind, at: t })
    return true
  }

  function listRuns(ctx) {
    const runs = [...(runsByPipeline.get(String(ctx.pipeline.id)) ?? [])].reverse()
    const page = Math.max(1, Number(ctx.query.page) || 1)
    const perPage = Math.min(30, Math.max(1, Number(ctx.query.perPage) || 10))
    const items = runs
      .map(run => {
        const state = runState(run, settings.now())
        return {
          pipelineId: ctx.pipeline.id,
          pipelineRunId: run.id,
          status: state.status,
          triggerMode: 1,
          startTime: run.createdAt,
          endTime: state.endTime,
          creatorAccountId: 'sim-user'
        }
      })
      .filter(item => !ctx.query.status || ctx.query.status.split(',').includes(item.status))
    ctx.headers['x-page'] = String(page)
    ctx.headers['x-per-page'] = String(perPage)
    ctx.headers['x-total'] = String(items.length)
    return items.slice((page - 1) * perPage, page * perPage)
  }

  function postRun(ctx) {
    const parsed = parseCreateBody(ctx.body)
    if ('error' in parsed) return ctx.fail(400, 'BadRequest', parsed.error)
    return createRun(ctx.pipeline, parsed.params, ctx.body).id
  }

  function getLatestRun(ctx) {
    const runs = runsByPipeline.get(String(ctx.pipeline.id)) ?? []
    if (runs.length === 0) return ctx.fail(404, 'NotFound', 'pipeline run not found')
    return runJson(ctx.pipeline, runs[runs.length - 1])
  }

  function getRun(ctx) {
    return runJson(ctx.pipeline, ctx.run)
  }

  function stopRun(ctx) {
    const { run } = ctx
    run.stopRequests += 1
    if (settings.refuseRunStop) {
      return ctx.fail(400, 'BadRequest', 'the pipeline run cannot be stopped in its current state')
    }
    const t = settings.now()
    if (!FINAL.has(runState(run, t).status)) run.stoppedAt = t
    return true
  }

  function stopJob(ctx) {
    const t = settings.now()
    const job = findJob(ctx.run, ctx.vars.jobId, t)
    if (!job) return ctx.fail(404, 'NotFound', 'job not found')
    ctx.run.jobStops.push(job.job.id)
    // Stopping a running job ends the run with it: the action's fallback when UpdatePipelineRun is refused.
    if (job.status === 'RUNNING' || job.status === 'WAITING') ctx.run.stoppedAt = t
    return true
  }

  function getJobLog(ctx) {
    const t = settings.now()
    const job = findJob(ctx.run, ctx.vars.jobId, t)
    if (!job) return ctx.fail(404, 'NotFound', 'job not found')
    const lines = logLines(ctx.run, ctx.pipeline, job.job, job, t)
    const runFinal = FINAL.has(runState(ctx.run, t).status)
    return {
      content: lines.length > 0 ? lines.join('\n') + '\n' : '',
      last: lines.length,
      more: !FINAL.has(job.status) && !runFinal
    }
  }

  const buildIdOf = job => job.id * 100

  /** GetPipelineJobSteps: one build, its steps in `buildProcessNodes`. */
  function getJobSteps(ctx) {
    const t = settings.now()
    const job = findJob(ctx.run, ctx.vars.jobId, t)
    if (!job) return ctx.fail(404, 'NotFound', 'job not found')
    const views = stepViews(ctx.run, ctx.pipeline, job.job, job, t)
    const nodes = views.map(v => ({
      stepIndex: v.stepIndex,
      stepName: v.stepName,
      status: v.status,
      running: v.status === 'RUNNING',
      finish: v.finish,
      nodeIndex: v.stepIndex,
      parentIndex: -1,
      stepApiVersion: 'v2'
    }))
    const time = x => (x === undefined ? null : String(x))
    const build = { jobId: job.job.id, buildId: buildIdOf(job.job), actionCode: 'sim-build' }
    return [
      {
        ...build,
        actionName: job.job.name,
        startTime: time(job.startTime),
        endTime: time(job.endTime),
        buildProcessNodes: nodes
      }
    ]
  }

  /**
   * GetPipelineJobStepLog: lines `offset` (from 1) to `offset + limit - 1` written so far; `last`
   * the last line given (offset - 1 when none), `more` until the step is done and all is given.
   */
  function getStepLog(ctx) {
    const t = settings.now()
    const job = findJob(ctx.run, ctx.vars.jobId, t)
    if (!job) return ctx.fail(404, 'NotFound', 'job not found')
    const { stepIndex, buildId, offset, limit } = ctx.query
    const view = stepViews(ctx.run, ctx.pipeline, job.job, job, t)[Number(stepIndex)]
    if (!view || buildId !== String(buildIdOf(job.job))) {
      return ctx.fail(404, 'NotFound', 'step not found')
    }
    const from = Math.max(1, Number(offset) || 1)
    const to = Math.min(view.shown, from - 1 + Math.max(1, Math.min(10000, Number(limit) || 100)))
    const lines = to >= from ? stepLines(view.step, from - 1, to) : []
    return {
      last: Math.max(from - 1, to),
      logs: lines.length > 0 ? lines.join('\n') + '\n' : '',
      more: to < view.shown || !view.finish
    }
  }

  function handle(req, res, body) {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const method = req.method ?? 'GET'
    requests.push({
      method,
      connection: connectionOf.get(req.socket),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body,
      time: settings.now()
    })
    const fault = takeFault(method, url.pathname + url.search)
    if (fault?.delayMs) {
      const timer = setTimeout(() => {
        timers.delete(timer)
        const answers =
          fault.destroy || fault.html || fault.status !== undefined || fault.body !== undefined
        if (answers) answerFault(req, res, fault)
        else serve(req, res, url, method, body)
      }, fault.delayMs)
      timers.add(timer)
      return
    }
    if (fault) return answerFault(req, res, fault)
    serve(req, res, url, method, body)
  }

  // Also runs when the client has gone (timed out during a delayMs fault): like a real server, the
  // request still takes effect, which is how a client timeout can leave a started run behind.
  function serve(req, res, url, method, body) {
    if (req.headers['x-yunxiao-token'] !== settings.token) {
      return fail(
        req,
        res,
        401,
        'InvalidTokenError',
        'the x-yunxiao-token is missing, invalid or expired'
      )
    }
    const segments = url.pathname
      .split('/')
      .filter(Boolean)
      .map(s => decodeURIComponent(s))
    const notFound = message => fail(req, res, 404, 'NotFound', message)
    if (segments.slice(0, 3).join('/') !== 'oapi/v1/flow')
      return notFound(`no such API: ${method} ${url.pathname}`)
    let rest = segments.slice(3)
    const center = rest[0] === 'organizations'
    if (!settings.editions.includes(center ? 'center' : 'region')) {
      return notFound(`no such API: ${method} ${url.pathname}`)
    }
    if (center) {
      if (rest.length < 2) return notFound(`no such API: ${method} ${url.pathname}`)
      if (rest[1] !== settings.organizationId) {
        return fail(
          req,
          res,
          403,
          'Forbidden.InvalidUser.UserNotInCurrentOrganization',
          'the user is not a member of the organization'
        )
      }
      rest = rest.slice(2)
    }
    const match = route(method, rest)
    if (!match) return notFound(`no such API: ${method} ${url.pathname}`)
    const pipeline =
      match.vars.pipelineId === undefined ? undefined : pipelines.get(match.vars.pipelineId)
    if (match.vars.pipelineId !== undefined && !pipeline) return notFound('pipeline not found')
    let run
    if (match.vars.runId !== undefined) {
      run = (runsByPipeline.get(String(pipeline.id)) ?? []).find(
        r => String(r.id) === match.vars.runId
      )
      if (!run) return notFound('pipeline run not found')
    }
    const failed = Symbol('failed')
    const ctx = {
      pipeline,
      run,
      vars: match.vars,
      query: Object.fromEntries(url.searchParams),
      body,
      headers: {},
      fail: (status, code, message) => {
        fail(req, res, status, code, message)
        return failed
      }
    }
    const result = match.handler(ctx)
    if (result !== failed) send(res, 200, result, ctx.headers)
  }

  const onRequest = (req, res) => {
    res.requestId = randomUUID().toUpperCase()
    const chunks = []
    req.on('data', chunk => chunks.push(chunk))
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')))
  }
  // With `tls` ({ key, cert }, PEM), HTTPS: clients trust it through NODE_EXTRA_CA_CERTS.
  const server = options.tls ? createTlsServer(options.tls, onRequest) : createServer(onRequest)
  server.keepAliveTimeout = options.keepAliveMs ?? 5000
  // Connections accepted (over TLS: handshakes done), numbered from 1: what a client's connection
  // reuse shows.
  let connections = 0
  const connectionOf = new WeakMap()
  server.on(options.tls ? 'secureConnection' : 'connection', socket =>
    connectionOf.set(socket, ++connections)
  )
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve(undefined))
  })
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address

  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${address.port}`,
    port: address.port,
    requests,
    connections: () => connections,
    faults,
    addFault,
    startRun(pipelineId, params) {
      const pipeline = pipelines.get(String(pipelineId))
      if (!pipeline) throw new Error(`no pipeline ${pipelineId}`)
      return createRun(
        pipeline,
        params,
        params ? JSON.stringify({ params: JSON.stringify(params) }) : '{}'
      ).id
    },
    setOptions(partial) {
      const { pipelines: defs, ...rest } = partial
      for (const [key, value] of Object.entries(rest))
        if (value !== undefined) settings[key] = value
      if (defs) addPipelines(defs)
    },
    runs(pipelineId) {
      const t = settings.now()
      return (runsByPipeline.get(String(pipelineId)) ?? []).map(run => {
        const state = runState(run, t)
        return {
          id: run.id,
          pipelineId: run.pipelineId,
          params: run.params,
          rawBody: run.rawBody,
          createdAt: run.createdAt,
          status: state.status,
          endTime: state.endTime,
          stopped: run.stoppedAt !== undefined,
          stoppedAt: run.stoppedAt,
          stopRequests: run.stopRequests,
          jobStops: [...run.jobStops],
          gateRequests: run.gateRequests.map(r => ({ ...r })),
          gatesPassed: [...run.gateDecisions]
            .filter(([, d]) => d.kind === 'pass')
            .map(([id]) => id),
          gatesRefused: [...run.gateDecisions]
            .filter(([, d]) => d.kind === 'refuse')
            .map(([id]) => id),
          jobs: state.stages.flatMap((s, i) =>
            s.jobs.map(j => ({
              id: j.job.id,
              stage: run.stages[i].name,
              name: j.job.name,
              status: j.status
            }))
          )
        }
      })
    },
    close() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      return new Promise(resolve => {
        server.close(() => resolve(undefined))
        server.closeAllConnections()
      })
    }
  }
}

/** The default pipeline with its test job failing: the run ends FAIL in its second stage. */
export function failingPipeline() {
  const pipeline = defaultPipeline()
  pipeline.name = 'failing-pipeline'
  pipeline.stages[1].jobs[0].result = 'FAIL'
  return pipeline
}

// CLI: `node simulator/flow-simulator.js [--port 8080] [--host 127.0.0.1] [--token pt-...] [--org sim-org]
// [--failing-pipeline 124]`: serves pipeline 123, which succeeds, and with --failing-pipeline also
// a pipeline of that id whose run ends FAIL (for the self-test workflow and local runs).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string', default: DEFAULT_TOKEN },
      org: { type: 'string', default: DEFAULT_ORGANIZATION_ID },
      'failing-pipeline': { type: 'string' }
    }
  })
  const failing = values['failing-pipeline']
  const sim = await startFlowSimulator({
    port: Number(values.port),
    host: values.host,
    token: values.token,
    organizationId: values.org,
    pipelines: {
      [DEFAULT_PIPELINE_ID]: defaultPipeline(),
      ...(failing ? { [failing]: failingPipeline() } : {})
    }
  })
  console.log(`Yunxiao Flow simulator listening on ${sim.url}`)
  console.log(
    `  token: ${values.token}  organization: ${values.org}  pipeline: ${DEFAULT_PIPELINE_ID}` +
      (failing ? `  failing pipeline: ${failing}` : '')
  )
  const stop = () => void sim.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
