// End to end: a trigger with `branch` (GetPipeline, then CreatePipelineRun) makes both requests on
// one connection, and the step still ends at once although the server would keep that connection
// open for a minute: the idle pooled socket does not hold the process.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startFlowSimulator, type FlowSimulator } from '../../simulator/flow-simulator.js'
import { runStep } from '../../simulator/runner.js'
import { TOKEN, expectNoToken, nodeBinaries } from '../support/e2e.js'

describe.each(nodeBinaries())('connection reuse, $label', ({ path: node }) => {
  let sim: FlowSimulator
  beforeAll(async () => {
    sim = await startFlowSimulator({
      token: TOKEN,
      organizationId: 'org-1',
      keepAliveMs: 60_000,
      pipelines: {
        123: {
          name: 'shop',
          sources: [{ repo: 'https://codeup.aliyun.com/acme/shop-api.git', branch: 'master' }],
          stages: [{ name: 'Build', jobs: [{ name: 'build', durationMs: 500, result: 'SUCCESS' }] }]
        }
      }
    })
  })
  afterAll(async () => {
    await sim.close()
  })

  it('a branch trigger reads the pipeline and starts the run on one connection, and ends at once', async () => {
    const before = sim.requests.length
    const connections = sim.connections()
    const started = Date.now()
    const result = await runStep({
      node,
      inputs: {
        token: TOKEN,
        'organization-id': 'org-1',
        'pipeline-id': '123',
        domain: sim.url,
        branch: 'main'
      }
    })
    const ms = Date.now() - started
    expect(result.code).toBe(0)
    expect(result.outputs['run-id']).toMatch(/^\d+$/)
    const made = sim.requests.slice(before)
    expect(made.map(r => r.method)).toEqual(['GET', 'POST'])
    expect(sim.connections()).toBe(connections + 1)
    expect(new Set(made.map(r => r.connection)).size).toBe(1)
    expect(sim.runs('123')).toHaveLength(1)
    // The simulator keeps an idle connection 60 s: a pooled socket that held the process would
    // show here.
    expect(ms).toBeLessThan(30_000)
    expectNoToken(result)
  })
})
