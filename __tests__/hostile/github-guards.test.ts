// Guards of the GitHub side and of the refs sent, as a careless or hostile setup meets them, through
// the committed dist/index.js run as the runner runs it: a pull request's ref hidden in `params`,
// a clear-text GITHUB_API_URL that would carry the github-token over the network, and a pull
// request whose head.sha is written in capitals.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startFlowSimulator, type FlowSimulator } from '../../simulator/flow-simulator.js'
import { startGithubSimulator, type GithubSimulator } from '../../simulator/github-simulator.js'
import { pullRequestEvent, runStep } from '../../simulator/runner.js'
import { TOKEN, errorLines, expectNoToken, nodeBinaries } from '../support/e2e.js'
import { startProxy } from './support/servers.js'

const GH_TOKEN = 'ghs_hostileGuardToken0123456789abcdef'
const HEAD = 'abcdef0123456789abcdef0123456789abcdef01'
const MERGE = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2'
const REPO_URL = 'https://github.com/octo-org/shop.git'

const warnings = (stdout: string) => stdout.split('\n').filter(l => l.startsWith('::warning'))

describe.each(nodeBinaries())('GitHub-side guards, $label', ({ path: node }) => {
  let flow: FlowSimulator
  let gh: GithubSimulator
  beforeAll(async () => {
    flow = await startFlowSimulator({
      token: TOKEN,
      organizationId: 'org-1',
      pipelines: {
        4: {
          name: 'own',
          sources: [{ repo: REPO_URL }],
          stages: [{ name: 'Build', jobs: [{ name: 'Compile', durationMs: 200 }] }]
        }
      }
    })
    gh = await startGithubSimulator({ token: GH_TOKEN, commits: [HEAD, MERGE] })
  })
  afterAll(async () => {
    await flow.close()
    await gh.close()
  })

  const inputs = (extra: Record<string, string>) => ({
    token: TOKEN,
    'organization-id': 'org-1',
    'pipeline-id': '4',
    domain: flow.url,
    'poll-interval': '1s',
    'github-token': GH_TOKEN,
    ...extra
  })
  const pr = (headSha: string) =>
    pullRequestEvent({ number: 7, headSha, headRef: 'feature/cart', mergeSha: MERGE })

  it.each([
    ['runningBranchs', `{"runningBranchs": {"${REPO_URL}": "7/merge"}}`],
    ['branchModeBranchs', '{"branchModeBranchs": ["main", "refs/pull/7/head"]}'],
    ['YAML runningBranchs', `runningBranchs:\n  ${REPO_URL}: 7/head`]
  ])('a pull request ref in params (%s) is refused; nothing is sent', async (_label, params) => {
    const start = flow.requests.length
    const result = await runStep({ node, inputs: inputs({ params }), event: pr(HEAD) })
    expect(result.code).toBe(1)
    const errors = errorLines(result.stdout).join('\n')
    expect(errors).toContain('Input "params"')
    expect(errors).toContain('github.head_ref')
    expect(flow.requests.length).toBe(start)
    expectNoToken(result)
  })

  it('an http:// GITHUB_API_URL to a host that is not loopback gets no github-token', async () => {
    // The proxy sends every tunnel to the GitHub simulator: with the token sent, it would be seen there.
    const proxy = await startProxy('tunnel', { targetPort: Number(new URL(gh.url).port) })
    try {
      const ghStart = gh.requests.length
      const result = await runStep({
        node,
        inputs: inputs({ wait: 'true', 'commit-status': 'true', branch: 'main' }),
        env: {
          GITHUB_API_URL: `http://api.github.invalid:${new URL(gh.url).port}`,
          HTTP_PROXY: proxy.url
        }
      })
      expectNoToken(result, GH_TOKEN)
      expect(result.code).toBe(0)
      expect(result.outputs.status).toBe('SUCCESS')
      expect(proxy.connects).toEqual([])
      expect(gh.requests.slice(ghStart)).toEqual([])
      const lines = warnings(result.stdout)
      expect(lines.length).toBe(1)
      expect(lines[0]).toMatch(/http:\/\/ .*not loopback.*in clear.*GITHUB_API_URL/)
    } finally {
      await proxy.close()
    }
  })

  it("a pull request's head.sha in capitals is still the head commit: the status goes on it", async () => {
    const before = gh.statuses(HEAD).length
    const result = await runStep({
      node,
      inputs: inputs({ wait: 'true', 'commit-status': 'true', branch: 'feature/cart' }),
      event: pr(HEAD.toUpperCase()),
      env: { GITHUB_API_URL: gh.url }
    })
    expectNoToken(result, GH_TOKEN)
    expect(result.code).toBe(0)
    expect(
      gh
        .statuses(HEAD)
        .slice(before)
        .map(s => s.state)
    ).toEqual(['pending', 'success'])
    expect(gh.statuses(MERGE)).toEqual([])
    expect(warnings(result.stdout)).toEqual([])
  })
})
