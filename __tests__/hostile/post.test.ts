// The post step as a hostile world sees it: the committed dist/post.js, run as the runner runs
// action.yml's `runs.post`, after a main step that was cut short in every way found so far.
// It may only ever stop the run main recorded; it never starts one and stays within its bound.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { startFlowSimulator, type FlowSimulator } from '../../simulator/flow-simulator.js'
import { join } from 'node:path'
import { DIST_POST_ENTRY, ROOT, actionEntries, runStep, startStep } from '../../simulator/runner.js'
import { TOKEN, expectNoToken, nodeBinaries } from '../support/e2e.js'

const PIPELINES = {
  5: {
    name: 'long',
    sources: [],
    stages: [{ name: 'Deploy', jobs: [{ name: 'Rollout', durationMs: 600_000 }] }]
  }
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

describe('dist/post.js', () => {
  const code = readFileSync(DIST_POST_ENTRY, 'utf8')

  it('is what action.yml runs as the post step, apart from the main entry', () => {
    const { main, post } = actionEntries()
    expect(post).toBe(DIST_POST_ENTRY)
    expect(post).not.toBe(main)
  })

  // Every file of ours the post step can load: dist/post.js and what it requires, transitively.
  const reachable = (name: string, seen = new Set<string>()): string[] => {
    if (seen.has(name)) return [...seen]
    seen.add(name)
    const text = readFileSync(join(ROOT, 'dist', name), 'utf8')
    for (const m of text.matchAll(/require\("\.\/([^"]+)"\)/g)) reachable(m[1], seen)
    return [...seen]
  }

  it('can load post-work.js (the GitHub side folded in) and js-yaml.js, no other file', () => {
    expect(reachable('post.js').sort()).toEqual(['js-yaml.js', 'post-work.js', 'post.js'])
  })

  it.each(reachable('post.js'))(
    '%s (all the post step can load) holds no path to CreatePipelineRun',
    name => {
      const text = readFileSync(join(ROOT, 'dist', name), 'utf8')
      // (Checked with includes: a failing toMatch would print the whole bundle.)
      expect(text.includes('CreatePipelineRun')).toBe(false)
      expect(text.includes('createRun')).toBe(false)
      // The create path is the only one that is exactly "/runs"; the others go on (`/runs/${id}`).
      expect(/["'`]\/runs["'`]/.test(text)).toBe(false)
    }
  )

  it('loads its work only when there is some: dist/post.js requires dist/post-work.js, nothing else of ours', () => {
    const ours = [...code.matchAll(/require\("(\.[^"]+)"\)/g)].map(m => m[1])
    expect(ours).toEqual(['./post-work.js'])
    expect(code.length).toBeLessThan(8 * 1024)
  })

  it('with nothing to do, loads no network module', () => {
    // What Node loaded by the time the step ended, with no state (a job that never started a run).
    const probe = spawnSync(
      process.execPath,
      [
        '-e',
        `process.on('exit', () => process.stderr.write(JSON.stringify(process.moduleLoadList))); require(${JSON.stringify(DIST_POST_ENTRY)})`
      ],
      { env: { PATH: process.env.PATH ?? '', RUNNER_DEBUG: '1' }, encoding: 'utf8' }
    )
    expect(probe.status).toBe(0)
    const loaded = JSON.parse(probe.stderr) as string[]
    const network = loaded.filter(m => /^NativeModule (http|https|tls|crypto|zlib)$/.test(m))
    expect(network).toEqual([])
    expect(probe.stdout).toMatch(/^::debug::Nothing to do/)
  })
})

describe.each(nodeBinaries())('post step, $label', ({ path: node }) => {
  let sim: FlowSimulator
  beforeAll(async () => {
    sim = await startFlowSimulator({ token: TOKEN, organizationId: 'org-1', pipelines: PIPELINES })
  })
  afterAll(async () => {
    await sim.close()
  })

  const inputs = (extra: Record<string, string> = {}) => ({
    token: TOKEN,
    'organization-id': 'org-1',
    'pipeline-id': '5',
    domain: sim.url,
    wait: 'true',
    'poll-interval': '1s',
    ...extra
  })

  it.each([0, 1, 5, 20, 40, 80])(
    'never starts a run after main got SIGINT %i ms in',
    async delayMs => {
      const start = sim.requests.length
      const step = startStep({ node, inputs: inputs() })
      if (delayMs) await sleep(delayMs)
      step.child.kill('SIGINT')
      const main = await step.done
      const mainPosts = sim.requests.slice(start).filter(r => r.method === 'POST').length
      expect(mainPosts).toBeLessThanOrEqual(1)

      const beforePost = sim.requests.length
      const post = await runStep({ node, step: 'post', inputs: inputs(), state: main.state })
      expect(post.code).toBe(0)
      const byPost = sim.requests.slice(beforePost)
      expect(byPost.filter(r => r.method === 'POST')).toEqual([])
      expect(byPost.every(r => r.method === 'PUT' || r.method === 'GET')).toBe(true)
      expectNoToken(post)
    }
  )

  it.each([
    ['no state at all', {}],
    [
      'the old flags (isPost, following) of an earlier version',
      { isPost: 'true', runId: '1', pipelineId: '5', following: 'true' }
    ],
    ['an unreadable record', { run: '{"phase":"following","runId":' }],
    [
      'a record naming another kind of phase',
      { run: '{"phase":"create","pipelineId":5,"runId":1}' }
    ],
    [
      'a finished run',
      {
        run: JSON.stringify({
          phase: 'finished',
          pipelineId: 5,
          runId: 1,
          baseUrl: 'http://127.0.0.1:9',
          consoleUrl: 'https://flow.aliyun.com',
          stop: true
        })
      }
    ]
  ])('does nothing with %s', async (_, state) => {
    const before = sim.requests.length
    const post = await runStep({ node, step: 'post', inputs: inputs(), state })
    expect(post.code).toBe(0)
    expect(post.stderr).toBe('')
    expect(sim.requests.length).toBe(before)
    expect(post.stdout).toBe('')
  })

  it('keeps the run id, run-url and notice when GITHUB_STATE cannot be written; post then does nothing', async () => {
    const start = sim.requests.length
    const main = await runStep({
      node,
      inputs: inputs({ wait: 'false' }),
      env: { GITHUB_STATE: '/nonexistent-dir/state' }
    })
    expect(main.code).toBe(0)
    expect(sim.requests.slice(start).filter(r => r.method === 'POST').length).toBe(1)
    const runId = main.outputs['run-id']
    expect(Number(runId)).toBeGreaterThan(0)
    expect(main.outputs['run-url']).toContain(`/builds/${runId}`)
    expect(main.stdout).toMatch(new RegExp(`::notice .*run #${runId} `))
    expect(main.stdout).toMatch(/::warning::Could not record Yunxiao run/)
    // The notice came before the attempt to write the state.
    expect(main.stdout.indexOf('::notice')).toBeLessThan(main.stdout.indexOf('::warning::'))

    const before = sim.requests.length
    const post = await runStep({ node, step: 'post', inputs: inputs(), state: main.state })
    expect(post.code).toBe(0)
    expect(sim.requests.length).toBe(before)
  })

  it('says why it ends, with the run-list link, when cancelled during a create that does not answer', async () => {
    sim.addFault({ method: 'POST', path: '/runs', delayMs: 30_000 })
    const start = sim.requests.length
    const step = startStep({ node, inputs: inputs() })
    for (let i = 0; i < 400; i++) {
      if (sim.requests.slice(start).some(r => r.method === 'POST')) break
      await sleep(25)
    }
    const killedAt = Date.now()
    step.child.kill('SIGINT')
    const main = await step.done
    // It ends by itself before the runner's kill, 10 s after SIGINT.
    expect(Date.now() - killedAt).toBeLessThan(10_000)
    expect(main.code).toBe(1)
    const errors = main.stdout.split('\n').filter(l => l.startsWith('::error'))
    expect(errors.length).toBe(1)
    expect(errors[0]).toMatch(/cancelled while the run was being started/)
    expect(errors[0]).toMatch(/A run may have started: check .*\/pipelines\/5\/current/)
    expect(main.outputs['run-id']).toBeUndefined()

    // Main recorded no run: the post step does nothing, whatever the server did with the create.
    const before = sim.requests.length
    const post = await runStep({ node, step: 'post', inputs: inputs(), state: main.state })
    expect(post.code).toBe(0)
    expect(sim.requests.length).toBe(before)
  }, 60_000)

  it('sends the stop after a short first read that stalls, and ends within its bound when every status read stalls', async () => {
    const start = sim.requests.length
    const step = startStep({ node, inputs: inputs() })
    let runId = ''
    for (let i = 0; i < 600 && !runId; i++) {
      await sleep(25)
      const read = sim.requests
        .slice(start)
        .find(r => r.method === 'GET' && /\/runs\/\d+$/.test(r.path))
      runId = read?.path.split('/').at(-1) ?? ''
    }
    expect(runId).not.toBe('')
    step.child.kill('SIGKILL')
    const main = await step.done

    // The first read (to stop only a run that has not ended) never answers: the stop goes out after
    // its short deadline. The run stop is refused (a 4xx), so the post step reads the run again to
    // stop its jobs; that read never answers either.
    sim.addFault({ method: 'PUT', path: `/runs/${runId}`, status: 400, times: 5 })
    sim.addFault({ method: 'GET', path: new RegExp(`/runs/${runId}$`), delayMs: 120_000, times: 5 })
    const before = sim.requests.length
    const began = Date.now()
    const post = await runStep({ node, step: 'post', inputs: inputs(), state: main.state })
    const took = Date.now() - began
    while (sim.faults.length) sim.faults.pop()

    expect(post.code).toBe(0)
    const byPost = sim.requests.slice(before)
    expect(byPost.slice(0, 2).map(r => r.method)).toEqual(['GET', 'PUT'])
    expect(byPost[1].time - byPost[0].time).toBeLessThan(8_000)
    expect(byPost.filter(r => r.method === 'POST')).toEqual([])
    expect(post.stdout).toMatch(/::warning::.*(Could not stop|gave up).*Yunxiao run/)
    expect(post.stdout).toContain(`/builds/${runId}`)
    // The bound is 25 s; generous margin for a loaded machine.
    expect(took).toBeLessThan(40_000)
    expectNoToken(post)
  }, 90_000)
})
