// The GitHub side under hostile answers, through the committed dist/index.js run as the runner
// runs it: error texts that carry a token (either one, in any form) across the point where the
// action cuts them, and a GitHub that hangs while the step is cancelled or has a short timeout.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startFlowSimulator, type FlowSimulator } from '../../simulator/flow-simulator.js'
import { startGithubSimulator, type GithubSimulator } from '../../simulator/github-simulator.js'
import { runStep, startStep, type StepResult } from '../../simulator/runner.js'
import { TOKEN, nodeBinaries } from '../support/e2e.js'
import { startYunxiao, type FakeYunxiao } from './support/yunxiao.js'

const GH_TOKEN = 'ghs_hostileGithubToken0123456789abcdXYZ'

const code = (c: string) => c.codePointAt(0) ?? 0
/** A token as a server may write it. */
const FORMS: Record<string, (token: string) => string> = {
  raw: t => t,
  'HTML decimal references': t => [...t].map(c => `&#${code(c)};`).join(''),
  'HTML hex references': t => [...t].map(c => `&#x${code(c).toString(16)};`).join(''),
  'percent-encoded': t => [...Buffer.from(t)].map(b => `%${b.toString(16)}`).join(''),
  '\\u escapes': t => [...t].map(c => `\\u${code(c).toString(16).padStart(4, '0')}`).join('')
}
const TOKENS = { 'Yunxiao token': TOKEN, 'github-token': GH_TOKEN }

/** What the runner reads: the step's output with a command's data unescaped. */
function readable(result: StepResult): string {
  const stdout = result.stdout
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  const out = `${stdout}\n${result.stderr}\n${result.summary}\n${result.rawOutputFile}`
  return out.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%')
}

/**
 * `form` placed so that the cut at `cut` characters falls in its middle; the step's output must
 * hold no part of it as long as the part before the cut.
 */
function straddle(form: string, cut: number): { text: string; head: string } {
  const half = Math.floor(form.length / 2)
  return { text: `${'x'.repeat(cut - half)}${form} and more`, head: form.slice(0, half) }
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

async function waitFor(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

const cases = Object.entries(TOKENS).flatMap(([which, token]) =>
  Object.entries(FORMS).map(([form, write]) => ({ which, form, value: write(token) }))
)

describe.each(nodeBinaries())('hostile GitHub, $label', ({ path: node }) => {
  let flow: FlowSimulator
  let gh: GithubSimulator
  let yunxiao: FakeYunxiao
  beforeAll(async () => {
    flow = await startFlowSimulator({
      token: TOKEN,
      organizationId: 'org-1',
      pipelines: {
        1: {
          name: 'quick',
          sources: [],
          stages: [{ name: 'B', jobs: [{ name: 'C', durationMs: 200 }] }]
        },
        3: {
          name: 'slow',
          sources: [],
          stages: [{ name: 'Deploy', jobs: [{ name: 'Rollout', durationMs: 600_000 }] }]
        }
      }
    })
    gh = await startGithubSimulator({ token: GH_TOKEN })
    yunxiao = await startYunxiao()
  })
  afterAll(async () => {
    await flow.close()
    await gh.close()
    await yunxiao.close()
  })

  const inputs = (pipelineId: number, extra: Record<string, string> = {}) => ({
    token: TOKEN,
    'organization-id': 'org-1',
    'pipeline-id': String(pipelineId),
    domain: flow.url,
    'poll-interval': '1s',
    'github-token': GH_TOKEN,
    ...extra
  })

  it.each(cases)(
    'a GitHub error message with the $which ($form) across its cut prints no part of it',
    async ({ value }) => {
      // GitHub's message is cut to 300 characters; the error quotes it.
      const { text, head } = straddle(value, 300)
      gh.addFault({ path: '/statuses/', status: 422, body: { message: text } })
      const result = await runStep({
        node,
        inputs: inputs(1, { wait: 'true', 'commit-status': 'true' }),
        env: { GITHUB_API_URL: gh.url }
      })
      expect(result.code).toBe(0)
      expect(result.stdout).toContain('HTTP 422')
      expect(readable(result).includes(head)).toBe(false)
    }
  )

  it.each(cases)(
    'a Yunxiao error message with the $which ($form) across its cut prints no part of it',
    async ({ value }) => {
      // Yunxiao's error texts are cut to 200 characters.
      const { text, head } = straddle(value, 200)
      yunxiao.handlers.create = (_req, res) => {
        res.writeHead(400, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify({ errorCode: 'Bad', errorMessage: text }))
      }
      const result = await runStep({
        node,
        inputs: { ...inputs(1), domain: `http://127.0.0.1:${yunxiao.port}` }
      })
      expect(result.code).toBe(1)
      expect(result.stdout).toContain('HTTP 400')
      expect(readable(result).includes(head)).toBe(false)
    }
  )

  it('SIGINT while GitHub hangs on the deployment: the stop leaves within 2 s', async () => {
    gh.addFault({ path: /\/deployments$/, delayMs: 60_000 })
    const before = gh.requests.length
    const step = startStep({
      node,
      inputs: inputs(3, { wait: 'true', 'deployment-environment': 'prod' }),
      env: { GITHUB_API_URL: gh.url }
    })
    await waitFor(
      () => gh.requests.slice(before).some(r => r.path.endsWith('/deployments')),
      'the deployment request'
    )
    await sleep(200)
    const flowBefore = flow.requests.length
    const sent = Date.now()
    step.child.kill('SIGINT')
    await waitFor(
      () => flow.requests.slice(flowBefore).some(r => r.method === 'PUT'),
      'the stop request',
      12_000
    )
    const stopAfter = Date.now() - sent
    const result = await step.done
    expect(stopAfter).toBeLessThan(2_000)
    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('CANCELED')
  })

  it('a GitHub that hangs adds at most 10 s to a step with timeout: 2s', async () => {
    gh.faults.length = 0
    gh.addFault({ path: /./, delayMs: 120_000, times: Infinity })
    try {
      const started = Date.now()
      const result = await runStep({
        node,
        inputs: inputs(3, {
          wait: 'true',
          timeout: '2s',
          'commit-status': 'true',
          'deployment-environment': 'prod'
        }),
        env: { GITHUB_API_URL: gh.url }
      })
      const took = Date.now() - started
      expect(result.outputs.status).toBe('TIMEOUT')
      // 2 s of run, its stop, and the GitHub calls together within 10 s (with room for a slow machine).
      expect(took).toBeLessThan(17_000)
    } finally {
      gh.faults.length = 0
    }
  }, 90_000)
})
