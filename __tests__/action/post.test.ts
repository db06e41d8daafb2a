// The post step in process: what it does with each record (the Flow simulator on loopback), and
// what it prints (stdout captured). The bundle, as the runner runs it: __tests__/hostile/post.test.ts.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { encodeRecord, type RunRecord } from '../../src/action/steps/run-record.js'
import { startFlowSimulator, type FlowSimulator } from '../../simulator/flow-simulator.js'

const TOKEN = 'pt-postUnitToken0123'
let sim: FlowSimulator
let out: string[]

beforeEach(async () => {
  sim = await startFlowSimulator({
    token: TOKEN,
    organizationId: 'org-1',
    pipelines: {
      5: { name: 'p', stages: [{ name: 'S', jobs: [{ name: 'j', durationMs: 600_000 }] }] }
    }
  })
  out = []
  jest.resetModules()
  jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    out.push(String(chunk))
    return true
  })
})

afterEach(async () => {
  jest.restoreAllMocks()
  await sim.close()
})

async function started(): Promise<RunRecord> {
  const res = await fetch(`${sim.url}/oapi/v1/flow/organizations/org-1/pipelines/5/runs`, {
    method: 'POST',
    headers: { 'x-yunxiao-token': TOKEN, 'content-type': 'application/json' },
    body: '{}'
  })
  const runId = Number(await res.text())
  return {
    phase: 'following',
    pipelineId: 5,
    runId,
    baseUrl: sim.url,
    organizationId: 'org-1',
    consoleUrl: 'https://flow.example',
    stop: true
  }
}

const env = (record?: RunRecord, extra: Record<string, string> = {}) => ({
  INPUT_TOKEN: TOKEN,
  ...(record ? { STATE_run: encodeRecord(record) } : {}),
  ...extra
})
// Each test loads the steps afresh, as each step is a process of its own (log.ts keeps the
// secrets it has masked).
const run = async (e: NodeJS.ProcessEnv) => (await import('../../src/action/steps/post.js')).run(e)
const finishInPost = async (work: import('../../src/action/steps/post-work.js').PostWork) =>
  (await import('../../src/action/steps/post-work.js')).finishInPost(work)
const lines = () => out.join('').split('\n').filter(Boolean)

describe('post step', () => {
  it('does nothing and prints nothing without a record; a debug line with step debug on', async () => {
    await run(env())
    expect(lines()).toEqual([])
    await run(env(undefined, { RUNNER_DEBUG: '1' }))
    expect(lines()).toEqual([
      '::debug::Nothing to do: the main step left no Yunxiao run (nor GitHub status) unfinished.'
    ])
    expect(sim.requests).toEqual([])
  })

  it('stops the run main left, after one read that shows it has not ended, and masks the token', async () => {
    const record = await started()
    const before = sim.requests.length
    await run(env(record))
    const sent = sim.requests.slice(before)
    expect(sent.map(r => r.method)).toEqual(['GET', 'PUT'])
    expect(lines()).toEqual([
      `::add-mask::${TOKEN}`,
      `The main step ended without finishing Yunxiao run #${record.runId}; stopping it.`,
      `Stopped Yunxiao run #${record.runId}: the main step did not finish it.`
    ])
    expect(sim.runs(5).find(r => r.id === record.runId)?.status).toBe('CANCELED')
  })

  it('with a GitHub report pending, reads how the run stands and hands it to the GitHub part', async () => {
    const record = { ...(await started()), phase: 'finished' as const }
    const before = sim.requests.length
    await run({
      ...env(record),
      STATE_githubSha: 'a'.repeat(40),
      STATE_githubStatusPending: 'true',
      'INPUT_GITHUB-TOKEN': 'ghs_unitTestToken'
    })
    // One status read, no stop: main was done with the run.
    expect(sim.requests.slice(before).map(r => r.method)).toEqual(['GET'])
    const said = lines()
    expect(said.slice(0, 2)).toEqual([`::add-mask::${TOKEN}`, '::add-mask::ghs_unitTestToken'])
    // The inputs here lack pipeline-id: the GitHub part says it could not finish, and why.
    expect(said.at(-1)).toMatch(
      /^::warning::Could not finish the GitHub commit status or deployment: .*pipeline-id/
    )
  })

  it('leaves the run with stop false, and says so', async () => {
    const record = { ...(await started()), stop: false }
    const before = sim.requests.length
    await run(env(record))
    expect(sim.requests.length).toBe(before)
    expect(lines().at(-1)).toBe(
      `Yunxiao run #${record.runId} may still be running (stop-on-cancel is false): https://flow.example/pipelines/5/builds/${record.runId}`
    )
  })

  it('warns, with the link, when it has no token to stop the run with', async () => {
    const record = await started()
    await run({ STATE_run: encodeRecord(record) })
    expect(lines()).toEqual([
      `::warning::Could not stop Yunxiao run #${record.runId}: the token input is empty. Stop it by hand: https://flow.example/pipelines/5/builds/${record.runId}`
    ])
  })

  it('warns when the stop fails, and ends at its bound when a request hangs', async () => {
    const record = await started()
    sim.addFault({ method: 'PUT', path: `/runs/${record.runId}`, status: 500, times: 2 })
    await finishInPost({ record, env: env(), deadlineMs: 20_000 })
    expect(lines().at(-1)).toMatch(
      new RegExp(`^::warning::Could not stop Yunxiao run #${record.runId}: .*500.*Stop it by hand`)
    )

    out.length = 0
    sim.addFault({ method: 'PUT', path: `/runs/${record.runId}`, delayMs: 60_000 })
    const exit = jest.fn<(code: number) => void>()
    const work = finishInPost({ record, env: env(), deadlineMs: 300, exit })
    await new Promise(resolve => setTimeout(resolve, 600))
    expect(exit).toHaveBeenCalledWith(0)
    expect(
      lines().some(l => /^::warning::The post step gave up after 0s \(its bound\)/.test(l))
    ).toBe(true)
    await work
  }, 30_000)
})
