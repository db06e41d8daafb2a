// End to end: the committed dist/index.js, run as the runner runs it, against the Flow simulator.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFlowSimulator, type FlowSimulator } from '../../simulator/flow-simulator.js'
import { runStep } from '../../simulator/runner.js'
import { TOKEN, errorLines, expectNoToken, nodeBinaries } from '../support/e2e.js'

const REPO_A = 'https://codeup.aliyun.com/acme/shop-api.git'
const REPO_B = 'https://codeup.aliyun.com/acme/shop-web.git'

describe.each(nodeBinaries())('trigger, $label', ({ path: node }) => {
  let sim: FlowSimulator
  beforeAll(async () => {
    sim = await startFlowSimulator({
      token: TOKEN,
      organizationId: 'org-1',
      echoToken: true,
      pipelines: {
        123: {
          name: 'shop',
          sources: [
            { repo: REPO_A, branch: 'master' },
            { repo: REPO_B, branch: 'master' }
          ],
          stages: [{ name: 'Build', jobs: [{ name: 'build', durationMs: 500, result: 'SUCCESS' }] }]
        },
        77: {
          name: 'branch mode',
          sources: [],
          stages: [{ name: 'Build', jobs: [{ name: 'build', durationMs: 500, result: 'SUCCESS' }] }]
        }
      }
    })
  })
  afterAll(async () => {
    await sim.close()
  })

  const base = (): Record<string, string> => ({
    token: TOKEN,
    'organization-id': 'org-1',
    'pipeline-id': '123',
    domain: sim.url
  })

  function posts(): number {
    return sim.requests.filter(r => r.method === 'POST').length
  }

  it('starts a run on the center edition and sets run-id, run-url, params, notice and summary', async () => {
    const before = posts()
    const result = await runStep({
      node,
      inputs: {
        ...base(),
        branch: 'release/1.2',
        'running-branches': `${REPO_B}: feature/x`,
        envs: 'VERSION: 1.0\nDEBUG: false\nAPI_KEY: s3cr3t-value\nCOUNT: 3'
      }
    })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(posts()).toBe(before + 1)
    const post = sim.requests.filter(r => r.method === 'POST').at(-1)!
    expect(post.path).toBe('/oapi/v1/flow/organizations/org-1/pipelines/123/runs')
    expect(post.headers['x-yunxiao-token']).toBe(TOKEN)
    expect(post.headers['content-type']).toMatch(/^application\/json/)
    expect(post.headers['user-agent']).toMatch(/^yunxiao-flow-action\/\d+\.\d+\.\d+/)
    const body = JSON.parse(post.body)
    expect(Object.keys(body)).toEqual(['params'])
    expect(result.outputs.params).toBe(body.params)
    const params = JSON.parse(body.params)
    expect(params.envs).toEqual({
      VERSION: '1.0',
      DEBUG: 'false',
      API_KEY: 's3cr3t-value',
      COUNT: '3'
    })
    expect(params.runningBranchs).toEqual({ [REPO_A]: 'release/1.2', [REPO_B]: 'feature/x' })
    expect(params.comment).toContain('https://github.com/octo-org/shop/actions/runs/9876543210')
    expect(params.comment).toContain('3f78685')

    const runId = Number(result.outputs['run-id'])
    expect(Number.isInteger(runId) && runId > 0).toBe(true)
    expect(result.outputs['run-url']).toBe(`https://flow.aliyun.com/pipelines/123/builds/${runId}`)
    expect(result.stdout).toContain(`::notice`)
    expect(result.stdout).toContain(result.outputs['run-url'])
    expect(result.summary).toContain(result.outputs['run-url'])
    expect(result.summary).toContain('API_KEY')
    expect(result.summary).not.toContain('s3cr3t-value')
    expect(result.stdout).toContain(`::add-mask::${TOKEN}`)
    expectNoToken(result)
  })

  it('uses Region edition paths when organization-id is empty', async () => {
    const result = await runStep({
      node,
      inputs: { token: TOKEN, 'pipeline-id': '123', domain: sim.url, branches: 'main, dev' }
    })
    expect(result.code).toBe(0)
    const post = sim.requests.filter(r => r.method === 'POST').at(-1)!
    expect(post.path).toBe('/oapi/v1/flow/pipelines/123/runs')
    expect(JSON.parse(JSON.parse(post.body).params).branchModeBranchs).toEqual(['main', 'dev'])
    expectNoToken(result)
  })

  it('sends branch as a branch-mode branch for a pipeline without code sources', async () => {
    const result = await runStep({
      node,
      inputs: { ...base(), 'pipeline-id': '77', branch: 'main', comment: 'from e2e' }
    })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.outputs.params)).toEqual({
      branchModeBranchs: ['main'],
      comment: 'from e2e'
    })
  })

  it('stops on bad input before sending anything, naming the input', async () => {
    const before = sim.requests.length
    const result = await runStep({ node, inputs: { ...base(), 'pipeline-id': '12a' } })
    expect(result.code).toBe(1)
    expect(sim.requests.length).toBe(before)
    const errors = errorLines(result.stdout)
    expect(errors.join('\n')).toContain('pipeline-id')
    expect(errors.join('\n')).toContain('12a')
    expectNoToken(result)
  })

  it('rejects a nested run variable before sending anything', async () => {
    const before = sim.requests.length
    const result = await runStep({ node, inputs: { ...base(), envs: 'A:\n  B: 1' } })
    expect(result.code).toBe(1)
    expect(sim.requests.length).toBe(before)
    expect(errorLines(result.stdout).join('\n')).toContain('envs')
  })

  it('explains a rejected token without printing it, even when the server echoes it', async () => {
    const result = await runStep({ node, inputs: { ...base(), token: `${TOKEN}-old` } })
    expect(result.code).toBe(1)
    const errors = errorLines(result.stdout).join('\n')
    expect(errors).toContain('401')
    expect(errors).toMatch(/invalid or expired/i)
    expectNoToken(result, `${TOKEN}-old`)
  })

  it('explains a 404 from an edition mismatch', async () => {
    const result = await runStep({ node, inputs: { ...base(), 'pipeline-id': '999' } })
    expect(result.code).toBe(1)
    const errors = errorLines(result.stdout).join('\n')
    expect(errors).toContain('404')
    expect(errors).toMatch(/organization id/i)
  })

  it('does not retry a create after a 5xx and says the run may have started', async () => {
    sim.addFault({ method: 'POST', path: '/runs', status: 502, body: 'Bad Gateway' })
    const before = posts()
    const result = await runStep({ node, inputs: base() })
    expect(result.code).toBe(1)
    expect(posts()).toBe(before + 1)
    const errors = errorLines(result.stdout).join('\n')
    expect(errors).toContain('502')
    expect(errors).toMatch(/may have started/)
    expect(errors).toContain('https://flow.aliyun.com/pipelines/123/current')
    expect(result.outputs['run-id']).toBeUndefined()
  })

  it('retries a create answered 429, honouring Retry-After', async () => {
    sim.addFault({ method: 'POST', path: '/runs', status: 429, headers: { 'retry-after': '1' } })
    const before = posts()
    const result = await runStep({ node, inputs: base() })
    expect(result.code).toBe(0)
    expect(posts()).toBe(before + 2)
    expect(Number(result.outputs['run-id'])).toBeGreaterThan(0)
  })

  it('explains an HTML answer as a wrong domain', async () => {
    sim.addFault({ method: 'POST', path: '/runs', html: true })
    const result = await runStep({ node, inputs: base() })
    expect(result.code).toBe(1)
    expect(errorLines(result.stdout).join('\n')).toMatch(/domain/)
  })

  it('dry-run logs the request with the token redacted and sends nothing', async () => {
    const before = posts()
    const result = await runStep({
      node,
      inputs: { ...base(), 'dry-run': 'true', branches: 'main', comment: 'c' }
    })
    expect(result.code).toBe(0)
    expect(posts()).toBe(before)
    expect(result.outputs.params).toBe('{"branchModeBranchs":["main"],"comment":"c"}')
    expect(result.stdout).toContain('x-yunxiao-token: ***')
    expect(result.outputs['run-id']).toBeUndefined()
    expectNoToken(result)
  })
  it('over plain HTTP loads neither node:tls nor node:crypto, and its outputs still parse (docs/performance.md)', async () => {
    // What Node loaded by the end of a trigger with envs (YAML) and branches: over http:// the TLS
    // stack stays unloaded, and the outputs are written without node:crypto (commands.ts).
    const dir = mkdtempSync(join(tmpdir(), 'trigger-loads-'))
    const out = join(dir, 'loaded.json')
    const hook = join(dir, 'hook.cjs')
    writeFileSync(
      hook,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.moduleLoadList)))\n`
    )
    try {
      const result = await runStep({
        node,
        inputs: { ...base(), envs: 'A: "x\\n::error::y"\nB: 1.0', branches: 'main' },
        env: { NODE_OPTIONS: `--require ${hook}` }
      })
      expect(result.code).toBe(0)
      expect(result.outputs['run-id']).toMatch(/^\d+$/)
      expect(JSON.parse(result.outputs.params)).toMatchObject({
        envs: { A: 'x\n::error::y', B: '1.0' }
      })
      const loaded = JSON.parse(readFileSync(out, 'utf8')) as string[]
      expect(loaded.filter(m => /^NativeModule (https|tls|_tls_wrap|crypto)$/.test(m))).toEqual([])
      expect(loaded).toContain('NativeModule http')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
