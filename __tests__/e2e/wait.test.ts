// End to end: waiting for the run, cancellation and the post step, with the committed dist/index.js.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startFlowSimulator, type FlowSimulator } from '../../simulator/flow-simulator.js'
import { runStep, startStep, type StepResult } from '../../simulator/runner.js'
import { TOKEN, errorLines, expectNoToken, followInputs, nodeBinaries } from '../support/e2e.js'

const job = (
  name: string,
  durationMs: number,
  result: 'SUCCESS' | 'FAIL' = 'SUCCESS',
  log?: string
) => ({
  name,
  durationMs,
  result,
  ...(log ? { log } : {})
})

const PIPELINES = {
  // ~2 s, ends SUCCESS
  1: {
    name: 'quick',
    sources: [{ repo: 'https://codeup.aliyun.com/acme/app.git', branch: 'master' }],
    stages: [
      { name: 'Build', jobs: [job('Compile', 700), job('Lint', 400)] },
      { name: 'Deploy', jobs: [job('Deploy to staging', 700)] }
    ]
  },
  // fails in its second stage
  2: {
    name: 'failing',
    sources: [],
    stages: [
      { name: 'Build', jobs: [job('Compile', 500)] },
      {
        name: 'Test',
        jobs: [
          job(
            'Unit tests',
            700,
            'FAIL',
            'running 42 tests\nFAILED: CartTest.total expected 3 got 4'
          )
        ]
      },
      { name: 'Deploy', jobs: [job('Deploy', 500)] }
    ]
  },
  // a job whose log prints the token, and a stage whose name tries to inject a workflow command
  4: {
    name: 'hostile',
    sources: [],
    stages: [
      {
        name: 'Test\n::warning::injected-by-stage-name',
        jobs: [
          job('Leaky', 300, 'FAIL', `echo token\nthe token is ${TOKEN}\n::error::from the log`)
        ]
      }
    ]
  },
  // long: for timeout and cancellation
  3: {
    name: 'slow',
    sources: [],
    stages: [{ name: 'Deploy', jobs: [job('Rollout', 120_000)] }]
  }
}

function stopRequests(sim: FlowSimulator, runId: string): string[] {
  return sim.requests
    .filter(
      r =>
        r.method === 'PUT' &&
        (r.path.endsWith(`/runs/${runId}`) || r.path.includes(`/pipelineRuns/${runId}/`))
    )
    .map(r => r.path)
}

async function waitFor(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 25))
  }
}

/** Waits for the step's first status read (requests from index `start` on); returns the run id read. */
async function firstRead(sim: FlowSimulator, start: number): Promise<string> {
  let runId = ''
  await waitFor(() => {
    const read = sim.requests
      .slice(start)
      .find(r => r.method === 'GET' && /\/pipelines\/3\/runs\/\d+$/.test(r.path))
    runId = read?.path.split('/').at(-1) ?? ''
    return runId !== ''
  }, 'the first status read')
  return runId
}

describe.each(nodeBinaries())('wait, $label', ({ path: node }) => {
  let sim: FlowSimulator
  beforeAll(async () => {
    sim = await startFlowSimulator({ token: TOKEN, organizationId: 'org-1', pipelines: PIPELINES })
  })
  afterAll(async () => {
    await sim.close()
  })

  const inputs = (pipelineId: number, extra: Record<string, string> = {}) =>
    followInputs(sim.url, pipelineId, extra)

  it('follows a run to SUCCESS: progress, outputs, summary; the post step does nothing', async () => {
    const result = await runStep({ node, inputs: inputs(1) })
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('SUCCESS')
    const run = JSON.parse(result.outputs['run-json'])
    expect(run.status).toBe('SUCCESS')
    expect(run.pipelineRunId).toBe(Number(result.outputs['run-id']))
    expect(Number(result.outputs['duration-seconds'])).toBeGreaterThanOrEqual(1)
    expect(result.stdout).toMatch(/Build/)
    expect(result.stdout).toMatch(/Deploy to staging/)
    expect(result.summary).toMatch(/SUCCESS/)
    expect(result.summary).toContain('Deploy to staging')
    expectNoToken(result)

    const reads = sim.requests.filter(
      r => r.method === 'GET' && r.path.endsWith(`/runs/${result.outputs['run-id']}`)
    ).length
    expect(reads).toBeGreaterThanOrEqual(2)

    const before = sim.requests.length
    const post = await runStep({ node, step: 'post', inputs: inputs(1), state: result.state })
    expect(post.code).toBe(0)
    expect(sim.requests.length).toBe(before)
  })

  it('fails the step when the run fails, with the failed job log and an error naming the job', async () => {
    const result = await runStep({ node, inputs: inputs(2) })
    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('FAIL')
    expect(result.stdout).toMatch(/::group::Test \/ Unit tests \(FAIL\)/)
    expect(result.stdout).toContain('FAILED: CartTest.total expected 3 got 4')
    const errors = errorLines(result.stdout).join('\n')
    expect(errors).toContain('Unit tests')
    expect(errors).toMatch(/ended FAIL/)
    // logs: failed prints no log of a job that succeeded
    expect(result.stdout).not.toMatch(/::group::Build \/ Compile/)
    expectNoToken(result)
  })

  it('times out, fails with the link, and leaves the run alone without stop-on-timeout', async () => {
    const result = await runStep({ node, inputs: inputs(3, { timeout: '3s' }) })
    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('TIMEOUT')
    const errors = errorLines(result.stdout).join('\n')
    expect(errors).toMatch(/Timed out after/)
    expect(errors).toContain(result.outputs['run-url'])
    expect(stopRequests(sim, result.outputs['run-id'])).toEqual([])
  })

  it('stops the run on timeout with stop-on-timeout', async () => {
    const result = await runStep({
      node,
      inputs: inputs(3, { timeout: '2s', 'stop-on-timeout': 'true' })
    })
    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('TIMEOUT')
    expect(stopRequests(sim, result.outputs['run-id']).length).toBe(1)
  })

  it('rides out 5xx and 429 answers while polling', async () => {
    sim.addFault({ method: 'GET', path: /\/runs\/\d+$/, status: 503, times: 2 })
    sim.addFault({
      method: 'GET',
      path: /\/runs\/\d+$/,
      status: 429,
      headers: { 'retry-after': '1' }
    })
    const result = await runStep({ node, inputs: inputs(1) })
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('SUCCESS')
  })

  it('fails at once when the token loses access while polling', async () => {
    sim.addFault({ method: 'GET', path: /\/runs\/\d+$/, status: 403, times: 1 })
    const result = await runStep({ node, inputs: inputs(3, { timeout: '1m' }) })
    expect(result.code).toBe(1)
    expect(errorLines(result.stdout).join('\n')).toContain('403')
  })

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`stops the Yunxiao run when the step gets ${signal}, and exits`, async () => {
      const start = sim.requests.length
      const step = startStep({ node, inputs: inputs(3) })
      const runId = await firstRead(sim, start)
      step.child.kill(signal)
      const result: StepResult = await step.done
      expect(result.code).toBe(1)
      expect(stopRequests(sim, runId).length).toBeGreaterThanOrEqual(1)
      expect(result.stdout).toMatch(/Stopped Yunxiao run/)
      // It ended by finishing its work (the last thing it does is fail the step), not by the
      // backstop timer that exits before the runner's kill.
      expect(errorLines(result.stdout).join('\n')).toMatch(
        /The GitHub job was cancelled while following Yunxiao run/
      )
      expect(result.outputs.status).toBe('CANCELED')
      expect(result.summary).toMatch(/Stopped: the GitHub job was cancelled/)
      expect(sim.runs(3).find(r => String(r.id) === runId)?.status).toBe('CANCELED')
      // post step: main finished its business, nothing to do
      const before = sim.requests.length
      const post = await runStep({ node, step: 'post', inputs: inputs(3), state: result.state })
      expect(post.code).toBe(0)
      expect(sim.requests.length).toBe(before)
    })
  }

  it('keeps the token out of copied job logs and names out of workflow commands', async () => {
    const result = await runStep({ node, inputs: inputs(4, { logs: 'all' }) })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('the token is ***')
    expectNoToken(result)
    const lines = result.stdout.split('\n')
    // Only the action's own commands: no line from a name or a log acts as a command.
    expect(lines.filter(l => l.startsWith('::warning::injected'))).toEqual([])
    const stops = lines.filter(l => l.startsWith('::stop-commands::'))
    expect(stops.length).toBe(1)
    const token = stops[0].slice('::stop-commands::'.length)
    const inside = lines.slice(lines.indexOf(stops[0]) + 1, lines.indexOf(`::${token}::`))
    expect(inside).toContain('::error::from the log')
  })

  it('starts no run when the job is cancelled while a create waits to be retried', async () => {
    sim.addFault({ method: 'POST', path: '/runs', status: 429, headers: { 'retry-after': '5' } })
    const start = sim.requests.length
    const step = startStep({ node, inputs: inputs(1) })
    await waitFor(() => sim.requests.slice(start).some(r => r.method === 'POST'), 'the first POST')
    step.child.kill('SIGINT')
    const result = await step.done
    expect(result.code).toBe(1)
    expect(sim.requests.slice(start).filter(r => r.method === 'POST').length).toBe(1)
    expect(result.outputs['run-id']).toBeUndefined()
    expect(errorLines(result.stdout).join('\n')).toMatch(/cancel/i)
  })

  it('a cancel while the create is in flight: the run that then starts is stopped, and told so', async () => {
    sim.addFault({ method: 'POST', path: '/runs', delayMs: 1500 })
    const start = sim.requests.length
    const step = startStep({ node, inputs: inputs(3) })
    await waitFor(() => sim.requests.slice(start).some(r => r.method === 'POST'), 'the POST')
    step.child.kill('SIGINT')
    const result = await step.done
    const runId = result.outputs['run-id']
    expect(result.code).toBe(1)
    expect(runId).toMatch(/^\d+$/)
    expect(sim.runs(3).find(r => String(r.id) === runId)?.status).toBe('CANCELED')
    expect(errorLines(result.stdout).join('\n')).toContain(
      `The GitHub job was cancelled while starting Yunxiao run #${runId}. Stopped Yunxiao run #${runId}`
    )
    expect(JSON.parse(result.state.run)).toMatchObject({ phase: 'finished' })
  })

  it('leaves the run to the post step when stopping it on cancel fails', async () => {
    const start = sim.requests.length
    const step = startStep({ node, inputs: inputs(3) })
    const runId = await firstRead(sim, start)
    sim.addFault({ method: 'PUT', path: `/runs/${runId}`, status: 500, times: 5 })
    step.child.kill('SIGINT')
    const main = await step.done
    expect(main.code).toBe(1)
    expect(errorLines(main.stdout).join('\n')).toMatch(/Could not stop Yunxiao run/)
    expect(JSON.parse(main.state.run)).toMatchObject({ phase: 'following', stop: true })
    expect(sim.runs(3).find(r => String(r.id) === runId)?.status).not.toBe('CANCELED')
    // the faults are used up by now; the post step stops the run
    while (sim.faults.length) sim.faults.pop()
    const post = await runStep({ node, step: 'post', inputs: inputs(3), state: main.state })
    expect(post.code).toBe(0)
    expect(post.stdout).toMatch(/Stopped Yunxiao run/)
    expect(sim.runs(3).find(r => String(r.id) === runId)?.status).toBe('CANCELED')
  })

  it('the post step leaves a killed run alone with stop-on-cancel false', async () => {
    const start = sim.requests.length
    const step = startStep({ node, inputs: inputs(3, { 'stop-on-cancel': 'false' }) })
    const runId = await firstRead(sim, start)
    step.child.kill('SIGKILL')
    const main = await step.done
    const post = await runStep({
      node,
      step: 'post',
      inputs: inputs(3, { 'stop-on-cancel': 'false' }),
      state: main.state
    })
    expect(post.code).toBe(0)
    expect(post.stdout).toMatch(/may still be running \(stop-on-cancel is false\)/)
    expect(stopRequests(sim, runId)).toEqual([])
  })

  it('falls back to stopping jobs when the run stop is refused', async () => {
    sim.setOptions({ refuseRunStop: true })
    try {
      let log = ''
      const step = startStep({ node, inputs: inputs(3), onStdout: chunk => (log += chunk) })
      await waitFor(() => /Rollout.*RUNNING/.test(log), 'the job to run')
      step.child.kill('SIGINT')
      const result = await step.done
      expect(result.code).toBe(1)
      const runId = result.outputs['run-id']
      expect(stopRequests(sim, runId).some(p => /\/jobs\/\d+\/stop$/.test(p))).toBe(true)
    } finally {
      sim.setOptions({ refuseRunStop: false })
    }
  })

  it('the post step stops a run whose main step was killed outright', async () => {
    const start = sim.requests.length
    const step = startStep({ node, inputs: inputs(3) })
    const runId = await firstRead(sim, start)
    step.child.kill('SIGKILL')
    const main = await step.done
    expect(main.signal).toBe('SIGKILL')
    expect(main.outputs['run-id']).toBe(runId)
    expect(stopRequests(sim, runId)).toEqual([])
    const post = await runStep({ node, step: 'post', inputs: inputs(3), state: main.state })
    expect(post.code).toBe(0)
    expect(stopRequests(sim, runId).length).toBe(1)
    expect(sim.runs(3).find(r => String(r.id) === runId)?.status).toBe('CANCELED')
    expectNoToken(post)
  })
})
