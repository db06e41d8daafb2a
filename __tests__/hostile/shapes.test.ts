// Odd shapes from a hostile or broken server, through the committed dist/index.js as the runner runs
// it: a clear error or a safe default, never a TypeError, and a SUCCESS run always passes.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startFlowSimulator, type FlowSimulator } from '../../simulator/flow-simulator.js'
import { runStep } from '../../simulator/runner.js'
import { TOKEN, errorLines, expectNoToken, nodeBinaries } from '../support/e2e.js'

const ODD_STAGES = [
  null,
  7,
  {
    name: 12,
    stageInfo: {
      name: { a: 1 },
      status: ['SUCCESS'],
      jobs: [null, 'x', { id: '1', name: 5, status: { s: 1 } }]
    }
  },
  { stageInfo: null },
  {
    name: 'Deploy',
    stageInfo: {
      status: 'SUCCESS',
      jobs: [{ id: 10001, name: null, status: 'SUCCESS', startTime: 'a', endTime: {} }]
    }
  },
  { name: 'Third', stageInfo: { jobs: 'none' } }
]

describe.each(nodeBinaries())('odd shapes, $label', ({ path: node }) => {
  let sim: FlowSimulator
  beforeAll(async () => {
    sim = await startFlowSimulator({
      token: TOKEN,
      organizationId: 'org-1',
      pipelines: {
        9: {
          name: 'shapes',
          sources: [],
          stages: [{ name: 'Build', jobs: [{ name: 'build', durationMs: 300_000 }] }]
        }
      }
    })
  })
  afterAll(async () => {
    await sim.close()
  })

  const inputs = (extra: Record<string, string> = {}) => ({
    token: TOKEN,
    'organization-id': 'org-1',
    'pipeline-id': '9',
    domain: sim.url,
    ...extra
  })
  const following = { wait: 'true', 'poll-interval': '1s', logs: 'all' }
  const clear = () => {
    while (sim.faults.length) sim.faults.pop()
  }

  it('a SUCCESS run passes whatever its stage list holds', async () => {
    for (const stages of [ODD_STAGES, [null], { not: 'a list' }, 'x']) {
      sim.addFault({
        method: 'GET',
        path: /\/runs\/\d+$/,
        status: 200,
        body: { status: 'SUCCESS', pipelineRunId: 'one', stages }
      })
      sim.addFault({
        method: 'GET',
        path: /\/job\/\d+\/log$/,
        status: 200,
        body: { content: 'log' },
        times: 5
      })
      const result = await runStep({ node, inputs: inputs(following) })
      clear()
      expect({ stages, code: result.code, stderr: result.stderr }).toEqual({
        stages,
        code: 0,
        stderr: ''
      })
      expect(result.outputs.status).toBe('SUCCESS')
      expect(result.summary).toMatch(/Yunxiao Flow run SUCCESS/)
      expect(result.stdout).not.toMatch(/TypeError|is not a function|Cannot read properties/)
      expectNoToken(result)
    }
  }, 60_000)

  it('names the odd parts sensibly in the summary: by place, counted in the run', async () => {
    sim.addFault({
      method: 'GET',
      path: /\/runs\/\d+$/,
      status: 200,
      body: { status: 'SUCCESS', stages: ODD_STAGES }
    })
    const result = await runStep({ node, inputs: inputs({ ...following, logs: 'none' }) })
    clear()
    expect(result.code).toBe(0)
    expect(result.summary).toContain('| stage 1 | job 1 |')
    expect(result.summary).toContain('| Deploy | job 10001 | ✅ SUCCESS |')
    expect(result.summary).toContain('| Third | |')
  })

  it('reads again after answers that are not a run ({}, an HTML page) and follows the run to its end', async () => {
    sim.addFault({ method: 'GET', path: /\/runs\/\d+$/, status: 200, body: {} })
    sim.addFault({ method: 'GET', path: /\/runs\/\d+$/, html: true })
    sim.addFault({ method: 'GET', path: /\/runs\/\d+$/, status: 200, body: '[]' })
    sim.addFault({ method: 'GET', path: /\/runs\/\d+$/, status: 200, body: { status: 'SUCCESS' } })
    const result = await runStep({ node, inputs: inputs(following) })
    clear()
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('SUCCESS')
    expect(result.stdout).toMatch(
      /::warning::Reading the run status failed .*the answer is not a pipeline run/
    )
    expect(result.stdout).toMatch(/Reading the run status works again \(after 3 failed read\(s\)\)/)
  }, 60_000)

  it('a pipeline whose code sources are odd: the URLs that are text, else branch-mode', async () => {
    sim.addFault({
      method: 'GET',
      path: /\/pipelines\/9$/,
      status: 200,
      body: {
        pipelineConfig: {
          sources: [
            null,
            5,
            { data: null },
            { data: { repo: 7 } },
            { data: { repo: 'https://codeup.example/a.git' } }
          ]
        }
      }
    })
    sim.addFault({
      method: 'GET',
      path: /\/pipelines\/9$/,
      status: 200,
      body: { pipelineConfig: { sources: 'x' } }
    })
    const first = await runStep({ node, inputs: inputs({ branch: 'main' }) })
    const second = await runStep({ node, inputs: inputs({ branch: 'main' }) })
    clear()
    expect([first.code, second.code]).toEqual([0, 0])
    expect(JSON.parse(first.outputs.params).runningBranchs).toEqual({
      'https://codeup.example/a.git': 'main'
    })
    expect(JSON.parse(second.outputs.params).branchModeBranchs).toEqual(['main'])
    expect(errorLines(first.stdout)).toEqual([])
  })
})
