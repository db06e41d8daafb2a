// Run control under cancel and odd answers: the committed dist/ run as the runner runs it (main,
// then the post step with the state main left), against the Flow simulator. A cancel during a
// manual-gate pass that does not succeed, a gate a server calls RUNNING, a pass "answered" with a
// failure, a run of another pipeline, a pipeline list that pages oddly, a name in another Unicode
// form, a run that ends just as the timeout stops it, and a post step after a run ended on its own.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startFlowSimulator, type FlowSimulator } from '../../simulator/flow-simulator.js'
import { startGithubSimulator } from '../../simulator/github-simulator.js'
import { runStep, runnerEnv, startStep, type StepResult } from '../../simulator/runner.js'
import { TOKEN, errorLines, expectNoToken, nodeBinaries } from '../support/e2e.js'

const job = (name: string, durationMs: number) => ({ name, durationMs })
const gated = (name: string, gate: boolean | { status: string } = true) => ({
  name,
  stages: [
    { name: 'Build', jobs: [job('Compile', 300)] },
    { name: 'Approve', jobs: [{ name: 'Release approval', durationMs: 300, gate }] },
    { name: 'Deploy', jobs: [job('Deploy to production', 300)] }
  ]
})
const quick = (name: string) => ({ name, stages: [{ name: 'Build', jobs: [job('Compile', 300)] }] })

const PIPELINES: Record<number, object> = {
  10: gated('gate-pass'),
  11: gated('gate-running', { status: 'RUNNING' }),
  12: { name: 'ends-late', stages: [{ name: 'Build', jobs: [job('Compile', 6500)] }] },
  13: { name: 'ends-soon', stages: [{ name: 'Build', jobs: [job('Compile', 2500)] }] },
  14: quick('other'),
  // 'café-deploy', written in NFC (é is one code point).
  20: quick('caf\u00e9-deploy'),
  // 13 names with "cap-svc" in them; the exact one is the oldest, listed last (page 3 of 5).
  300: quick('cap-svc')
}
for (let i = 1; i <= 12; i++) PIPELINES[300 + i] = quick(`cap-svc-${i}`)
// 205 names with "many-svc" in them; two are named exactly that, the newest and the oldest.
PIPELINES[1000] = quick('many-svc')
for (let i = 1; i <= 203; i++) PIPELINES[1000 + i] = quick(`many-svc-${i}`)
PIPELINES[1204] = quick('many-svc')

const GH_TOKEN = 'ghs_hostileGithubToken0123456789abcdef'
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

async function waitFor(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(25)
  }
}

describe.each(nodeBinaries())('run control, hostile, $label', ({ path: node }) => {
  let sim: FlowSimulator
  beforeAll(async () => {
    sim = await startFlowSimulator({ token: TOKEN, organizationId: 'org-1', pipelines: PIPELINES })
  })
  afterAll(async () => {
    await sim.close()
  })

  const base = (extra: Record<string, string>): Record<string, string> => ({
    token: TOKEN,
    'organization-id': 'org-1',
    domain: sim.url,
    'poll-interval': '1s',
    ...extra
  })
  const creates = (start: number) =>
    sim.requests.slice(start).filter(r => r.method === 'POST' && r.path.endsWith('/runs'))
  const passes = (start: number) =>
    sim.requests.slice(start).filter(r => r.method === 'POST' && r.path.endsWith('/pass'))
  const stops = (start: number) => sim.requests.slice(start).filter(r => r.method === 'PUT')
  const runOf = (pipelineId: number, runId: string | number) =>
    sim.runs(pipelineId).find(r => String(r.id) === String(runId))!

  /** SIGINT half a second after the step sent CreatePipelineRun; the step's result. */
  async function cancelOnceStarted(
    step: ReturnType<typeof startStep>,
    start: number
  ): Promise<StepResult> {
    await waitFor(() => creates(start).length > 0, 'the run')
    await sleep(500)
    step.child.kill('SIGINT')
    return step.done
  }

  async function post(main: StepResult, inputs: Record<string, string>): Promise<StepResult> {
    const result = await runStep({ node, step: 'post', inputs, state: main.state })
    expect(result.code).toBe(0)
    return result
  }

  describe('a cancel during a manual-gate pass that does not succeed stops the run, once', () => {
    const approve = () =>
      base({
        'pipeline-id': '10',
        wait: 'true',
        timeout: '60s',
        'on-manual-gate': 'approve',
        'stop-on-cancel': 'true'
      })

    async function cancelDuringPass(arm: () => void, beforeSignalMs: number) {
      const start = sim.requests.length
      arm()
      const step = startStep({ node, inputs: approve() })
      await waitFor(() => passes(start).length > 0, 'the pass request')
      if (beforeSignalMs) await sleep(beforeSignalMs)
      step.child.kill('SIGINT')
      const main = await step.done
      while (sim.faults.length) sim.faults.pop()
      return { start, main, runId: Number(main.outputs['run-id']) }
    }

    const expectStoppedOnce = async (start: number, main: StepResult, runId: number) => {
      expect(main.code).toBe(1)
      expect(main.outputs.status).toBe('CANCELED')
      expect(main.stdout).toMatch(new RegExp(`Stopped Yunxiao run #${runId}`))
      await post(main, approve())
      const run = runOf(10, runId)
      expect(run.stopped).toBe(true)
      expect(run.stopRequests).toBe(1)
      expect(stops(start).length).toBe(1)
      expectNoToken(main)
    }

    it('a 429 whose retry pause the SIGINT cuts', async () => {
      const { start, main, runId } = await cancelDuringPass(
        () =>
          sim.addFault({
            method: 'POST',
            path: /\/pass$/,
            status: 429,
            headers: { 'retry-after': '1' },
            times: 2
          }),
        0
      )
      expect(passes(start).length).toBeLessThanOrEqual(2)
      await expectStoppedOnce(start, main, runId)
    }, 60_000)

    it.each([500, 403])(
      'a pass in flight when the SIGINT comes that then answers %i',
      async status => {
        const { start, main, runId } = await cancelDuringPass(
          () => sim.addFault({ method: 'POST', path: /\/pass$/, status, delayMs: 1500 }),
          100
        )
        expect(passes(start).length).toBe(1)
        await expectStoppedOnce(start, main, runId)
        expect(main.stdout).toMatch(/did not succeed while the GitHub job was being cancelled/)
      },
      60_000
    )
  })

  it('a gate whose job status reads RUNNING is a gate: approve passes it', async () => {
    const start = sim.requests.length
    const result = await runStep({
      node,
      inputs: base({
        'pipeline-id': '11',
        wait: 'true',
        timeout: '30s',
        'on-manual-gate': 'approve'
      })
    })
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('SUCCESS')
    expect(passes(start).length).toBe(1)
    expect(result.stdout).toContain('Passed the manual gate of job "Approve / Release approval".')
  }, 60_000)

  it.each([
    ['{"success": false}', '{"success":false}'],
    ['an object with an error code', '{"errorCode":"SYSTEM_ERROR","errorMessage":"busy"}']
  ])(
    'a pass answered 200 with %s is not passed',
    async (_, body) => {
      const start = sim.requests.length
      sim.addFault({ method: 'POST', path: /\/pass$/, status: 200, body })
      const result = await runStep({
        node,
        inputs: base({
          'pipeline-id': '10',
          wait: 'true',
          timeout: '30s',
          'on-manual-gate': 'approve'
        })
      })
      expect(passes(start).length).toBe(1)
      expect(result.code).toBe(1)
      expect(result.stdout).not.toContain('Passed the manual gate')
      expect(errorLines(result.stdout).join('\n')).toMatch(
        /Could not pass the manual gate of job "Approve \/ Release approval".*not passed/
      )
      expect(result.outputs.status).toBe('WAITING')
    },
    60_000
  )

  it('run-id with approve leaves a gate that was waiting at the start, though its id appears only in later reads', async () => {
    const first = await runStep({ node, inputs: base({ 'pipeline-id': '10', wait: 'false' }) })
    const runId = first.outputs['run-id']
    await waitFor(() => runOf(10, runId).status === 'WAITING', 'the gate')
    await sleep(300)
    const path = `/oapi/v1/flow/organizations/org-1/pipelines/10/runs/${runId}`
    const answer = await fetch(sim.url + path, { headers: { 'x-yunxiao-token': TOKEN } })
    const run = (await answer.json()) as {
      stages: Array<{ stageInfo: { jobs: Array<Record<string, unknown>> } }>
    }
    for (const stage of run.stages) for (const j of stage.stageInfo.jobs) delete j.id
    // The reads of the run at the start (the step's first look, the wait's first read) give no job id.
    sim.addFault({
      method: 'GET',
      path: new RegExp(`/runs/${runId}$`),
      status: 200,
      body: run,
      times: 2
    })
    const start = sim.requests.length
    const result = await runStep({
      node,
      inputs: base({
        'pipeline-id': '10',
        'run-id': runId,
        timeout: '5s',
        'stop-on-timeout': 'false',
        'on-manual-gate': 'approve'
      })
    })
    while (sim.faults.length) sim.faults.pop()
    expect(passes(start)).toEqual([])
    expect(result.stdout).toMatch(/was already waiting at a manual gate when this step began/)
    expect(runOf(10, runId).gatesPassed).toEqual([])
    expect(result.outputs.status).toBe('TIMEOUT')
  }, 60_000)

  it('run-id: latest answered with a run of another pipeline: refused, nothing stopped', async () => {
    const other = await runStep({ node, inputs: base({ 'pipeline-id': '14', wait: 'false' }) })
    const path = `/oapi/v1/flow/organizations/org-1/pipelines/14/runs/${other.outputs['run-id']}`
    const body = await (
      await fetch(sim.url + path, { headers: { 'x-yunxiao-token': TOKEN } })
    ).text()
    sim.addFault({
      method: 'GET',
      path: /\/pipelines\/13\/runs\/latestPipelineRun$/,
      status: 200,
      body
    })
    const start = sim.requests.length
    const result = await runStep({
      node,
      inputs: base({ 'pipeline-id': '13', 'run-id': 'latest', timeout: '5s' })
    })
    while (sim.faults.length) sim.faults.pop()
    expect(result.code).toBe(1)
    expect(errorLines(result.stdout).join('\n')).toMatch(
      /Input "run-id": .*pipeline 13 with run #\d+ of pipeline 14, another pipeline/
    )
    expect(result.stdout).not.toContain('Following run')
    expect(stops(start)).toEqual([])
    expect(creates(start)).toEqual([])
  }, 60_000)

  describe('pipeline-name', () => {
    it('reads on past short pages while x-total says pipelines remain (a server capping perPage)', async () => {
      sim.setOptions({ maxPerPage: 5 })
      try {
        const start = sim.requests.length
        const result = await runStep({ node, inputs: base({ 'pipeline-name': 'cap-svc' }) })
        expect(result.code).toBe(0)
        expect(result.outputs['pipeline-id']).toBe('300')
        const lists = sim.requests.slice(start).filter(r => r.path.endsWith('/pipelines'))
        expect(lists.map(r => r.query.page)).toEqual(['1', '2', '3'])
      } finally {
        sim.setOptions({ maxPerPage: 30 })
      }
    }, 60_000)

    it('at the page cap with pages left unread: says so and starts nothing', async () => {
      sim.setOptions({ maxPerPage: 1 })
      try {
        const start = sim.requests.length
        const result = await runStep({ node, inputs: base({ 'pipeline-name': 'many-svc' }) })
        expect(result.code).toBe(1)
        expect(errorLines(result.stdout).join('\n')).toMatch(
          /Input "pipeline-name": more pipelines match "many-svc" than this step reads \(200 pages, 200 of 205 pipelines read\).*nothing was started/
        )
        expect(creates(start)).toEqual([])
        expect(sim.requests.slice(start).filter(r => r.path.endsWith('/pipelines')).length).toBe(
          200
        )
      } finally {
        sim.setOptions({ maxPerPage: 30 })
      }
    }, 90_000)

    it('a name typed in NFD matches the pipeline named in NFC', async () => {
      const start = sim.requests.length
      const result = await runStep({
        node,
        inputs: base({ 'pipeline-name': 'cafe\u0301-deploy' })
      })
      expect(result.code).toBe(0)
      expect(result.outputs['pipeline-id']).toBe('20')
      expect(creates(start).map(r => r.path)).toEqual([
        '/oapi/v1/flow/organizations/org-1/pipelines/20/runs'
      ])
    }, 60_000)
  })

  it.each([
    ['refused (400)', { status: 400 }],
    ['taken (true), the run having ended', {}]
  ])(
    'a run that ends on its own as the timeout stops it, the stop %s, is reported as it ended',
    async (_, answer) => {
      const sha = runnerEnv('').GITHUB_SHA
      const gh = await startGithubSimulator({ token: GH_TOKEN, commits: [sha] })
      const start = sim.requests.length
      // The stop is taken late: by then the run has ended SUCCESS.
      sim.addFault({ method: 'PUT', path: /\/pipelines\/12\/runs\/\d+$/, delayMs: 4000, ...answer })
      let result: StepResult
      try {
        result = await runStep({
          node,
          inputs: base({
            'pipeline-id': '12',
            wait: 'true',
            timeout: '4s',
            'stop-on-timeout': 'true',
            'commit-status': 'true',
            'github-token': GH_TOKEN
          }),
          env: { GITHUB_API_URL: gh.url }
        })
      } finally {
        while (sim.faults.length) sim.faults.pop()
        await gh.close()
      }
      // GitHub is told the run succeeded, not that it was stopped.
      const posted = gh.statuses(sha)
      expect(posted.map(x => x.state)).toEqual(['pending', 'success'])
      expect(posted[1].description).toMatch(/succeeded$/)
      const runId = result.outputs['run-id']
      // The scenario happened: the stop was sent (the wait timed out while the run was running).
      expect(stops(start).length).toBeGreaterThanOrEqual(1)
      expect(runOf(12, runId).status).toBe('SUCCESS')
      expect(result.outputs.status).toBe('SUCCESS')
      expect(result.code).toBe(0)
      expect(result.stdout).not.toMatch(/Timed out|was stopped|Stopped Yunxiao/)
      expect(errorLines(result.stdout)).toEqual([])
    },
    60_000
  )

  it('a cancel whose stop is taken (true) by a run that had just ended: told as it ended, not as stopped', async () => {
    const start = sim.requests.length
    sim.addFault({ method: 'PUT', path: /\/pipelines\/13\/runs\/\d+$/, delayMs: 4000 })
    const step = startStep({
      node,
      inputs: base({ 'pipeline-id': '13', wait: 'true', timeout: '60s' })
    })
    try {
      const main = await cancelOnceStarted(step, start)
      const runId = main.outputs['run-id']
      expect(stops(start).length).toBe(1)
      expect(runOf(13, runId).status).toBe('SUCCESS')
      expect(main.outputs.status).toBe('SUCCESS')
      expect(main.stdout).toContain(`Yunxiao run #${runId} had already ended (SUCCESS)`)
      expect(main.stdout).not.toMatch(/Stopped Yunxiao/)
    } finally {
      while (sim.faults.length) sim.faults.pop()
    }
  }, 60_000)

  it('a cancel whose run stop is answered 200 {"success": false}: not taken as stopped; its jobs are', async () => {
    const start = sim.requests.length
    const body = { success: false, errorCode: 'SYSTEM_ERROR' }
    sim.addFault({ method: 'PUT', path: /\/pipelines\/12\/runs\/\d+$/, status: 200, body })
    const step = startStep({ node, inputs: base({ 'pipeline-id': '12', wait: 'true' }) })
    try {
      const main = await cancelOnceStarted(step, start)
      const runId = main.outputs['run-id']
      expect(main.stdout).not.toContain(`Stopped Yunxiao run #${runId}:`)
      expect(main.stdout).toContain(`Stopped the 1 running job(s) of Yunxiao run #${runId}`)
      expect(stops(start).map(r => r.path.replace(/.*\/pipelines\/12/, ''))).toEqual([
        `/runs/${runId}`,
        expect.stringMatching(new RegExp(`^/pipelineRuns/${runId}/jobs/\\d+/stop$`))
      ])
    } finally {
      while (sim.faults.length) sim.faults.pop()
    }
  }, 60_000)

  it('after main is killed, the post step reads the run first and leaves a run that ended on its own', async () => {
    const start = sim.requests.length
    const inputs = base({ 'pipeline-id': '13', wait: 'true', timeout: '60s' })
    const step = startStep({ node, inputs })
    await waitFor(
      () => sim.requests.slice(start).some(r => r.method === 'GET' && /\/runs\/\d+$/.test(r.path)),
      'a status read'
    )
    step.child.kill('SIGKILL')
    const main = await step.done
    const runId = Number(JSON.parse(main.state.run).runId)
    await waitFor(() => runOf(13, runId).status === 'SUCCESS', 'the run to end', 20_000)
    const before = sim.requests.length
    const result = await post(main, inputs)
    expect(sim.requests.slice(before).map(r => r.method)).toEqual(['GET'])
    expect(result.stdout).toContain(`Yunxiao run #${runId} had already ended (SUCCESS)`)
    expect(result.stdout).not.toMatch(/Stopped/)
    expect(runOf(13, runId).stopRequests).toBe(0)
  }, 60_000)
})
