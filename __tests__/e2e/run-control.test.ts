// End to end: pipeline-name, run-id and on-manual-gate, with the committed dist/ run as the runner
// runs it (main step, then the post step with the state main left), against the Flow simulator.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startFlowSimulator, type FlowSimulator } from '../../simulator/flow-simulator.js'
import { runStep, startStep, type StepResult } from '../../simulator/runner.js'
import { TOKEN, errorLines, expectNoToken, nodeBinaries } from '../support/e2e.js'

const job = (name: string, durationMs: number) => ({ name, durationMs })
const quick = (name: string) => ({
  name,
  stages: [{ name: 'Build', jobs: [job('Compile', 300)] }]
})
const gated = (name: string, gate: boolean | { validators: string[] } = true) => ({
  name,
  stages: [
    { name: 'Build', jobs: [job('Compile', 300)] },
    { name: 'Approve', jobs: [{ name: 'Release approval', durationMs: 300, gate }] },
    { name: 'Deploy', jobs: [job('Deploy to production', 300)] }
  ]
})

const PIPELINES: Record<number, object> = {
  31: quick('shop-deploy'),
  32: quick('shop-deploy-canary'),
  41: quick('billing'),
  42: quick('billing'),
  51: quick('商城-生产部署'),
  70: gated('gated'),
  71: gated('gated-for-others', { validators: ['someone-else'] }),
  73: {
    ...gated('gated-slow-build'),
    stages: [{ name: 'Build', jobs: [job('Compile', 4000)] }, ...gated('').stages.slice(1)]
  },
  72: { name: 'slow', stages: [{ name: 'Deploy', jobs: [job('Rollout', 120_000)] }] },
  // 35 names with "svc-deploy" in them: the exact one (the oldest, listed last) is on page 2.
  100: quick('svc-deploy')
}
for (let i = 1; i <= 34; i++) PIPELINES[100 + i] = quick(`svc-deploy-${i}`)

async function waitFor(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 25))
  }
}

const START_ONLY: Array<[string, string]> = [
  ['branches', 'main'],
  ['branch', 'main'],
  ['tag', 'v1.0.0'],
  ['envs', 'VERSION: 1.2.3'],
  ['running-branches', 'https://codeup.aliyun.com/x/y.git: main'],
  ['running-tags', 'https://codeup.aliyun.com/x/y.git: v1'],
  ['pipeline-artifacts', '"3184679": "12"'],
  ['acr-artifacts', 'registry.example.com/app: "1.0"'],
  ['package-artifacts', 'generic/repo/app: "1.0"'],
  ['params', '{"releaseBranch": "release/1.0"}'],
  ['comment', 'hello'],
  ['dry-run', 'true'],
  ['context-envs', 'true']
]

describe.each(nodeBinaries())('run control, $label', ({ path: node }) => {
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
  const posts = (start: number) =>
    sim.requests.slice(start).filter(r => r.method === 'POST' && r.path.endsWith('/runs'))
  const stops = (start: number) => sim.requests.slice(start).filter(r => r.method === 'PUT')
  const run = (pipelineId: number, runId: string | number) =>
    sim.runs(pipelineId).find(r => String(r.id) === String(runId))!

  /** Runs the post step with what main left, and returns the requests it made. */
  async function post(main: StepResult, inputs: Record<string, string>): Promise<number> {
    const before = sim.requests.length
    const result = await runStep({ node, step: 'post', inputs, state: main.state })
    expect(result.code).toBe(0)
    return sim.requests.length - before
  }

  describe('pipeline-name', () => {
    it('finds the exact name among near-identical ones and starts a run of it', async () => {
      const start = sim.requests.length
      const result = await runStep({ node, inputs: base({ 'pipeline-name': 'shop-deploy' }) })
      expect(result.code).toBe(0)
      expect(result.outputs['pipeline-id']).toBe('31')
      expect(posts(start).map(r => r.path)).toEqual([
        '/oapi/v1/flow/organizations/org-1/pipelines/31/runs'
      ])
      expect(result.stdout).toContain('Pipeline "shop-deploy" is pipeline 31.')
      expectNoToken(result)
    })

    it('finds a Chinese name', async () => {
      const result = await runStep({ node, inputs: base({ 'pipeline-name': '商城-生产部署' }) })
      expect(result.code).toBe(0)
      expect(result.outputs['pipeline-id']).toBe('51')
      expect(result.outputs['run-id']).toMatch(/^\d+$/)
    })

    it('reads every page of the fuzzy matches', async () => {
      const start = sim.requests.length
      const result = await runStep({ node, inputs: base({ 'pipeline-name': 'svc-deploy' }) })
      expect(result.code).toBe(0)
      expect(result.outputs['pipeline-id']).toBe('100')
      const lists = sim.requests.slice(start).filter(r => r.path.endsWith('/pipelines'))
      expect(lists.map(r => r.query)).toEqual([
        { pipelineName: 'svc-deploy', page: '1', perPage: '30' },
        { pipelineName: 'svc-deploy', page: '2', perPage: '30' }
      ])
    })

    it('no exact match: an error with similar names, and nothing started', async () => {
      const start = sim.requests.length
      const result = await runStep({ node, inputs: base({ 'pipeline-name': 'Shop-Deploy' }) })
      expect(result.code).toBe(1)
      const errors = errorLines(result.stdout).join('\n')
      expect(errors).toContain('Input "pipeline-name": no pipeline is named "Shop-Deploy"')
      expect(errors).toContain('"shop-deploy" (id 31)')
      expect(errors).toContain('"shop-deploy-canary" (id 32)')
      expect(posts(start)).toEqual([])
    })

    it('a typo the filter cannot find: similar names from all pipelines', async () => {
      const result = await runStep({ node, inputs: base({ 'pipeline-name': 'shop-deplyo' }) })
      expect(result.code).toBe(1)
      expect(errorLines(result.stdout).join('\n')).toMatch(
        /no pipeline is named "shop-deplyo".*Similar names: "shop-deploy" \(id 31\)/
      )
    })

    it('several pipelines with the name: an error with their ids, and nothing started', async () => {
      const start = sim.requests.length
      const result = await runStep({ node, inputs: base({ 'pipeline-name': 'billing' }) })
      expect(result.code).toBe(1)
      expect(errorLines(result.stdout).join('\n')).toContain(
        '2 pipelines are named "billing" (ids 42, 41)'
      )
      expect(posts(start)).toEqual([])
    })

    it('retries a failed lookup like a status read', async () => {
      sim.addFault({ method: 'GET', path: '/pipelines?', status: 503 })
      const result = await runStep({ node, inputs: base({ 'pipeline-name': 'shop-deploy' }) })
      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(/ListPipelines: HTTP 503 Service Unavailable; trying again/)
      expect(result.outputs['pipeline-id']).toBe('31')
    })
  })

  describe('input conflicts (nothing is sent)', () => {
    it.each(START_ONLY)('run-id with %s', async (name, value) => {
      const start = sim.requests.length
      const result = await runStep({
        node,
        inputs: base({ 'pipeline-id': '31', 'run-id': '1', [name]: value })
      })
      expect(result.code).toBe(1)
      const errors = errorLines(result.stdout).join('\n')
      expect(errors).toContain(`Inputs "run-id" and "${name}"`)
      if (name === 'envs' || name === 'params') expect(errors).not.toContain(value)
      expect(sim.requests.length).toBe(start)
    })

    it.each([
      [
        { 'pipeline-id': '31', 'pipeline-name': 'shop-deploy' },
        'Inputs "pipeline-id" and "pipeline-name"'
      ],
      [{}, 'Input "pipeline-id" is required (or "pipeline-name")'],
      [{ 'pipeline-id': '31', 'run-id': 'newest' }, 'Input "run-id": expected a run number'],
      [
        { 'pipeline-id': '31', 'run-id': 'latest', 'stop-on-timeout': 'true' },
        'Inputs "run-id" and "stop-on-timeout"'
      ],
      [{ 'pipeline-id': '31', 'on-manual-gate': 'approve' }, 'Input "on-manual-gate": approve'],
      [
        { 'pipeline-id': '31', 'on-manual-gate': 'skip', wait: 'true' },
        'expected wait, fail or approve'
      ]
    ])('%j', async (extra, message) => {
      const start = sim.requests.length
      const result = await runStep({ node, inputs: base(extra) })
      expect(result.code).toBe(1)
      expect(errorLines(result.stdout).join('\n')).toContain(message)
      expect(sim.requests.length).toBe(start)
    })
  })

  describe('run-id', () => {
    it('follows a run by its id to SUCCESS; no run is started; the post step does nothing', async () => {
      const runId = sim.startRun(31)
      const start = sim.requests.length
      const inputs = base({ 'pipeline-id': '31', 'run-id': String(runId) })
      const result = await runStep({ node, inputs })
      expect(result.code).toBe(0)
      expect(result.outputs).toMatchObject({
        'run-id': String(runId),
        'pipeline-id': '31',
        status: 'SUCCESS',
        'gate-job': ''
      })
      expect(JSON.parse(result.outputs['run-json']).pipelineRunId).toBe(runId)
      expect(posts(start)).toEqual([])
      expect(result.summary).toMatch(/SUCCESS/)
      expectNoToken(result)
      expect(await post(result, inputs)).toBe(0)
    })

    it('follows a run found by pipeline-name and run-id', async () => {
      const runId = sim.startRun(51)
      const result = await runStep({
        node,
        inputs: base({ 'pipeline-name': '商城-生产部署', 'run-id': String(runId) })
      })
      expect(result.code).toBe(0)
      expect(result.outputs).toMatchObject({ 'pipeline-id': '51', 'run-id': String(runId) })
    })

    it('a run that does not exist: an error naming run-id', async () => {
      const result = await runStep({
        node,
        inputs: base({ 'pipeline-id': '31', 'run-id': '9999' })
      })
      expect(result.code).toBe(1)
      expect(errorLines(result.stdout).join('\n')).toContain(
        'Input "run-id": pipeline 31 has no run #9999'
      )
    })

    it('stops a run followed by id when the job is cancelled (stop-on-cancel)', async () => {
      const runId = sim.startRun(72)
      let log = ''
      const step = startStep({
        node,
        inputs: base({ 'pipeline-id': '72', 'run-id': String(runId) }),
        onStdout: chunk => (log += chunk)
      })
      await waitFor(() => /Rollout.*RUNNING/.test(log), 'the first read')
      step.child.kill('SIGINT')
      const result = await step.done
      expect(result.code).toBe(1)
      expect(result.outputs.status).toBe('CANCELED')
      expect(result.stdout).toContain(`Stopped Yunxiao run #${runId}`)
      expect(run(72, runId).status).toBe('CANCELED')
    })

    it('the post step stops a run followed by id when main was killed', async () => {
      const runId = sim.startRun(72)
      let log = ''
      const inputs = base({ 'pipeline-id': '72', 'run-id': String(runId) })
      const step = startStep({ node, inputs, onStdout: chunk => (log += chunk) })
      await waitFor(() => /Rollout.*RUNNING/.test(log), 'the first read')
      step.child.kill('SIGKILL')
      const main = await step.done
      expect(await post(main, inputs)).toBeGreaterThan(0)
      expect(run(72, runId).status).toBe('CANCELED')
    })
  })

  describe('run-id: latest', () => {
    it('follows the latest run to its end', async () => {
      sim.startRun(31)
      const latest = sim.startRun(31)
      const result = await runStep({
        node,
        inputs: base({ 'pipeline-id': '31', 'run-id': 'latest' })
      })
      expect(result.code).toBe(0)
      expect(result.outputs).toMatchObject({ 'run-id': String(latest), status: 'SUCCESS' })
      expect(result.stdout).toContain(`The latest run of pipeline 31 is #${latest}`)
      expect(result.stdout).toContain('never stops it')
    })

    it('never stops it on cancel, and the post step leaves it alone', async () => {
      const runId = sim.startRun(72)
      const start = sim.requests.length
      let log = ''
      const inputs = base({ 'pipeline-id': '72', 'run-id': 'latest' })
      const step = startStep({ node, inputs, onStdout: chunk => (log += chunk) })
      await waitFor(() => /Rollout.*RUNNING/.test(log), 'the first read')
      step.child.kill('SIGINT')
      const result = await step.done
      expect(result.code).toBe(1)
      expect(errorLines(result.stdout).join('\n')).toContain('never stopped')
      expect(stops(start)).toEqual([])
      expect(await post(result, inputs)).toBe(0)
      expect(run(72, runId).status).toBe('RUNNING')
    })

    it('never stops it when main is killed outright', async () => {
      const runId = sim.startRun(72)
      const start = sim.requests.length
      let log = ''
      const inputs = base({ 'pipeline-id': '72', 'run-id': 'latest' })
      const step = startStep({ node, inputs, onStdout: chunk => (log += chunk) })
      await waitFor(() => /Rollout.*RUNNING/.test(log), 'the first read')
      step.child.kill('SIGKILL')
      const main = await step.done
      expect(await post(main, inputs)).toBe(0)
      expect(stops(start)).toEqual([])
      expect(run(72, runId).status).toBe('RUNNING')
    })

    it('never stops it on timeout', async () => {
      sim.startRun(72)
      const start = sim.requests.length
      const result = await runStep({
        node,
        inputs: base({ 'pipeline-id': '72', 'run-id': 'latest', timeout: '2s' })
      })
      expect(result.code).toBe(1)
      expect(result.outputs.status).toBe('TIMEOUT')
      expect(errorLines(result.stdout).join('\n')).toContain('never stopped')
      expect(stops(start)).toEqual([])
    })

    it('a pipeline without runs: an error naming run-id', async () => {
      const result = await runStep({
        node,
        inputs: base({ 'pipeline-id': '32', 'run-id': 'latest' })
      })
      expect(result.code).toBe(1)
      expect(errorLines(result.stdout).join('\n')).toContain(
        'Input "run-id": pipeline 32 has no run yet'
      )
    })
  })

  describe('on-manual-gate', () => {
    const gateRequests = (pipelineId: number, runId: string) => run(pipelineId, runId).gateRequests

    it('wait: says so once with the job and the link, and waits until the timeout', async () => {
      const result = await runStep({
        node,
        inputs: base({ 'pipeline-id': '70', wait: 'true', timeout: '4s' })
      })
      expect(result.code).toBe(1)
      expect(result.outputs).toMatchObject({ status: 'TIMEOUT', 'gate-job': 'Release approval' })
      const notes = result.stdout.split('\n').filter(l => l.includes('waits at a manual gate'))
      expect(notes).toEqual([
        `Job "Approve / Release approval" waits at a manual gate: pass or refuse it in Yunxiao (${result.outputs['run-url']}); waiting on until the timeout (on-manual-gate: wait).`
      ])
      const runId = result.outputs['run-id']
      expect(gateRequests(70, runId)).toEqual([])
      expect(run(70, runId).status).toBe('WAITING')
    })

    it('fail: ends the step at once with WAITING and the link; the run is left waiting', async () => {
      const inputs = base({ 'pipeline-id': '70', wait: 'true', 'on-manual-gate': 'fail' })
      const result = await runStep({ node, inputs })
      expect(result.code).toBe(1)
      expect(result.outputs).toMatchObject({ status: 'WAITING', 'gate-job': 'Release approval' })
      const errors = errorLines(result.stdout).join('\n')
      expect(errors).toContain('on-manual-gate is fail')
      expect(errors).toContain(result.outputs['run-url'])
      const runId = result.outputs['run-id']
      expect(run(70, runId)).toMatchObject({ status: 'WAITING', stopRequests: 0, gateRequests: [] })
      expect(result.summary).toMatch(/WAITING/)
      expect(await post(result, inputs)).toBe(0)
    })

    it('approve: passes the gate once, says so, and follows the run to SUCCESS', async () => {
      const result = await runStep({
        node,
        inputs: base({ 'pipeline-id': '70', wait: 'true', 'on-manual-gate': 'approve' })
      })
      expect(result.code).toBe(0)
      expect(result.outputs).toMatchObject({ status: 'SUCCESS', 'gate-job': 'Release approval' })
      expect(result.stdout).toContain('Passed the manual gate of job "Approve / Release approval".')
      const runId = result.outputs['run-id']
      expect(gateRequests(70, runId).map(r => r.kind)).toEqual(['pass'])
      expect(run(70, runId).gatesPassed.length).toBe(1)
    })

    it('approve: a gate disabled for the token fails with the hint, and nothing is sent', async () => {
      const result = await runStep({
        node,
        inputs: base({ 'pipeline-id': '71', wait: 'true', 'on-manual-gate': 'approve' })
      })
      expect(result.code).toBe(1)
      expect(result.outputs.status).toBe('WAITING')
      const errors = errorLines(result.stdout).join('\n')
      expect(errors).toContain('disable: true')
      expect(errors).toContain('validators: someone-else')
      expect(gateRequests(71, result.outputs['run-id'])).toEqual([])
    })

    it('approve: a 403 from Yunxiao fails with the hint, and is not tried again', async () => {
      sim.addFault({ method: 'POST', path: '/pass', status: 403 })
      const start = sim.requests.length
      const result = await runStep({
        node,
        inputs: base({ 'pipeline-id': '70', wait: 'true', 'on-manual-gate': 'approve' })
      })
      expect(result.code).toBe(1)
      expect(result.outputs.status).toBe('WAITING')
      const errors = errorLines(result.stdout).join('\n')
      expect(errors).toContain('Could not pass the manual gate of job "Approve / Release approval"')
      expect(errors).toContain("must be one of the gate's validators")
      const passes = sim.requests.slice(start).filter(r => r.path.endsWith('/pass'))
      expect(passes.length).toBe(1)
      expect(run(70, result.outputs['run-id']).status).toBe('WAITING')
    })

    it('approve with run-id: a gate already waiting when following began is left to a person', async () => {
      const runId = sim.startRun(70)
      await waitFor(() => run(70, runId).status === 'WAITING', 'the gate')
      const result = await runStep({
        node,
        inputs: base({
          'pipeline-id': '70',
          'run-id': String(runId),
          'on-manual-gate': 'approve',
          timeout: '3s'
        })
      })
      expect(result.code).toBe(1)
      expect(result.outputs.status).toBe('TIMEOUT')
      expect(result.stdout).toContain('was already waiting at a manual gate when this step began')
      expect(gateRequests(70, String(runId))).toEqual([])
    })

    it('approve with run-id: a gate reached while following is passed', async () => {
      const runId = sim.startRun(73) // its Build takes 4 s: the first read comes before the gate
      const result = await runStep({
        node,
        inputs: base({
          'pipeline-id': '73',
          'run-id': String(runId),
          'on-manual-gate': 'approve',
          timeout: '30s'
        })
      })
      expect(result.code).toBe(0)
      expect(result.outputs.status).toBe('SUCCESS')
      expect(gateRequests(73, String(runId)).map(r => r.kind)).toEqual(['pass'])
    })

    it('a cancel while the pass is under way: it finishes, says so, then the run is stopped', async () => {
      sim.addFault({ method: 'POST', path: '/pass', delayMs: 1500 })
      const start = sim.requests.length
      const step = startStep({
        node,
        inputs: base({ 'pipeline-id': '70', wait: 'true', 'on-manual-gate': 'approve' })
      })
      await waitFor(
        () => sim.requests.slice(start).some(r => r.path.endsWith('/pass')),
        'the pass request'
      )
      step.child.kill('SIGINT')
      const result = await step.done
      expect(result.code).toBe(1)
      const lines = result.stdout.split('\n')
      const passed = lines.findIndex(l =>
        l.startsWith(
          'Passed the manual gate of job "Approve / Release approval". The GitHub job was cancelled while the request was under way'
        )
      )
      const stopped = lines.findIndex(l => l.includes('Stopped Yunxiao run'))
      expect(passed).toBeGreaterThan(-1)
      expect(stopped).toBeGreaterThan(passed)
      expect(result.outputs.status).toBe('CANCELED')
      expect(run(70, result.outputs['run-id'])).toMatchObject({ status: 'CANCELED' })
      expect(run(70, result.outputs['run-id']).gatesPassed.length).toBe(1)
    })
  })
})
