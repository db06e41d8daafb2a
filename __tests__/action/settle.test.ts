// Settling a run (stop it or leave it, record the phase, say what happened), against the Flow
// simulator over loopback with the real client, as main, follow and the post step use it.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { FlowClient } from '../../src/flow/client.js'
import { RunSettler, cancelOutcome } from '../../src/action/steps/settle.js'
import type { RunRecord } from '../../src/action/steps/run-record.js'
import type { RunOutcome } from '../../src/github/outcome.js'
import { USER_AGENT } from '../../src/common/version.js'
import {
  DEFAULT_ORGANIZATION_ID,
  DEFAULT_TOKEN,
  startFlowSimulator,
  type FlowSimulator
} from '../../simulator/flow-simulator.js'

const PIPELINE = 9
let sim: FlowSimulator
let client: FlowClient
let saved: RunRecord[]
let reported: RunOutcome[]

beforeEach(async () => {
  sim = await startFlowSimulator({
    pipelines: {
      [PIPELINE]: { name: 'p', stages: [{ name: 'S', jobs: [{ name: 'j', durationMs: 600_000 }] }] }
    }
  })
  client = new FlowClient({
    baseUrl: sim.url,
    token: DEFAULT_TOKEN,
    organizationId: DEFAULT_ORGANIZATION_ID,
    userAgent: USER_AGENT,
    sleep: async () => {},
    random: () => 0
  })
  saved = []
  reported = []
})

afterEach(async () => {
  await sim.close()
})

async function settler(phase: RunRecord['phase'] = 'following', stop = true) {
  const runId = await client.createRun(PIPELINE, undefined)
  const record: RunRecord = {
    phase,
    pipelineId: PIPELINE,
    runId,
    baseUrl: sim.url,
    organizationId: DEFAULT_ORGANIZATION_ID,
    consoleUrl: 'https://flow.example',
    stop
  }
  const report = async (outcome: RunOutcome) => void reported.push(outcome)
  return new RunSettler(client, record, report, r => void saved.push(r))
}

const runOf = (runId: number) => sim.runs(PIPELINE).find(r => r.id === runId)!

describe('RunSettler', () => {
  it('stops the run, records finished, and says so', async () => {
    const s = await settler()
    const settled = await s.stop('the GitHub job was cancelled (SIGINT)')
    expect(settled).toEqual({
      outcome: 'stopped',
      message: `Stopped Yunxiao run #${s.record.runId}: the GitHub job was cancelled (SIGINT).`
    })
    expect(runOf(s.record.runId).status).toBe('CANCELED')
    expect(saved.map(r => r.phase)).toEqual(['finished'])
    expect(s.record.phase).toBe('finished')
  })

  it('keeps the phase and asks the post step to stop the run when stopping fails', async () => {
    const s = await settler('following', false)
    sim.addFault({ method: 'PUT', path: `/runs/${s.record.runId}`, status: 500, times: 5 })
    const settled = await s.stop('the wait timed out')
    expect(settled.outcome).toBe('failed')
    expect(settled.message).toMatch(
      new RegExp(`^Could not stop Yunxiao run #${s.record.runId}: .*500`)
    )
    expect(settled.message).toContain(
      `Stop it by hand: https://flow.example/pipelines/9/builds/${s.record.runId}`
    )
    expect(saved).toEqual([{ ...s.record, phase: 'following', stop: true }])
    expect(runOf(s.record.runId).status).toBe('RUNNING')
  })

  it('leaves the run on a cancel with stop-on-cancel false: finished, nothing sent, says so', async () => {
    const s = await settler()
    const before = sim.requests.length
    const out: string[] = []
    jest.spyOn(process.stdout, 'write').mockImplementation(chunk => !!out.push(String(chunk)))
    try {
      await s.end({ kind: 'cancelled', stop: false, signal: 'SIGINT' })
      expect(process.exitCode).toBe(1)
    } finally {
      jest.restoreAllMocks()
      process.exitCode = undefined
    }
    expect(out.join('')).toContain(
      `::error::The GitHub job was cancelled while following Yunxiao run #${s.record.runId}. Yunxiao run #${s.record.runId} goes on (stop-on-cancel is false): https://flow.example/pipelines/9/builds/${s.record.runId}`
    )
    expect(reported).toEqual([{ kind: 'cancelled', stopped: false }])
    expect(sim.requests.length).toBe(before)
    expect(saved.map(r => r.phase)).toEqual(['finished'])
  })

  it('writes the state only when something changes', async () => {
    const s = await settler('started')
    s.mark('started')
    s.mark('following')
    s.mark('following')
    s.mark('finished')
    s.mark('finished')
    expect(saved.map(r => r.phase)).toEqual(['following', 'finished'])
  })

  it('says a run that had ended was not stopped', async () => {
    const s = await settler()
    sim.addFault({ method: 'PUT', path: `/runs/${s.record.runId}`, status: 400, times: 1 })
    sim.addFault({
      method: 'GET',
      path: new RegExp(`/runs/${s.record.runId}$`),
      status: 200,
      body: { status: 'SUCCESS', stages: [] }
    })
    const settled = await s.stop('cancelled')
    expect(settled).toMatchObject({ outcome: 'ended', status: 'SUCCESS' })
    expect(settled.message).toBe(`Yunxiao run #${s.record.runId} had already ended (SUCCESS).`)
    // On GitHub it shows as it ended, not as cancelled.
    expect(cancelOutcome(settled)).toEqual({ kind: 'ended', status: 'SUCCESS' })
  })

  // Ended with no status known (the last run seen had none) is still only "cancelled".
  it.each([
    [{ outcome: 'stopped' }, { kind: 'cancelled', stopped: true }],
    [{ outcome: 'left' }, { kind: 'cancelled', stopped: false }],
    [{ outcome: 'failed' }, { kind: 'cancelled', stopped: false }],
    [
      { outcome: 'ended', status: 'FAIL' },
      { kind: 'ended', status: 'FAIL' }
    ],
    [{ outcome: 'ended' }, { kind: 'cancelled', stopped: true }]
  ] as const)('cancelOutcome(%j) is %j', (settled, expected) => {
    expect(cancelOutcome({ message: 'm', ...settled })).toEqual(expected)
  })
})
