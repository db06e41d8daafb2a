// Stopping a run, against the Flow simulator over loopback with the real client. The simulator's
// clock is a variable the tests move, so no test sleeps.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { FlowClient } from '../../src/flow/client.js'
import { FlowApiError } from '../../src/flow/errors.js'
import type { FlowRun } from '../../src/flow/types.js'
import { activeJobIds, stopFlowRun } from '../../src/follow/stop.js'
import { USER_AGENT } from '../../src/common/version.js'
import {
  DEFAULT_ORGANIZATION_ID,
  DEFAULT_TOKEN,
  startFlowSimulator,
  type FlowSimulator
} from '../../simulator/flow-simulator.js'

const T0 = 1_700_000_000_000
const PIPELINE = 77

// Build: `compile` runs 0-1 s; `approve` waits 0-2 s, then runs 2-3 s. Deploy: `ship` runs 3-3.5 s.
const PIPELINE_DEF = {
  name: 'stop-test',
  stages: [
    {
      name: 'Build',
      jobs: [
        { name: 'compile', durationMs: 1000 },
        { name: 'approve', waitingMs: 2000, durationMs: 1000 }
      ]
    },
    { name: 'Deploy', jobs: [{ name: 'ship', durationMs: 500 }] }
  ]
}

let clock = T0
let sim: FlowSimulator
let client: FlowClient

beforeEach(async () => {
  clock = T0
  sim = await startFlowSimulator({ now: () => clock, pipelines: { [PIPELINE]: PIPELINE_DEF } })
  client = new FlowClient({
    baseUrl: sim.url,
    token: DEFAULT_TOKEN,
    organizationId: DEFAULT_ORGANIZATION_ID,
    userAgent: USER_AGENT,
    sleep: async () => {},
    random: () => 0
  })
})

afterEach(async () => {
  await sim.close()
})

async function startRun(): Promise<number> {
  return client.createRun(PIPELINE, undefined)
}

const record = (runId: number) => sim.runs(PIPELINE).find(run => run.id === runId)!
const jobId = (runId: number, name: string) => record(runId).jobs.find(j => j.name === name)!.id
const requestsTo = (method: string, pattern: RegExp) =>
  sim.requests.filter(r => r.method === method && pattern.test(r.path))
const JOB_STOP = /\/pipelineRuns\/\d+\/jobs\/\d+\/stop$/
const RUN_PATH = /\/pipelines\/\d+\/runs\/\d+$/

async function rejection(promise: Promise<unknown>): Promise<FlowApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(FlowApiError)
  return error as FlowApiError
}

describe('stopFlowRun', () => {
  it("stops the run with UpdatePipelineRun: 'run'", async () => {
    const runId = await startRun()
    clock = T0 + 500

    await expect(stopFlowRun(client, PIPELINE, runId)).resolves.toEqual({ how: 'run', jobs: 0 })

    const run = record(runId)
    expect(run.stopRequests).toBe(1)
    expect(run.stopped).toBe(true)
    expect(run.jobStops).toEqual([])
    expect(requestsTo('GET', RUN_PATH)).toHaveLength(0)
    clock = T0 + 10_000
    expect(record(runId).status).toBe('CANCELED')
  })

  it("stops each RUNNING or WAITING job when the run stop is refused: 'jobs'", async () => {
    sim.setOptions({ refuseRunStop: true })
    const runId = await startRun()
    clock = T0 + 500
    const before = record(runId).jobs.map(j => [j.name, j.status])
    expect(before).toEqual([
      ['compile', 'RUNNING'],
      ['approve', 'WAITING'],
      ['ship', 'INIT']
    ])

    await expect(stopFlowRun(client, PIPELINE, runId)).resolves.toEqual({ how: 'jobs', jobs: 2 })

    const run = record(runId)
    expect(run.stopRequests).toBe(1)
    expect(run.jobStops).toEqual([jobId(runId, 'compile'), jobId(runId, 'approve')])
    expect(run.status).toBe('CANCELED')
    // The job-stop paths carry the run and the job ids.
    expect(requestsTo('PUT', JOB_STOP).map(r => r.path)).toEqual(
      run.jobStops.map(
        id =>
          `/oapi/v1/flow/organizations/${DEFAULT_ORGANIZATION_ID}/pipelines/${PIPELINE}/pipelineRuns/${runId}/jobs/${id}/stop`
      )
    )
  })

  it('reads the run again rather than trusting an older run object', async () => {
    sim.setOptions({ refuseRunStop: true })
    const runId = await startRun()
    clock = T0 + 500
    const stale = await client.getRun(PIPELINE, runId)
    clock = T0 + 3_200 // Build is over; ship runs now

    await expect(stopFlowRun(client, PIPELINE, runId, stale)).resolves.toEqual({
      how: 'jobs',
      jobs: 1
    })
    expect(record(runId).jobStops).toEqual([jobId(runId, 'ship')])
  })

  it('falls back to the last run seen when the fresh read fails', async () => {
    sim.setOptions({ refuseRunStop: true })
    const runId = await startRun()
    clock = T0 + 2_500 // approve runs; compile is done
    const last = await client.getRun(PIPELINE, runId)
    sim.addFault({ method: 'GET', path: RUN_PATH, status: 503 })

    await expect(stopFlowRun(client, PIPELINE, runId, last)).resolves.toEqual({
      how: 'jobs',
      jobs: 1
    })
    expect(record(runId).jobStops).toEqual([jobId(runId, 'approve')])
    expect(sim.faults).toHaveLength(0)
  })

  it("stops nothing when the run stop is refused and the run already ended: 'ended'", async () => {
    sim.setOptions({ refuseRunStop: true })
    const runId = await startRun()
    clock = T0 + 60_000
    expect(record(runId).status).toBe('SUCCESS')

    await expect(stopFlowRun(client, PIPELINE, runId)).resolves.toEqual({
      how: 'ended',
      jobs: 0,
      status: 'SUCCESS',
      // the run as read then: what the step reports (run-json, summary)
      run: expect.objectContaining({ pipelineRunId: runId, status: 'SUCCESS' })
    })
    expect(record(runId).jobStops).toEqual([])
    expect(requestsTo('PUT', JOB_STOP)).toHaveLength(0)
  })

  it("with confirm: a stop taken by a run that had ended SUCCESS is 'ended'; one that stopped it is 'run'", async () => {
    const ended = await startRun()
    clock = T0 + 60_000
    await expect(
      stopFlowRun(client, PIPELINE, ended, undefined, { confirm: true })
    ).resolves.toEqual({
      how: 'ended',
      jobs: 0,
      status: 'SUCCESS',
      run: expect.objectContaining({ status: 'SUCCESS' })
    })
    const running = await startRun()
    await expect(
      stopFlowRun(client, PIPELINE, running, undefined, { confirm: true })
    ).resolves.toEqual({ how: 'run', jobs: 0 })
    expect(record(running).status).toBe('CANCELED')
  })

  it('rethrows the refusal when no job is under way', async () => {
    sim.setOptions({ refuseRunStop: true, runDelayMs: 5_000 })
    const runId = await startRun()
    clock = T0 + 1_000 // RUNNING, but every stage is still INIT
    expect(record(runId).status).toBe('RUNNING')

    const error = await rejection(stopFlowRun(client, PIPELINE, runId))
    expect(error.operation).toBe('UpdatePipelineRun')
    expect(error.status).toBe(400)
    expect(error.message).toContain('errorCode BadRequest')
    expect(requestsTo('PUT', JOB_STOP)).toHaveLength(0)
  })

  it('rethrows the refusal when neither a fresh read nor a last run is available', async () => {
    sim.setOptions({ refuseRunStop: true })
    const runId = await startRun()
    clock = T0 + 500
    sim.addFault({ method: 'GET', path: RUN_PATH, status: 500 })

    const error = await rejection(stopFlowRun(client, PIPELINE, runId))
    expect(error.status).toBe(400)
    expect(requestsTo('PUT', JOB_STOP)).toHaveLength(0)
  })

  for (const [status, times] of [
    [401, 1],
    [403, 1],
    // 5xx is retried by the client (two tries for a stop), then given up.
    [500, 2],
    [503, 2]
  ] as const) {
    it(`rethrows HTTP ${status} on the run stop without stopping jobs`, async () => {
      const runId = await startRun()
      clock = T0 + 500
      sim.addFault({ method: 'PUT', path: RUN_PATH, status, times })

      const error = await rejection(stopFlowRun(client, PIPELINE, runId))
      expect(error.operation).toBe('UpdatePipelineRun')
      expect(error.status).toBe(status)
      expect(error.attempts).toBe(times)
      expect(sim.faults).toHaveLength(0)
      expect(requestsTo('PUT', JOB_STOP)).toHaveLength(0)
      expect(requestsTo('GET', RUN_PATH)).toHaveLength(0)
      expect(record(runId).stopped).toBe(false)
    })
  }

  // The client turns a 200 `false` ("nothing was stopped") into a FlowApiError with status 200,
  // which stopFlowRun rethrows (src/stop.ts, the `status < 400` test) instead of treating it as
  // the refusal it is and stopping the jobs.
  it('treats a run stop answered `false` as a refusal and stops the jobs', async () => {
    const runId = await startRun()
    clock = T0 + 500
    sim.addFault({ method: 'PUT', path: RUN_PATH, status: 200, body: 'false' })

    await expect(stopFlowRun(client, PIPELINE, runId)).resolves.toEqual({ how: 'jobs', jobs: 2 })
  })

  it('rethrows a network failure on the run stop without stopping jobs', async () => {
    const runId = await startRun()
    clock = T0 + 500
    sim.addFault({ method: 'PUT', path: RUN_PATH, destroy: true, times: 2 })

    const error = await rejection(stopFlowRun(client, PIPELINE, runId))
    expect(error.kind).toBe('network')
    expect(requestsTo('PUT', JOB_STOP)).toHaveLength(0)
    expect(record(runId).stopped).toBe(false)
  })
})

describe('activeJobIds', () => {
  it('lists the ids of RUNNING and WAITING jobs across stages, in order', () => {
    const run: FlowRun = {
      status: 'RUNNING',
      stages: [
        {
          name: 'A',
          stageInfo: {
            jobs: [
              { id: 1, name: 'done', status: 'SUCCESS' },
              { id: 2, name: 'busy', status: 'RUNNING' },
              { id: 3, name: 'approval', status: 'WAITING' }
            ]
          }
        },
        { name: 'B' },
        { name: 'C', stageInfo: {} },
        {
          name: 'D',
          stageInfo: {
            jobs: [
              { id: 4, name: 'queued', status: 'INIT' },
              { id: 5, name: 'failed', status: 'FAIL' },
              { id: 6, name: 'stopped', status: 'CANCELED' },
              { id: 7, name: 'busy too', status: 'RUNNING' }
            ]
          }
        }
      ]
    }
    expect(activeJobIds(run)).toEqual([2, 3, 7])
  })

  it('skips jobs without a numeric id', () => {
    const run = {
      status: 'RUNNING',
      stages: [{ name: 'A', stageInfo: { jobs: [{ id: '9', name: 'x', status: 'RUNNING' }] } }]
    } as unknown as FlowRun
    expect(activeJobIds(run)).toEqual([])
  })

  it('is empty for no run, or a run without stages', () => {
    expect(activeJobIds(undefined)).toEqual([])
    expect(activeJobIds({ status: 'RUNNING' })).toEqual([])
  })
})
