// GetPipelineJobSteps and GetPipelineJobStepLog (logs: live): the paths and query exactly as the
// official client (alibabacloud-devops-mcp-server 0.3.64, getPipelineJobStepsFunc and
// getPipelineJobStepLogFunc) builds them in both editions, and how their answers are read.
import { describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { CENTER, ORG, REGION, TOKEN, failure, harness } from '../support/flow-client.js'

const EDITIONS = [
  [CENTER, ORG, `/oapi/v1/flow/organizations/${ORG}`],
  [REGION, undefined, '/oapi/v1/flow']
] as const

describe('step calls', () => {
  it.each(EDITIONS)('%s: the official paths and query, in its order', async (base, org, prefix) => {
    const paths: string[] = []
    const scope = nock(base, { reqheaders: { 'x-yunxiao-token': TOKEN } })
      .get(`${prefix}/pipelines/42/pipelineRuns/3/jobs/99/steps`)
      .reply(200, [{ jobId: 99, buildId: 7, buildProcessNodes: [{ stepIndex: 0, stepName: 'a' }] }])
      .get(`${prefix}/pipelines/42/pipelineRuns/3/jobs/99/step/log`)
      .query(true)
      .reply(200, { last: 2, logs: 'x\ny\n', more: true })
    scope.on('request', (req: { path: string }) => paths.push(req.path))
    const { client } = harness({ baseUrl: base, organizationId: org })
    await expect(client.getJobSteps({ pipelineId: 42, runId: 3, jobId: 99 })).resolves.toEqual([
      { buildId: 7, stepIndex: 0, stepName: 'a', status: undefined, finish: false }
    ])
    const page = { stepIndex: 0, buildId: 7, offset: 1, limit: 1000 }
    await expect(client.getStepLog({ pipelineId: 42, runId: 3, jobId: 99 }, page)).resolves.toEqual(
      {
        last: 2,
        logs: 'x\ny\n',
        more: true
      }
    )
    expect(paths).toEqual([
      `${prefix}/pipelines/42/pipelineRuns/3/jobs/99/steps`,
      `${prefix}/pipelines/42/pipelineRuns/3/jobs/99/step/log?stepIndex=0&offset=1&limit=1000&buildId=7`
    ])
    expect(scope.isDone()).toBe(true)
  })

  it('reads older answers (`steps`), skips steps without an index and builds without an id', async () => {
    nock(CENTER)
      .get(/\/steps$/)
      .reply(200, [
        { buildId: 5, steps: [{ stepIndex: 2, stepName: 'old', status: 'SUCCESS', finish: true }] },
        { buildId: 'x', buildProcessNodes: [{ stepIndex: 1 }] },
        { buildId: 6, buildProcessNodes: [{ stepName: 'no index' }, null, { stepIndex: 3 }] }
      ])
    await expect(
      harness().client.getJobSteps({ pipelineId: 42, runId: 3, jobId: 99 })
    ).resolves.toEqual([
      { buildId: 5, stepIndex: 2, stepName: 'old', status: 'SUCCESS', finish: true },
      { buildId: 6, stepIndex: 3, stepName: undefined, status: undefined, finish: false }
    ])
  })

  it('an answer of another shape is a bad answer (the live reader falls back on it)', async () => {
    nock(CENTER)
      .get(/\/steps$/)
      .reply(200, { steps: [] })
    expect(
      (await failure(harness().client.getJobSteps({ pipelineId: 42, runId: 3, jobId: 99 }))).kind
    ).toBe('bad-answer')
    nock(CENTER)
      .get(/\/step\/log/)
      .reply(200, { logs: 5 })
    const page = { stepIndex: 0, buildId: 7, offset: 1, limit: 10 }
    expect(
      (await failure(harness().client.getStepLog({ pipelineId: 42, runId: 3, jobId: 99 }, page)))
        .kind
    ).toBe('bad-answer')
  })

  it('a null `logs` is nothing new; a `last` that is not an integer is left out', async () => {
    nock(CENTER)
      .get(/\/step\/log/)
      .reply(200, { logs: null, last: 1.5, more: 'yes' })
    const page = { stepIndex: 0, buildId: 7, offset: 1, limit: 10 }
    await expect(
      harness().client.getStepLog({ pipelineId: 42, runId: 3, jobId: 99 }, page)
    ).resolves.toEqual({ logs: '' })
  })
})
