// End to end: a commit status or a deployment goes only on a commit whose branch the run builds
// (no green check on code that was never built), and newcomers' input mistakes are caught before
// anything is sent. The committed dist/index.js runs as the runner runs it, against the Flow and
// the GitHub simulators, for push, pull_request and pull_request_target events.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startFlowSimulator, type FlowSimulator } from '../../simulator/flow-simulator.js'
import { startGithubSimulator, type GithubSimulator } from '../../simulator/github-simulator.js'
import {
  pullRequestEvent,
  runStep,
  runnerEnv,
  type StepEvent,
  type StepResult
} from '../../simulator/runner.js'
import { TOKEN, errorLines, expectNoToken, nodeBinaries } from '../support/e2e.js'

const GH_TOKEN = 'ghs_e2eChoiceToken0123456789abcdefXYZ'
const BASE_SHA = runnerEnv('').GITHUB_SHA
const PR_HEAD = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1'
const PR_MERGE = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2'
const REPO_URL = 'https://github.com/octo-org/shop.git'

const PIPELINES = {
  // The GitHub repository itself is the code source.
  1: {
    name: 'own',
    sources: [{ repo: REPO_URL }],
    stages: [{ name: 'Build', jobs: [{ name: 'Compile', durationMs: 200 }] }]
  },
  // No code source: a branch goes as a branch-mode branch.
  2: {
    name: 'bare',
    sources: [],
    stages: [{ name: 'Build', jobs: [{ name: 'Compile', durationMs: 200 }] }]
  }
}

const prEvent = (name: 'pull_request' | 'pull_request_target', fork = false) =>
  pullRequestEvent({
    number: 7,
    headSha: PR_HEAD,
    headRef: 'feature/cart',
    mergeSha: PR_MERGE,
    fork,
    name
  })

const warnings = (stdout: string) => stdout.split('\n').filter(l => l.startsWith('::warning'))

describe.each(nodeBinaries())('which commit gets the status, $label', ({ path: node }) => {
  let flow: FlowSimulator
  let gh: GithubSimulator
  beforeAll(async () => {
    flow = await startFlowSimulator({ token: TOKEN, organizationId: 'org-1', pipelines: PIPELINES })
    gh = await startGithubSimulator({ token: GH_TOKEN, commits: [BASE_SHA, PR_HEAD, PR_MERGE] })
  })
  afterAll(async () => {
    await flow.close()
    await gh.close()
  })

  async function step(
    pipelineId: number,
    extra: Record<string, string>,
    event?: StepEvent,
    env: Record<string, string> = {}
  ): Promise<StepResult> {
    const result = await runStep({
      node,
      inputs: {
        token: TOKEN,
        'organization-id': 'org-1',
        'pipeline-id': String(pipelineId),
        domain: flow.url,
        'poll-interval': '1s',
        'github-token': GH_TOKEN,
        wait: 'true',
        'commit-status': 'true',
        'deployment-environment': 'review',
        ...extra
      },
      event,
      env: { GITHUB_API_URL: gh.url, ...env }
    })
    expectNoToken(result)
    expectNoToken(result, GH_TOKEN)
    return result
  }

  /** What the step left on each commit: statuses and deployments, by commit. */
  function marks(since: { statuses: Record<string, number>; deployments: number }) {
    const shas = [BASE_SHA, PR_HEAD, PR_MERGE]
    return {
      statuses: Object.fromEntries(
        shas.map(sha => [
          sha,
          gh
            .statuses(sha)
            .slice(since.statuses[sha])
            .map(s => s.state)
        ])
      ),
      deployments: gh
        .deployments()
        .slice(since.deployments)
        .map(d => d.sha)
    }
  }
  function mark() {
    return {
      statuses: Object.fromEntries(
        [BASE_SHA, PR_HEAD, PR_MERGE].map(sha => [sha, gh.statuses(sha).length])
      ),
      deployments: gh.deployments().length
    }
  }

  describe.each(['pull_request', 'pull_request_target'] as const)('%s', name => {
    it('branch: the head ref -> the head commit gets the status and the deployment', async () => {
      const before = mark()
      const result = await step(1, { branch: 'feature/cart' }, prEvent(name))
      expect(result.code).toBe(0)
      expect(JSON.parse(result.outputs.params).runningBranchs).toEqual({
        [REPO_URL]: 'feature/cart'
      })
      expect(marks(before)).toEqual({
        statuses: { [BASE_SHA]: [], [PR_HEAD]: ['pending', 'success'], [PR_MERGE]: [] },
        deployments: [PR_HEAD]
      })
      expect(warnings(result.stdout)).toEqual([])
    })

    it('running-branches for the repository: the head ref -> the head commit', async () => {
      const before = mark()
      const result = await step(
        1,
        { 'running-branches': `git@github.com:Octo-Org/shop.git: feature/cart` },
        prEvent(name)
      )
      expect(result.code).toBe(0)
      expect(marks(before).statuses[PR_HEAD]).toEqual(['pending', 'success'])
    })

    it('another branch (github.ref_name) -> no status on the head, one warning naming head_ref', async () => {
      const before = mark()
      const ref = name === 'pull_request_target' ? 'release' : 'develop'
      const result = await step(1, { branch: ref }, prEvent(name))
      expect(result.code).toBe(0)
      expect(result.outputs.status).toBe('SUCCESS')
      expect(marks(before)).toEqual({
        statuses: { [BASE_SHA]: [], [PR_HEAD]: [], [PR_MERGE]: [] },
        deployments: []
      })
      const lines = warnings(result.stdout)
      expect(lines.length).toBe(1)
      expect(lines[0]).toContain(`branch "${ref}"`)
      expect(lines[0]).toContain('feature/cart')
      expect(lines[0]).toContain('branch: ${{ github.head_ref }}')
      expect(result.outputs['deployment-id'] ?? '').toBe('')
    })

    it('no branch sent -> no status on the head, one warning', async () => {
      const before = mark()
      const result = await step(2, {}, prEvent(name))
      expect(result.code).toBe(0)
      expect(marks(before).statuses[PR_HEAD]).toEqual([])
      expect(marks(before).deployments).toEqual([])
      const lines = warnings(result.stdout)
      expect(lines.length).toBe(1)
      expect(lines[0]).toContain('no branch is sent')
      expect(lines[0]).toContain('github.head_ref')
    })

    it("a fork: its branch name sent for this repository is not the fork's branch -> no status", async () => {
      const before = mark()
      const result = await step(1, { branch: 'feature/cart' }, prEvent(name, true))
      expect(result.code).toBe(0)
      expect(marks(before).statuses[PR_HEAD]).toEqual([])
      expect(warnings(result.stdout).join('\n')).toMatch(/fork someone\/shop/)
    })
  })

  it('pull_request_target building the base branch (github.ref_name): GITHUB_SHA, not the head', async () => {
    const before = mark()
    const result = await step(1, { branch: 'main' }, prEvent('pull_request_target'))
    expect(result.code).toBe(0)
    expect(marks(before)).toEqual({
      statuses: { [BASE_SHA]: ['pending', 'success'], [PR_HEAD]: [], [PR_MERGE]: [] },
      deployments: [BASE_SHA]
    })
    expect(warnings(result.stdout)).toEqual([])
  })

  it('push: the pushed branch, or no branch -> GITHUB_SHA; another branch -> none, one warning', async () => {
    let before = mark()
    expect((await step(1, { branch: 'main' })).code).toBe(0)
    expect(marks(before).statuses[BASE_SHA]).toEqual(['pending', 'success'])
    before = mark()
    expect((await step(2, {})).code).toBe(0)
    expect(marks(before).statuses[BASE_SHA]).toEqual(['pending', 'success'])
    before = mark()
    const other = await step(1, { branch: 'release/2.0' })
    expect(other.code).toBe(0)
    expect(marks(before)).toEqual({
      statuses: { [BASE_SHA]: [], [PR_HEAD]: [], [PR_MERGE]: [] },
      deployments: []
    })
    const lines = warnings(other.stdout)
    expect(lines.length).toBe(1)
    expect(lines[0]).toContain('branch "release/2.0"')
    expect(lines[0]).toContain('branch "main"')
  })

  it('dry-run on a pull request with the wrong branch: says there is no status, calls nothing', async () => {
    const ghStart = gh.requests.length
    const result = await step(1, { branch: 'main', 'dry-run': 'true' }, prEvent('pull_request'))
    expect(result.code).toBe(0)
    expect(result.stdout).not.toContain('Would post commit status')
    expect(warnings(result.stdout).length).toBe(1)
    expect(gh.requests.length).toBe(ghStart)
  })
})

describe.each(nodeBinaries())(
  'mistakes caught before anything is sent, $label',
  ({ path: node }) => {
    let flow: FlowSimulator
    beforeAll(async () => {
      flow = await startFlowSimulator({
        token: TOKEN,
        organizationId: 'org-1',
        pipelines: PIPELINES
      })
    })
    afterAll(async () => {
      await flow.close()
    })

    const run = (inputs: Record<string, string>) =>
      runStep({ node, inputs: { token: TOKEN, 'pipeline-id': '2', ...inputs } })

    it('the default center host with an empty organization-id is an input error naming it', async () => {
      // Nothing listens on the center host here: the step must stop before any request.
      const result = await run({ 'organization-id': '', domain: 'openapi-rdc.aliyuncs.com' })
      expect(result.code).toBe(1)
      const errors = errorLines(result.stdout).join('\n')
      expect(errors).toContain('Input "organization-id" is required with the center host')
      expect(errors).toContain('vars.YUNXIAO_ORG_ID')
      expectNoToken(result)
    })

    it('the web console as domain is an input error naming the API host', async () => {
      const result = await run({ 'organization-id': 'org-1', domain: 'https://flow.aliyun.com' })
      expect(result.code).toBe(1)
      const errors = errorLines(result.stdout).join('\n')
      expect(errors).toContain('Input "domain": flow.aliyun.com is the Yunxiao web console')
      expect(errors).toContain('openapi-rdc.aliyuncs.com')
      expect(errors).toContain('"https://flow.aliyun.com"')
    })

    it('refs/heads/x in branch and branches is sent as x, said once per input', async () => {
      const start = flow.runs(2).length
      const result = await run({
        'organization-id': 'org-1',
        domain: flow.url,
        branch: 'refs/heads/feature/a',
        branches: 'refs/heads/feature/a'
      })
      expect(result.code).toBe(0)
      const [sent] = flow.runs(2).slice(start)
      expect(sent.params).toMatchObject({ branchModeBranchs: ['feature/a'] })
      expect(JSON.stringify(sent.params)).not.toContain('refs/heads')
      const lines = warnings(result.stdout)
      expect(lines.length).toBe(2)
      expect(lines[0]).toContain('Input "branches": "refs/heads/feature/a" is a full git ref')
      expect(lines[1]).toContain('Input "branch": "refs/heads/feature/a" is a full git ref')
    })

    it('refs/tags/v1 in branch is refused with a hint; nothing is sent', async () => {
      const start = flow.requests.length
      const result = await run({
        'organization-id': 'org-1',
        domain: flow.url,
        branch: 'refs/tags/v1'
      })
      expect(result.code).toBe(1)
      expect(errorLines(result.stdout).join('\n')).toMatch(
        /Input "branch": expected a branch name; "refs\/tags\/v1" .*give its name in tag/
      )
      expect(flow.requests.length).toBe(start)
    })

    it('timeout: 10 warns that it means seconds and shows 10m', async () => {
      const result = await run({
        'organization-id': 'org-1',
        domain: flow.url,
        timeout: '10',
        'dry-run': 'true'
      })
      expect(result.code).toBe(0)
      expect(warnings(result.stdout).join('\n')).toMatch(
        /Input "timeout": "10" is 10 second\(s\): a bare number means seconds\. For minutes write 10m/
      )
    })
  }
)
