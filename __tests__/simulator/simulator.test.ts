// The Flow simulator, exercised over real loopback HTTP with fetch (no nock interceptors are
// defined here, so nock lets these requests through to the socket).
import { spawn } from 'node:child_process'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  DEFAULT_TOKEN,
  startFlowSimulator,
  type FlowSimulator,
  type FlowSimulatorOptions
} from '../../simulator/flow-simulator.js'

const T0 = 1_700_000_000_000
const CENTER = '/oapi/v1/flow/organizations/sim-org'
const REGION = '/oapi/v1/flow'

let clock = T0
let sim: FlowSimulator | undefined

async function start(options: FlowSimulatorOptions = {}): Promise<FlowSimulator> {
  sim = await startFlowSimulator({ now: () => clock, ...options })
  return sim
}

interface Answer {
  status: number
  headers: Headers
  text: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any
}

async function call(
  method: string,
  path: string,
  init: { body?: string; token?: string | null; headers?: Record<string, string> } = {}
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers }
  if (init.token !== null) headers['x-yunxiao-token'] = init.token ?? DEFAULT_TOKEN
  const res = await fetch(sim!.url + path, { method, headers, body: init.body })
  const text = await res.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, headers: res.headers, text, json }
}

const createRun = (prefix: string, params?: object, pipelineId: number | string = 123) =>
  call('POST', `${prefix}/pipelines/${pipelineId}/runs`, {
    body: params === undefined ? '{}' : JSON.stringify({ params: JSON.stringify(params) })
  })

const getRun = async (prefix: string, runId: number, pipelineId: number | string = 123) =>
  (await call('GET', `${prefix}/pipelines/${pipelineId}/runs/${runId}`)).json

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const stageStatuses = (run: any) => run.stages.map((s: any) => s.stageInfo.status)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const jobsOf = (run: any) => run.stages.flatMap((s: any) => s.stageInfo.jobs)

beforeEach(() => {
  clock = T0
})

afterEach(async () => {
  await sim?.close()
  sim = undefined
})

describe.each([
  ['center', CENTER],
  ['region', REGION]
])('%s edition endpoints', (_edition, prefix) => {
  it('CreatePipelineRun answers a bare per-pipeline sequence number as JSON', async () => {
    await start({ pipelines: { 123: { name: 'a' }, 456: { name: 'b' } } })
    const first = await createRun(prefix)
    expect(first.status).toBe(200)
    expect(first.headers.get('content-type')).toBe('application/json')
    expect(first.text).toBe('1')
    expect((await createRun(prefix, { comment: 'x' })).text).toBe('2')
    expect((await createRun(prefix, undefined, 456)).text).toBe('1')
    expect(sim!.runs(123).map(r => r.id)).toEqual([1, 2])
    expect(sim!.runs(123)[1].params).toEqual({ comment: 'x' })
    expect(sim!.runs(123)[0].params).toBeUndefined()
  })

  it('GetPipelineRun answers the run object with sources, envs and stages', async () => {
    await start()
    const params = {
      envs: { STAGE: 'prod', N: '3' },
      runningBranchs: { 'https://codeup.aliyun.com/sim-org/backend.git': 'feature/x' },
      runningTags: { 'https://codeup.aliyun.com/sim-org/frontend.git': 'v1.2' }
    }
    await createRun(prefix, params)
    const run = await getRun(prefix, 1)
    expect(run).toMatchObject({
      pipelineId: 123,
      pipelineRunId: 1,
      status: 'RUNNING',
      createTime: T0,
      updateTime: T0,
      globalParams: [
        { key: 'STAGE', value: 'prod', encrypted: false },
        { key: 'N', value: '3', encrypted: false }
      ],
      sources: [
        {
          type: 'Codeup',
          data: { repo: 'https://codeup.aliyun.com/sim-org/backend.git', branch: 'feature/x' }
        },
        {
          type: 'Codeup',
          data: {
            repo: 'https://codeup.aliyun.com/sim-org/frontend.git',
            branch: 'main',
            tag: 'v1.2'
          }
        }
      ]
    })
    expect(run.stages.map((s: { index: string; name: string }) => [s.index, s.name])).toEqual([
      ['Group0-Stage0', 'Build'],
      ['Group0-Stage1', 'Test'],
      ['Group0-Stage2', 'Deploy']
    ])
    const jobs = jobsOf(run)
    expect(jobs.map((j: { name: string }) => j.name)).toEqual([
      'Java build',
      'Node build',
      'Unit tests',
      'Deploy to staging'
    ])
    expect(new Set(jobs.map((j: { id: number }) => j.id)).size).toBe(4)
    for (const job of jobs) {
      expect(Number.isInteger(job.id)).toBe(true)
      expect(JSON.parse(job.params)).toEqual({})
      expect(job.actions[0]).toMatchObject({ type: 'LogPipelineJobRun', displayType: 'LOG' })
    }
  })

  it('GetLatestPipelineRun answers the newest run, 404 before any', async () => {
    await start()
    const none = await call('GET', `${prefix}/pipelines/123/runs/latestPipelineRun`)
    expect(none.status).toBe(404)
    await createRun(prefix)
    await createRun(prefix)
    const latest = await call('GET', `${prefix}/pipelines/123/runs/latestPipelineRun`)
    expect(latest.status).toBe(200)
    expect(latest.json.pipelineRunId).toBe(2)
  })

  it('GetPipeline answers the code sources and the flow', async () => {
    await start()
    const res = await call('GET', `${prefix}/pipelines/123`)
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({
      pipelineId: 123,
      name: 'demo-pipeline',
      pipelineConfig: {
        sources: [
          {
            type: 'Codeup',
            data: { repo: 'https://codeup.aliyun.com/sim-org/backend.git', branch: 'master' }
          },
          {
            type: 'Codeup',
            data: { repo: 'https://codeup.aliyun.com/sim-org/frontend.git', branch: 'main' }
          }
        ]
      }
    })
    expect(res.json.pipelineConfig.flow).toContain('Deploy')
  })

  it('ListPipelineRuns pages newest first with x-page and x-total', async () => {
    await start()
    for (let i = 0; i < 3; i++) await createRun(prefix)
    const res = await call('GET', `${prefix}/pipelines/123/runs?page=1&perPage=2`)
    expect(res.json.map((r: { pipelineRunId: number }) => r.pipelineRunId)).toEqual([3, 2])
    expect(res.headers.get('x-total')).toBe('3')
    expect(res.headers.get('x-page')).toBe('1')
  })

  it('UpdatePipelineRun stops the run and answers true', async () => {
    await start()
    await createRun(prefix)
    clock += 400
    const res = await call('PUT', `${prefix}/pipelines/123/runs/1`)
    expect(res.status).toBe(200)
    expect(res.json).toBe(true)
    expect((await getRun(prefix, 1)).status).toBe('CANCELED')
  })

  it('StopPipelineJobRun stops a running job and answers true', async () => {
    await start()
    await createRun(prefix)
    const jobId = jobsOf(await getRun(prefix, 1))[0].id
    const res = await call('PUT', `${prefix}/pipelines/123/pipelineRuns/1/jobs/${jobId}/stop`)
    expect(res.json).toBe(true)
    expect(sim!.runs(123)[0].jobStops).toEqual([jobId])
    expect((await getRun(prefix, 1)).status).toBe('CANCELED')
  })

  it('GetPipelineJobRunLog answers content, last and more', async () => {
    await start()
    await createRun(prefix)
    clock += 10_000
    const jobId = jobsOf(await getRun(prefix, 1))[2].id
    const res = await call('GET', `${prefix}/pipelines/123/runs/1/job/${jobId}/log`)
    expect(res.status).toBe(200)
    expect(res.json.more).toBe(false)
    expect(res.json.content).toContain('Unit tests')
    expect(res.json.last).toBe(res.json.content.trimEnd().split('\n').length)
  })
})

describe('errors', () => {
  it('answers 401 InvalidTokenError for a missing or wrong token, before any routing', async () => {
    await start()
    for (const token of [null, 'pt-wrong']) {
      const res = await call('GET', `${CENTER}/pipelines/999/runs/1`, { token })
      expect(res.status).toBe(401)
      expect(res.json.errorCode).toBe('InvalidTokenError')
      expect(typeof res.json.errorMessage).toBe('string')
      expect(res.json.requestId).toBe(res.headers.get('x-acs-request-id'))
    }
    const otherOrg = await call('GET', '/oapi/v1/flow/organizations/other/pipelines/123', {
      token: 'x'
    })
    expect(otherOrg.status).toBe(401)
    expect(sim!.runs(999)).toEqual([])
  })

  it('answers 403 for another organization on center paths', async () => {
    await start({ organizationId: 'org-a' })
    const res = await call('POST', '/oapi/v1/flow/organizations/org-b/pipelines/123/runs', {
      body: '{}'
    })
    expect(res.status).toBe(403)
    expect(res.json.errorCode).toBe('Forbidden.InvalidUser.UserNotInCurrentOrganization')
    expect(sim!.runs(123)).toEqual([])
    expect((await call('GET', '/oapi/v1/flow/organizations/org-a/pipelines/123')).status).toBe(200)
  })

  it('answers 404 for an unknown pipeline, run, job or route', async () => {
    await start()
    const pipeline = await call('POST', `${CENTER}/pipelines/999/runs`, { body: '{}' })
    expect(pipeline.status).toBe(404)
    expect(pipeline.json).toMatchObject({
      errorCode: 'NotFound',
      errorMessage: 'pipeline not found'
    })
    expect(pipeline.json.requestId).toEqual(expect.any(String))
    expect((await call('GET', `${CENTER}/pipelines/123/runs/5`)).status).toBe(404)
    expect((await call('PUT', `${CENTER}/pipelines/123/runs/5`)).status).toBe(404)
    await createRun(CENTER)
    expect((await call('GET', `${CENTER}/pipelines/123/runs/1/job/1/log`)).status).toBe(404)
    expect((await call('PUT', `${CENTER}/pipelines/123/pipelineRuns/1/jobs/1/stop`)).status).toBe(
      404
    )
    for (const path of ['/', '/oapi/v1/flow/repos', `${CENTER}/pipelines/123/runs/1/steps`]) {
      const res = await call('GET', path)
      expect(res.status).toBe(404)
      expect(res.json.errorCode).toBe('NotFound')
    }
    expect((await call('DELETE', `${CENTER}/pipelines/123`)).status).toBe(404)
  })

  it('serves only the configured editions', async () => {
    await start({ editions: ['center'] })
    expect((await createRun(REGION)).status).toBe(404)
    expect((await createRun(CENTER)).status).toBe(200)
    await sim!.close()
    await start({ editions: ['region'] })
    expect((await createRun(CENTER)).status).toBe(404)
    expect((await createRun(REGION)).status).toBe(200)
  })

  it('quotes the received token in error bodies with echoToken', async () => {
    await start({ echoToken: true })
    const wrong = await call('GET', `${CENTER}/pipelines/123`, { token: 'pt-wrong-secret' })
    expect(wrong.text).toContain('pt-wrong-secret')
    const notFound = await call('GET', `${CENTER}/pipelines/999`)
    expect(notFound.json.errorMessage).toContain(DEFAULT_TOKEN)
  })
})

describe('CreatePipelineRun body validation', () => {
  it.each([
    ['not JSON', '{"params": '],
    ['a JSON array', '[]'],
    ['params not a string', JSON.stringify({ params: { envs: {} } })],
    ['params not JSON', JSON.stringify({ params: '{envs: 1}' })],
    ['params a JSON array', JSON.stringify({ params: '[1]' })],
    ['params JSON null', JSON.stringify({ params: 'null' })]
  ])('answers 400 BadRequest when the body is %s', async (_case, body) => {
    await start()
    const res = await call('POST', `${CENTER}/pipelines/123/runs`, { body })
    expect(res.status).toBe(400)
    expect(res.json.errorCode).toBe('BadRequest')
    expect(res.json.errorMessage).toMatch(/JSON|params/)
    expect(sim!.runs(123)).toEqual([])
  })

  it('accepts an empty body and {} and records the raw body and parsed params', async () => {
    await start()
    expect((await call('POST', `${CENTER}/pipelines/123/runs`)).text).toBe('1')
    expect((await call('POST', `${CENTER}/pipelines/123/runs`, { body: '{}' })).text).toBe('2')
    const body = JSON.stringify({ params: JSON.stringify({ branchModeBranchs: ['a', 'b'] }) })
    expect((await call('POST', `${CENTER}/pipelines/123/runs`, { body })).text).toBe('3')
    const runs = sim!.runs(123)
    expect(runs.map(r => r.rawBody)).toEqual(['', '{}', body])
    expect(runs[2].params).toEqual({ branchModeBranchs: ['a', 'b'] })
  })
})

describe('run progress on the injected clock', () => {
  it('runs stages one after another and jobs of a stage in parallel to SUCCESS', async () => {
    await start({
      pipelines: {
        7: {
          name: 'Shop API',
          stages: [
            {
              name: 'Build',
              jobs: [
                { name: 'a', durationMs: 1000 },
                { name: 'b', durationMs: 1500, outputs: { tag: 'v9' } }
              ]
            },
            { name: 'Deploy', jobs: [{ name: 'c', durationMs: 500 }] }
          ]
        }
      }
    })
    await createRun(CENTER, undefined, 7)

    let run = await getRun(CENTER, 1, 7)
    expect(run.status).toBe('RUNNING')
    expect(stageStatuses(run)).toEqual(['RUNNING', 'INIT'])
    expect(run.stages[1].stageInfo.startTime).toBeUndefined()
    expect(jobsOf(run).map((j: { status: string }) => j.status)).toEqual([
      'RUNNING',
      'RUNNING',
      'INIT'
    ])

    clock = T0 + 1200
    run = await getRun(CENTER, 1, 7)
    expect(jobsOf(run).map((j: { status: string }) => j.status)).toEqual([
      'SUCCESS',
      'RUNNING',
      'INIT'
    ])
    expect(jobsOf(run)[0]).toMatchObject({ startTime: T0, endTime: T0 + 1000 })
    expect(run.updateTime).toBe(T0 + 1000)
    expect(sim!.runs(7)[0].status).toBe('RUNNING')

    clock = T0 + 1600
    run = await getRun(CENTER, 1, 7)
    expect(stageStatuses(run)).toEqual(['SUCCESS', 'RUNNING'])
    expect(run.stages[0].stageInfo).toMatchObject({ startTime: T0, endTime: T0 + 1500 })
    expect(run.stages[1].stageInfo.startTime).toBe(T0 + 1500)

    clock = T0 + 2000
    run = await getRun(CENTER, 1, 7)
    expect(run.status).toBe('SUCCESS')
    expect(run.updateTime).toBe(T0 + 2000)
    expect(stageStatuses(run)).toEqual(['SUCCESS', 'SUCCESS'])
    expect(JSON.parse(jobsOf(run)[1].result)).toEqual({ tag: 'v9' })
    expect(JSON.parse(jobsOf(run)[0].result)).toEqual({
      image: 'registry.cn-hangzhou.aliyuncs.com/sim-org/shop-api:1.0.1',
      imageTag: '1.0.1'
    })
    expect(sim!.runs(7)[0]).toMatchObject({ status: 'SUCCESS', endTime: T0 + 2000, stopped: false })
  })

  it('keeps a new run RUNNING with every stage INIT during runDelayMs', async () => {
    await start({ runDelayMs: 3000 })
    await createRun(CENTER)
    clock = T0 + 2999
    let run = await getRun(CENTER, 1)
    expect(run.status).toBe('RUNNING')
    expect(stageStatuses(run)).toEqual(['INIT', 'INIT', 'INIT'])
    clock = T0 + 3000
    run = await getRun(CENTER, 1)
    expect(stageStatuses(run)).toEqual(['RUNNING', 'INIT', 'INIT'])
  })

  it('fails the stage and the run when a job fails; later stages never start', async () => {
    await start({
      pipelines: {
        8: {
          stages: [
            {
              name: 'Build',
              jobs: [
                { name: 'compile', durationMs: 500, result: 'FAIL' },
                { name: 'lint', durationMs: 1000 }
              ]
            },
            { name: 'Deploy', jobs: [{ name: 'deploy', durationMs: 500 }] }
          ]
        }
      }
    })
    await createRun(REGION, undefined, 8)

    clock = T0 + 700
    let run = await getRun(REGION, 1, 8)
    expect(run.status).toBe('RUNNING') // the parallel job still runs
    expect(jobsOf(run).map((j: { status: string }) => j.status)).toEqual([
      'FAIL',
      'RUNNING',
      'INIT'
    ])

    clock = T0 + 60_000
    run = await getRun(REGION, 1, 8)
    expect(run.status).toBe('FAIL')
    expect(stageStatuses(run)).toEqual(['FAIL', 'INIT'])
    expect(run.stages[1].stageInfo.startTime).toBeUndefined()
    expect(jobsOf(run)[2]).toMatchObject({ status: 'INIT', result: '{}' })
    expect(sim!.runs(8)[0].endTime).toBe(T0 + 1000)

    const failedJob = jobsOf(run)[0]
    const log = await call('GET', `${REGION}/pipelines/8/runs/1/job/${failedJob.id}/log`)
    const lines = log.json.content.trimEnd().split('\n')
    expect(lines[0]).toContain('compile')
    expect(lines[lines.length - 1]).toMatch(/^\[ERROR\].*compile.*failed/)
  })

  it('reports WAITING while a job waits, then RUNNING and its result', async () => {
    await start({
      pipelines: {
        9: {
          stages: [
            { name: 'Build', jobs: [{ name: 'build', durationMs: 100 }] },
            { name: 'Approve', jobs: [{ name: 'approval', waitingMs: 5000, durationMs: 100 }] }
          ]
        }
      }
    })
    await createRun(CENTER, undefined, 9)
    clock = T0 + 200
    let run = await getRun(CENTER, 1, 9)
    expect(run.status).toBe('WAITING')
    expect(run.stages[1].stageInfo.status).toBe('WAITING')
    expect(jobsOf(run)[1]).toMatchObject({ status: 'WAITING', startTime: T0 + 100 })
    const log = await call('GET', `${CENTER}/pipelines/9/runs/1/job/${jobsOf(run)[1].id}/log`)
    expect(log.json).toMatchObject({ more: true })
    expect(log.json.content).toContain('waiting')

    clock = T0 + 5150
    run = await getRun(CENTER, 1, 9)
    expect(run.status).toBe('RUNNING')
    clock = T0 + 5200
    expect((await getRun(CENTER, 1, 9)).status).toBe('SUCCESS')
  })

  it('gives job ids that are unique integers across runs', async () => {
    await start()
    await createRun(CENTER)
    await createRun(CENTER)
    const ids = [...jobsOf(await getRun(CENTER, 1)), ...jobsOf(await getRun(CENTER, 2))].map(
      (j: { id: number }) => j.id
    )
    expect(new Set(ids).size).toBe(8)
  })
})

describe('stopping runs', () => {
  it('cancels running stages and jobs at the stop time and leaves the rest INIT', async () => {
    await start()
    await createRun(CENTER)
    clock = T0 + 1500 // second stage running
    expect((await call('PUT', `${CENTER}/pipelines/123/runs/1`)).json).toBe(true)
    clock = T0 + 60_000
    const run = await getRun(CENTER, 1)
    expect(run.status).toBe('CANCELED')
    expect(run.updateTime).toBe(T0 + 1500)
    expect(stageStatuses(run)).toEqual(['SUCCESS', 'CANCELED', 'INIT'])
    expect(run.stages[1].stageInfo).toMatchObject({ endTime: T0 + 1500 })
    expect(jobsOf(run)[2]).toMatchObject({ status: 'CANCELED', endTime: T0 + 1500 })
    expect(sim!.runs(123)[0]).toMatchObject({
      status: 'CANCELED',
      stopped: true,
      stoppedAt: T0 + 1500,
      stopRequests: 1,
      endTime: T0 + 1500
    })
    const log = await call('GET', `${CENTER}/pipelines/123/runs/1/job/${jobsOf(run)[2].id}/log`)
    expect(log.json.content.trimEnd().split('\n').pop()).toMatch(/canceled/)
    expect(log.json.more).toBe(false)
  })

  it('answers true and changes nothing when the run already ended', async () => {
    await start()
    await createRun(CENTER)
    clock = T0 + 10_000
    expect((await call('PUT', `${CENTER}/pipelines/123/runs/1`)).json).toBe(true)
    expect((await getRun(CENTER, 1)).status).toBe('SUCCESS')
    expect(sim!.runs(123)[0]).toMatchObject({ stopped: false, stopRequests: 1 })
  })

  it('refuses UpdatePipelineRun with refuseRunStop; stopping each running job cancels the run', async () => {
    await start({ refuseRunStop: true })
    await createRun(CENTER)
    clock = T0 + 300
    const refused = await call('PUT', `${CENTER}/pipelines/123/runs/1`)
    expect(refused.status).toBe(400)
    expect(refused.json.errorCode).toBe('BadRequest')
    expect(refused.json.errorMessage).toEqual(expect.any(String))
    let run = await getRun(CENTER, 1)
    expect(run.status).toBe('RUNNING')
    expect(sim!.runs(123)[0]).toMatchObject({ stopped: false, stopRequests: 1 })

    const [java, node, later] = jobsOf(run)
    for (const job of [java, node]) {
      const res = await call('PUT', `${CENTER}/pipelines/123/pipelineRuns/1/jobs/${job.id}/stop`)
      expect(res.json).toBe(true)
    }
    run = await getRun(CENTER, 1)
    expect(run.status).toBe('CANCELED')
    expect(jobsOf(run).map((j: { status: string }) => j.status)).toEqual([
      'CANCELED',
      'CANCELED',
      'INIT',
      'INIT'
    ])
    expect(sim!.runs(123)[0]).toMatchObject({ jobStops: [java.id, node.id], stoppedAt: T0 + 300 })
    // A job that never ran: a no-op that still answers true.
    expect(
      (await call('PUT', `${CENTER}/pipelines/123/pipelineRuns/1/jobs/${later.id}/stop`)).json
    ).toBe(true)

    sim!.setOptions({ refuseRunStop: false })
    await createRun(CENTER)
    expect((await call('PUT', `${CENTER}/pipelines/123/runs/2`)).json).toBe(true)
  })

  it('shows a running job its log so far with more: true', async () => {
    await start({
      pipelines: { 5: { stages: [{ name: 'S', jobs: [{ name: 'long', durationMs: 10_000 }] }] } }
    })
    await createRun(CENTER, undefined, 5)
    clock = T0 + 5000
    const jobId = jobsOf(await getRun(CENTER, 1, 5))[0].id
    const part = (await call('GET', `${CENTER}/pipelines/5/runs/1/job/${jobId}/log`)).json
    expect(part.more).toBe(true)
    clock = T0 + 10_000
    const full = (await call('GET', `${CENTER}/pipelines/5/runs/1/job/${jobId}/log`)).json
    expect(full.more).toBe(false)
    expect(full.last).toBeGreaterThan(part.last)
    expect(full.content.startsWith(part.content)).toBe(true)
  })

  it('serves a custom job log as written', async () => {
    await start({
      pipelines: {
        5: { stages: [{ name: 'S', jobs: [{ name: 'j', durationMs: 0, log: 'one\ntwo' }] }] }
      }
    })
    await createRun(CENTER, undefined, 5)
    const jobId = jobsOf(await getRun(CENTER, 1, 5))[0].id
    expect((await call('GET', `${CENTER}/pipelines/5/runs/1/job/${jobId}/log`)).json).toEqual({
      content: 'one\ntwo\n',
      last: 2,
      more: false
    })
  })
})

describe('faults', () => {
  it('answers a queued status with headers, then serves normally', async () => {
    await start()
    sim!.addFault({ method: 'POST', path: '/runs', status: 429, headers: { 'retry-after': '2' } })
    const limited = await createRun(CENTER)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('2')
    expect(limited.json.errorCode).toBe('TooManyRequests')
    expect(sim!.runs(123)).toEqual([])
    expect((await createRun(CENTER)).text).toBe('1')
    expect(sim!.faults).toEqual([])
  })

  it('consumes a fault `times` times and only for matching method and path', async () => {
    await start({ faults: [{ method: 'GET', path: /\/runs\/1$/, status: 503, times: 2 }] })
    await createRun(CENTER) // POST does not match
    expect((await call('GET', `${CENTER}/pipelines/123`)).status).toBe(200) // path does not match
    expect((await call('GET', `${CENTER}/pipelines/123/runs/1`)).status).toBe(503)
    expect((await call('GET', `${REGION}/pipelines/123/runs/1`)).status).toBe(503)
    expect((await call('GET', `${CENTER}/pipelines/123/runs/1`)).status).toBe(200)
  })

  it('answers a custom body as given', async () => {
    await start({
      faults: [
        { status: 200, body: '"42"' },
        { status: 502, body: { code: 'Oops' } }
      ]
    })
    expect((await createRun(CENTER)).text).toBe('"42"')
    expect((await createRun(CENTER)).json).toEqual({ code: 'Oops' })
  })

  it('answers an HTML login page with 200, even before the token check', async () => {
    await start()
    sim!.addFault({ html: true })
    const res = await call('POST', `${CENTER}/pipelines/123/runs`, { body: '{}', token: null })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(res.text).toMatch(/^<!DOCTYPE html>/)
    expect(sim!.runs(123)).toEqual([])
  })

  it('closes the socket without answering with destroy', async () => {
    await start()
    sim!.addFault({ path: '/runs', destroy: true })
    await expect(createRun(CENTER)).rejects.toThrow()
    expect(sim!.requests).toHaveLength(1)
    expect(sim!.runs(123)).toEqual([])
    expect((await createRun(CENTER)).text).toBe('1')
  })

  it('delays the answer with delayMs, then answers the fault or serves normally', async () => {
    await start()
    sim!.addFault({ delayMs: 20, status: 500 })
    sim!.addFault({ delayMs: 20 })
    expect((await createRun(CENTER)).status).toBe(500)
    expect((await createRun(CENTER)).text).toBe('1')
  })

  it('still creates the run when the client gave up during the delay', async () => {
    await start()
    sim!.addFault({ method: 'POST', delayMs: 100 })
    const controller = new AbortController()
    const res = fetch(`${sim!.url}${CENTER}/pipelines/123/runs`, {
      method: 'POST',
      headers: { 'x-yunxiao-token': DEFAULT_TOKEN },
      body: '{}',
      signal: controller.signal
    })
    res.catch(() => undefined)
    // Give up only once the server has the whole request (it records it before the delay), and
    // wait for the run a bounded time: a run that never comes fails here, not by a hang.
    const until = async (done: () => boolean, what: string) => {
      for (let tries = 0; !done(); tries++) {
        if (tries > 1000) throw new Error(`gave up waiting for ${what}`)
        await new Promise(resolve => setTimeout(resolve, 5))
      }
    }
    await until(() => sim!.requests.length === 1, 'the request to reach the simulator')
    controller.abort()
    await expect(res).rejects.toThrow()
    await until(() => sim!.runs(123).length > 0, 'the run')
    expect(sim!.runs(123).map(r => r.id)).toEqual([1])
  })

  it('hangs a request with a long delayMs; close() ends it', async () => {
    await start()
    sim!.addFault({ delayMs: 600_000 })
    const pending = createRun(CENTER)
    pending.catch(() => undefined)
    while (sim!.requests.length === 0) await new Promise(resolve => setTimeout(resolve, 5))
    expect(sim!.runs(123)).toEqual([])
    await sim!.close()
    await expect(pending).rejects.toThrow()
    sim = undefined
  })
})

describe('recording and options', () => {
  it('records every request with lowercased headers, query, body and clock time', async () => {
    await start()
    clock = T0 + 42
    await call('POST', `${CENTER}/pipelines/123/runs?x=1`, {
      body: '{}',
      headers: { 'User-Agent': 'yunxiao-flow-action/1.0.0', Accept: 'application/json' }
    })
    await call('GET', `${REGION}/pipelines/123`, { token: 'pt-bad' })
    expect(sim!.requests).toHaveLength(2)
    expect(sim!.requests[0]).toMatchObject({
      method: 'POST',
      path: `${CENTER}/pipelines/123/runs`,
      query: { x: '1' },
      body: '{}',
      time: T0 + 42
    })
    expect(sim!.requests[0].headers).toMatchObject({
      'x-yunxiao-token': DEFAULT_TOKEN,
      'user-agent': 'yunxiao-flow-action/1.0.0',
      accept: 'application/json',
      'content-type': 'application/json'
    })
    expect(sim!.requests[1]).toMatchObject({ method: 'GET', body: '' })
    expect(sim!.requests[1].headers['x-yunxiao-token']).toBe('pt-bad')
  })

  it('takes a custom token and new pipelines through setOptions', async () => {
    await start({ token: 'pt-custom' })
    expect((await createRun(CENTER)).status).toBe(401)
    expect(
      (await call('POST', `${CENTER}/pipelines/123/runs`, { token: 'pt-custom' })).status
    ).toBe(200)
    sim!.setOptions({ token: DEFAULT_TOKEN, pipelines: { 77: { name: 'added' } } })
    expect((await call('GET', `${CENTER}/pipelines/77`)).json.name).toBe('added')
    expect((await createRun(CENTER)).status).toBe(200)
  })

  it('runs from the command line with a token and a failing pipeline, and prints its URL', async () => {
    const args = ['--port', '0', '--token', 'pt-cli', '--failing-pipeline', '124']
    const child = spawn(process.execPath, ['simulator/flow-simulator.js', ...args], {
      stdio: ['ignore', 'pipe', 'inherit']
    })
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString()
          const match = /listening on (http:\/\/\S+)/.exec(out)
          if (match) resolve(match[1])
        })
        child.once('exit', code => reject(new Error(`simulator exited with ${code}`)))
      })
      const headers = { 'x-yunxiao-token': 'pt-cli' }
      const at = (path: string, init: RequestInit = {}) =>
        fetch(`${url}${CENTER}/pipelines${path}`, { headers, ...init })
      expect((await at('/123', { headers: { 'x-yunxiao-token': DEFAULT_TOKEN } })).status).toBe(401)
      expect((await at('/123')).status).toBe(200)
      // Pipeline 124 runs the default stages (1 s jobs) and fails in the second.
      expect(await (await at('/124/runs', { method: 'POST', body: '{}' })).json()).toBe(1)
      let run: { status: string; stages: { stageInfo: { status: string } }[] }
      for (let tries = 0; ; tries++) {
        run = (await (await at('/124/runs/1')).json()) as typeof run
        if (['SUCCESS', 'FAIL', 'CANCELED'].includes(run.status) || tries > 200) break
        await new Promise(resolve => setTimeout(resolve, 50))
      }
      expect(run.status).toBe('FAIL')
      expect(run.stages.map(st => st.stageInfo.status)).toEqual(['SUCCESS', 'FAIL', 'INIT'])
    } finally {
      const exited = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGINT')
      await exited
    }
  })
})

describe('pipeline definitions', () => {
  it('rejects a job result other than SUCCESS or FAIL', async () => {
    const pipelines = { 1: { stages: [{ name: 'S', jobs: [{ name: 'j', result: 'OK' }] }] } }
    await expect(
      startFlowSimulator({ pipelines } as unknown as FlowSimulatorOptions)
    ).rejects.toThrow(/job "j": result must be 'SUCCESS' or 'FAIL'/)
  })

  it('serves a pipeline without code sources', async () => {
    await start({ pipelines: { 3: { name: 'no-src', stages: [] } } })
    expect((await call('GET', `${CENTER}/pipelines/3`)).json.pipelineConfig.sources).toEqual([])
    await createRun(CENTER, { branchModeBranchs: ['dev'] }, 3)
    const run = await getRun(CENTER, 1, 3)
    expect(run).toMatchObject({ status: 'SUCCESS', sources: [], stages: [] })
  })
})

describe('ListPipelines', () => {
  const named = (names: string[], first = 1) =>
    Object.fromEntries(names.map((name, i) => [first + i, { name, stages: [] }]))

  it('filters fuzzily (contains, any case), newest first, with paging headers', async () => {
    await start({
      pipelines: named(['shop-deploy', 'Shop-Deploy-canary', 'billing', '商城-生产部署'])
    })
    const all = await call('GET', `${CENTER}/pipelines?pipelineName=shop-deploy&page=1&perPage=30`)
    expect(all.status).toBe(200)
    expect(all.json).toEqual([
      expect.objectContaining({ pipelineId: 2, pipelineName: 'Shop-Deploy-canary' }),
      expect.objectContaining({ pipelineId: 1, pipelineName: 'shop-deploy' })
    ])
    expect(all.headers.get('x-total')).toBe('2')
    const chinese = await call(
      'GET',
      `${REGION}/pipelines?pipelineName=${encodeURIComponent('生产')}`
    )
    expect(chinese.json.map((p: { pipelineName: string }) => p.pipelineName)).toEqual([
      '商城-生产部署'
    ])
  })

  it('pages at most 30 at a time', async () => {
    await start({ pipelines: named(Array.from({ length: 35 }, (_, i) => `svc-${i}`)) })
    const page1 = await call('GET', `${CENTER}/pipelines?pipelineName=svc&page=1&perPage=50`)
    const page2 = await call('GET', `${CENTER}/pipelines?pipelineName=svc&page=2&perPage=30`)
    expect([page1.json.length, page2.json.length]).toEqual([30, 5])
    expect(page2.headers.get('x-page')).toBe('2')
    expect(page2.headers.get('x-total')).toBe('35')
  })
})

describe('manual gates', () => {
  const gated = (gate: boolean | { validators: string[] } = true) => ({
    7: {
      name: 'gated',
      stages: [
        { name: 'Build', jobs: [{ name: 'Compile', durationMs: 1000 }] },
        { name: 'Approve', jobs: [{ name: 'Release approval', durationMs: 500, gate }] },
        { name: 'Deploy', jobs: [{ name: 'Deploy', durationMs: 1000 }] }
      ]
    }
  })
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const gateJob = (run: any) => run.stages[1].stageInfo.jobs[0]
  const decide = (kind: 'pass' | 'refuse', runId: number, jobId: number) =>
    call('POST', `${CENTER}/pipelines/7/pipelineRuns/${runId}/jobs/${jobId}/${kind}`)

  it('waits until passed, then runs on; passing twice is refused', async () => {
    await start({ pipelines: gated() })
    await createRun(CENTER, undefined, 7)
    clock = T0 + 60_000
    let run = await getRun(CENTER, 1, 7)
    expect(run.status).toBe('WAITING')
    expect(stageStatuses(run)).toEqual(['SUCCESS', 'WAITING', 'INIT'])
    const job = gateJob(run)
    expect(job.status).toBe('WAITING')
    expect(job.actions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'PassPipelineValidate',
          disable: false,
          params: { validators: ['sim-user'] }
        }),
        expect.objectContaining({ type: 'RefusePipelineValidate', disable: false })
      ])
    )
    const passed = await decide('pass', 1, job.id)
    expect([passed.status, passed.text]).toEqual([200, 'true'])
    expect((await decide('pass', 1, job.id)).status).toBe(400)
    clock = T0 + 60_000 + 100
    run = await getRun(CENTER, 1, 7)
    expect(gateJob(run).status).toBe('RUNNING')
    expect(gateJob(run).actions.map((a: { type: string }) => a.type)).toEqual(['LogPipelineJobRun'])
    clock = T0 + 60_000 + 1600
    run = await getRun(CENTER, 1, 7)
    expect(run.status).toBe('SUCCESS')
    expect(sim!.runs(7)[0]).toMatchObject({ gatesPassed: [job.id], gatesRefused: [] })
  })

  it('refusing fails the gate job and the run', async () => {
    await start({ pipelines: gated() })
    await createRun(CENTER, undefined, 7)
    clock = T0 + 5000
    const job = gateJob(await getRun(CENTER, 1, 7))
    expect((await decide('refuse', 1, job.id)).status).toBe(200)
    const run = await getRun(CENTER, 1, 7)
    expect(run.status).toBe('FAIL')
    expect(stageStatuses(run)).toEqual(['SUCCESS', 'FAIL', 'INIT'])
  })

  it('a gate whose validators do not include the token user: disable true, and 403', async () => {
    await start({ pipelines: gated({ validators: ['someone-else'] }) })
    await createRun(CENTER, undefined, 7)
    clock = T0 + 5000
    const job = gateJob(await getRun(CENTER, 1, 7))
    expect(
      job.actions.find((a: { type: string }) => a.type === 'PassPipelineValidate')
    ).toMatchObject({
      disable: true,
      params: { validators: ['someone-else'] }
    })
    const answer = await decide('pass', 1, job.id)
    expect(answer.status).toBe(403)
    expect(answer.json.errorCode).toBe('Forbidden')
    expect((await getRun(CENTER, 1, 7)).status).toBe('WAITING')
    expect(sim!.runs(7)[0].gateRequests).toEqual([{ kind: 'pass', jobId: job.id, at: clock }])
  })

  it('a job that does not wait at a gate cannot be passed', async () => {
    await start({ pipelines: gated() })
    await createRun(CENTER, undefined, 7)
    const compile = (await getRun(CENTER, 1, 7)).stages[0].stageInfo.jobs[0]
    expect((await decide('pass', 1, compile.id)).status).toBe(400)
    expect((await decide('pass', 1, 999999)).status).toBe(404)
  })

  it('stopping a run that waits at a gate cancels it', async () => {
    await start({ pipelines: gated() })
    await createRun(CENTER, undefined, 7)
    clock = T0 + 5000
    expect((await call('PUT', `${CENTER}/pipelines/7/runs/1`)).text).toBe('true')
    clock = T0 + 6000
    expect((await getRun(CENTER, 1, 7)).status).toBe('CANCELED')
  })

  it('startRun starts a run as Yunxiao itself would; GetLatestPipelineRun finds it', async () => {
    await start({ pipelines: gated() })
    await createRun(CENTER, undefined, 7)
    expect(sim!.startRun(7, { comment: 'git push' })).toBe(2)
    const latest = await call('GET', `${CENTER}/pipelines/7/runs/latestPipelineRun`)
    expect(latest.json.pipelineRunId).toBe(2)
  })
})

describe('step logs (GetPipelineJobSteps, GetPipelineJobStepLog)', () => {
  const pipelines = {
    5: {
      name: 'steps',
      stages: [
        {
          name: 'S',
          jobs: [
            {
              name: 'J',
              durationMs: 2000,
              steps: [
                { name: 'one', log: 'a1\na2\na3\na4' },
                { name: 'two', lineCount: 3, lineBytes: 20 }
              ]
            }
          ]
        }
      ]
    }
  }

  it.each([CENTER, REGION])(
    '%s: steps grow while the job runs, read by offset and limit',
    async prefix => {
      await start({ pipelines })
      const runId = (await createRun(prefix, undefined, 5)).json
      const run = await getRun(prefix, runId, 5)
      const jobId = run.stages[0].stageInfo.jobs[0].id
      const base = `${prefix}/pipelines/5/pipelineRuns/${runId}/jobs/${jobId}`
      const steps = async () => (await call('GET', `${base}/steps`)).json
      const log = async (stepIndex: number, offset: number, limit = 10) =>
        (
          await call(
            'GET',
            `${base}/step/log?stepIndex=${stepIndex}&offset=${offset}&limit=${limit}&buildId=${jobId * 100}`
          )
        ).json

      clock = T0 + 500 // half of step one's share
      const [build] = await steps()
      expect(build).toMatchObject({ jobId, buildId: jobId * 100, actionName: 'J' })
      expect(build.buildProcessNodes.map((n: { status: string }) => n.status)).toEqual([
        'RUNNING',
        'INIT'
      ])
      expect(await log(0, 1)).toEqual({ last: 2, logs: 'a1\na2\n', more: true })
      expect(await log(0, 3)).toEqual({ last: 2, logs: '', more: true })
      expect(await log(1, 1)).toEqual({ last: 0, logs: '', more: true })

      clock = T0 + 2000 // the job has ended
      expect(await log(0, 3, 1)).toEqual({ last: 3, logs: 'a3\n', more: true })
      expect(await log(0, 4)).toEqual({ last: 4, logs: 'a4\n', more: false })
      const two = await log(1, 1)
      expect(two.last).toBe(3)
      expect(two.logs.split('\n')[0]).toBe('two: line 1 ........')
      expect(two.more).toBe(false)
      expect(
        (await steps())[0].buildProcessNodes.map((n: { finish: boolean }) => n.finish)
      ).toEqual([true, true])
      expect(
        (await call('GET', `${base}/step/log?stepIndex=0&offset=1&limit=5&buildId=1`)).status
      ).toBe(404)
    }
  )
})
