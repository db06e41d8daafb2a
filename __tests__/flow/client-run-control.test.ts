// The Flow client's operations for run control: ListPipelines, GetLatestPipelineRun and
// PassPipelineValidate (paths, answers, and which failures are tried again).
import { describe, expect, it } from '@jest/globals'
import http from 'node:http'
import nock from 'nock'
import { CENTER, ORG, REGION, counted, failure, harness, listen } from '../support/flow-client.js'

const PIPELINES = `/oapi/v1/flow/organizations/${ORG}/pipelines`
const PASS = `/oapi/v1/flow/organizations/${ORG}/pipelines/42/pipelineRuns/3/jobs/9/pass`

describe('listPipelines', () => {
  it('sends the name, page and perPage 30, and reads the list and x-total', async () => {
    nock(CENTER)
      .get(PIPELINES)
      .query({ pipelineName: '商城 部署', page: '2', perPage: '30' })
      .reply(
        200,
        [
          { pipelineId: 7, pipelineName: '商城 部署', createTime: 1 },
          { pipelineId: '8', pipelineName: 'x' }
        ],
        {
          'x-total': '32'
        }
      )
    const { client } = harness()
    const page = await client.listPipelines('商城 部署', 2)
    expect(page.total).toBe(32)
    expect(page.size).toBe(2)
    expect(page.pipelines).toEqual([
      { pipelineId: 7, pipelineName: '商城 部署', createTime: 1 },
      { pipelineId: 8, pipelineName: 'x' }
    ])
  })

  it('Region edition path', async () => {
    const scope = nock(REGION).get('/oapi/v1/flow/pipelines').query(true).reply(200, [])
    const { client } = harness({ baseUrl: REGION, organizationId: undefined })
    expect(await client.listPipelines('a', 1)).toEqual({ pipelines: [], size: 0 })
    expect(scope.isDone()).toBe(true)
  })

  it('entries it cannot read are dropped, and counted for paging', async () => {
    nock(CENTER)
      .get(PIPELINES)
      .query(true)
      .reply(
        200,
        '[null, {"pipelineId": 1}, {"pipelineId": "x1", "pipelineName": "a"}, {"pipelineId": 2, "pipelineName": "b"}]'
      )
    expect(await harness().client.listPipelines('a', 1)).toEqual({
      pipelines: [{ pipelineId: 2, pipelineName: 'b' }],
      size: 4
    })
  })

  it.each([
    ['an object', '{"pipelines": []}'],
    ['not JSON', 'oops']
  ])('%s is a bad answer', async (_what, body) => {
    nock(CENTER).get(PIPELINES).query(true).reply(200, body)
    const error = await failure(harness().client.listPipelines('a', 1))
    expect(error).toMatchObject({ kind: 'bad-answer', operation: 'ListPipelines' })
    expect(error.message).toContain('not a list of pipelines')
  })

  it('is retried like a read (5xx, then success)', async () => {
    const failing = counted(nock(CENTER).get(PIPELINES).query(true), 2, 503, '')
    nock(CENTER).get(PIPELINES).query(true).reply(200, [])
    const { client, sleeps } = harness()
    expect(await client.listPipelines('a', 1)).toEqual({ pipelines: [], size: 0 })
    expect(failing.count()).toBe(2)
    expect(sleeps.length).toBe(2)
  })
})

describe('getLatestRun', () => {
  const LATEST = `/oapi/v1/flow/organizations/${ORG}/pipelines/42/runs/latestPipelineRun`
  it('reads the run object', async () => {
    nock(CENTER).get(LATEST).reply(200, { pipelineRunId: 12, status: 'RUNNING' })
    expect(await harness().client.getLatestRun(42)).toEqual({
      pipelineRunId: 12,
      status: 'RUNNING'
    })
  })
  it('a run without its id is a bad answer', async () => {
    nock(CENTER).get(LATEST).reply(200, { status: 'RUNNING' })
    const error = await failure(harness().client.getLatestRun(42))
    expect(error).toMatchObject({ kind: 'bad-answer', operation: 'GetLatestPipelineRun' })
  })
  it('404 is not retried', async () => {
    const c = counted(nock(CENTER).get(LATEST), 3, 404, '{"errorCode":"NotFound"}')
    const error = await failure(harness().client.getLatestRun(42))
    expect(error).toMatchObject({ kind: 'http', status: 404 })
    expect(c.count()).toBe(1)
  })
})

describe('passValidate', () => {
  it('POSTs with no body to the pass path; true is done', async () => {
    let body: string | undefined
    const scope = nock(CENTER).post(PASS).reply(200, 'true')
    scope.on('request', (_req, _i, sent: string) => (body = sent))
    await harness().client.passValidate({ pipelineId: 42, runId: 3, jobId: 9 })
    expect(body).toBe('')
  })

  it('an answer of false: not passed, and it is certain', async () => {
    nock(CENTER).post(PASS).reply(200, 'false')
    const error = await failure(
      harness().client.passValidate({ pipelineId: 42, runId: 3, jobId: 9 })
    )
    expect(error).toMatchObject({ kind: 'bad-answer', mayHaveStarted: false })
    expect(error.message).toContain('the gate was not passed')
  })

  it.each([
    ['success: false', '{"success":false}'],
    ['an error code', '{"errorCode":"SYSTEM_ERROR","errorMessage":"busy"}'],
    ['an error code as a number', '{"success":true,"errCode":500}']
  ])('a 200 whose object says %s: not passed, not sent again', async (_, body) => {
    const c = counted(nock(CENTER).post(PASS), 2, 200, body)
    const error = await failure(
      harness().client.passValidate({ pipelineId: 42, runId: 3, jobId: 9 })
    )
    expect(error).toMatchObject({ kind: 'bad-answer', mayHaveStarted: false })
    expect(error.message).toContain('the gate was not passed')
    expect(c.count()).toBe(1)
  })

  it('a 200 with another object (no failure said) is passed', async () => {
    nock(CENTER).post(PASS).reply(200, '{"success":true,"errorCode":""}')
    await harness().client.passValidate({ pipelineId: 42, runId: 3, jobId: 9 })
  })

  it('403 is not tried again, and certainly did not pass', async () => {
    const c = counted(nock(CENTER).post(PASS), 3, 403, '{"errorCode":"Forbidden"}')
    const error = await failure(
      harness().client.passValidate({ pipelineId: 42, runId: 3, jobId: 9 })
    )
    expect(error).toMatchObject({ status: 403, mayHaveStarted: false })
    expect(c.count()).toBe(1)
  })

  it('429 is tried again (the gate certainly was not passed)', async () => {
    counted(nock(CENTER).post(PASS), 1, 429, '')
    nock(CENTER).post(PASS).reply(200, 'true')
    const { client, sleeps } = harness()
    await client.passValidate({ pipelineId: 42, runId: 3, jobId: 9 })
    expect(sleeps.length).toBe(1)
  })

  it('500 is not tried again: it may have passed', async () => {
    const c = counted(nock(CENTER).post(PASS), 3, 500, '')
    const error = await failure(
      harness().client.passValidate({ pipelineId: 42, runId: 3, jobId: 9 })
    )
    expect(error).toMatchObject({ status: 500, mayHaveStarted: true })
    expect(c.count()).toBe(1)
  })

  it('a timeout is not tried again: it may have passed', async () => {
    let requests = 0
    const server = http.createServer((_req, res) => {
      requests++
      setTimeout(() => res.end('true'), 1000).unref()
    })
    const port = await listen(server)
    try {
      const { client } = harness({ baseUrl: `http://127.0.0.1:${port}` })
      const error = await failure(
        client.passValidate({ pipelineId: 42, runId: 3, jobId: 9 }, { timeoutMs: 100 })
      )
      expect(error).toMatchObject({ kind: 'timeout', mayHaveStarted: true, attempts: 1 })
      expect(requests).toBe(1)
    } finally {
      server.closeAllConnections()
      await new Promise(done => server.close(done))
    }
  })
})

describe('passValidate and a cancel', () => {
  it('a cancel ends the wait before a second attempt: cancelled, not passed, nothing more sent', async () => {
    const c = counted(nock(CENTER).post(PASS), 2, 429, '')
    const controller = new AbortController()
    const { client } = harness({
      sleep: async () => {
        controller.abort()
      }
    })
    const error = await failure(
      client.passValidate({ pipelineId: 42, runId: 3, jobId: 9 }, { signal: controller.signal })
    )
    expect(error).toMatchObject({ kind: 'cancelled', mayHaveStarted: false })
    expect(error.message).toContain('the gate was not passed (the one request sent was')
    expect(error.message).not.toContain('run was started')
    expect(c.count()).toBe(1)
  })
})
