// End to end: the GitHub side (commit status, deployment, context-envs, pull-request refs), with the
// committed dist/index.js run as the runner runs it, against the Flow and the GitHub simulators,
// for a push and a pull_request event.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import http from 'node:http'
import tls from 'node:tls'
import { makeCertificates } from '../../simulator/certs.js'
import { startFlowSimulator, type FlowSimulator } from '../../simulator/flow-simulator.js'
import { startGithubSimulator, type GithubSimulator } from '../../simulator/github-simulator.js'
import {
  pullRequestEvent,
  runStep,
  runnerEnv,
  startStep,
  type StepEvent,
  type StepResult
} from '../../simulator/runner.js'
import { TOKEN, errorLines, expectNoToken, nodeBinaries } from '../support/e2e.js'

const GH_TOKEN = 'ghs_e2eGithubToken0123456789abcdefXYZ'
const PUSH_SHA = runnerEnv('').GITHUB_SHA
const PR_HEAD = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1'
const PR_MERGE = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2'
const UNKNOWN_SHA = 'cccccccccccccccccccccccccccccccccccccccc'

const job = (name: string, durationMs: number, result: 'SUCCESS' | 'FAIL' = 'SUCCESS') => ({
  name,
  durationMs,
  result
})
const PIPELINES = {
  1: { name: 'quick', sources: [], stages: [{ name: 'Build', jobs: [job('Compile', 300)] }] },
  2: { name: 'failing', sources: [], stages: [{ name: 'Test', jobs: [job('Unit', 300, 'FAIL')] }] },
  3: { name: 'slow', sources: [], stages: [{ name: 'Deploy', jobs: [job('Rollout', 120_000)] }] }
}

const PR = pullRequestEvent({
  number: 7,
  headSha: PR_HEAD,
  headRef: 'feature/cart',
  mergeSha: PR_MERGE
})
const FORK_PR = pullRequestEvent({
  number: 8,
  headSha: PR_HEAD,
  headRef: 'patch-1',
  mergeSha: PR_MERGE,
  fork: true
})

function warnings(stdout: string): string[] {
  return stdout.split('\n').filter(line => line.startsWith('::warning'))
}

async function waitFor(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 25))
  }
}

describe.each(nodeBinaries())('GitHub side, $label', ({ path: node }) => {
  let flow: FlowSimulator
  let gh: GithubSimulator
  beforeAll(async () => {
    flow = await startFlowSimulator({ token: TOKEN, organizationId: 'org-1', pipelines: PIPELINES })
    gh = await startGithubSimulator({ token: GH_TOKEN, commits: [PUSH_SHA, PR_HEAD, PR_MERGE] })
  })
  afterAll(async () => {
    await flow.close()
    await gh.close()
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

  async function step(
    pipelineId: number,
    extra: Record<string, string>,
    event?: StepEvent,
    env: Record<string, string> = {}
  ): Promise<StepResult> {
    const result = await runStep({
      node,
      inputs: inputs(pipelineId, extra),
      event,
      env: { GITHUB_API_URL: gh.url, ...env }
    })
    expectNoToken(result)
    expectNoToken(result, GH_TOKEN)
    return result
  }

  function ghRequestsSince(start: number) {
    return gh.requests.slice(start)
  }

  it('push: posts a pending commit status with the run link, then success, on GITHUB_SHA', async () => {
    const start = gh.requests.length
    const before = gh.statuses(PUSH_SHA).length
    const result = await step(1, { wait: 'true', 'commit-status': 'true' })
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('SUCCESS')
    const posted = gh.statuses(PUSH_SHA).slice(before)
    expect(posted.map(s => [s.state, s.context, s.target_url])).toEqual([
      ['pending', 'yunxiao/1', result.outputs['run-url']],
      ['success', 'yunxiao/1', result.outputs['run-url']]
    ])
    expect(posted[1].description).toMatch(/^Yunxiao run #\d+ succeeded$/)
    const request = ghRequestsSince(start)[0]
    expect(request.path).toBe(`/repos/octo-org/shop/statuses/${PUSH_SHA}`)
    expect(request.headers.accept).toBe('application/vnd.github+json')
    expect(request.headers.authorization).toBe(`Bearer ${GH_TOKEN}`)
    expect(request.headers['x-github-api-version']).toBe('2022-11-28')
    expect(request.headers['user-agent']).toMatch(/^yunxiao-flow-action\//)
    expect(warnings(result.stdout)).toEqual([])
    // the token was masked for the runner
    expect(result.stdout).toContain(`::add-mask::${GH_TOKEN}`)
    // the post step has nothing left to do
    const count = gh.requests.length
    const post = await runStep({ node, step: 'post', inputs: inputs(1), state: result.state })
    expect(post.code).toBe(0)
    expect(gh.requests.length).toBe(count)
  })

  it('pull_request: the status goes on the head of the pull request, not the merge commit; failure', async () => {
    const before = gh.statuses(PR_HEAD).length
    const result = await step(
      2,
      {
        wait: 'true',
        'commit-status': 'true',
        'status-context': 'ci/yunxiao-tests',
        branches: 'feature/cart'
      },
      PR
    )
    expect(result.code).toBe(1)
    const posted = gh.statuses(PR_HEAD).slice(before)
    expect(posted.map(s => [s.state, s.context])).toEqual([
      ['pending', 'ci/yunxiao-tests'],
      ['failure', 'ci/yunxiao-tests']
    ])
    expect(gh.statuses(PR_MERGE)).toEqual([])
  })

  it('follow mode (run-id): the status goes on the commit of this job, pending then the verdict', async () => {
    const started = await step(1, {})
    expect(started.code).toBe(0)
    const runId = started.outputs['run-id']
    const before = gh.statuses(PUSH_SHA).length
    const result = await step(1, { 'run-id': runId, 'commit-status': 'true' })
    expect(result.code).toBe(0)
    expect(result.outputs['run-id']).toBe(runId)
    expect(
      gh
        .statuses(PUSH_SHA)
        .slice(before)
        .map(s => [s.state, s.target_url])
    ).toEqual([
      ['pending', started.outputs['run-url']],
      ['success', started.outputs['run-url']]
    ])
    // nothing was started by the follow step
    expect(flow.runs(1).map(r => String(r.id))).toContain(runId)
    expect(flow.runs(1).at(-1)?.id).toBe(Number(runId))
  })

  it('records a deployment: in_progress with the run link, then success with the environment URL', async () => {
    const before = gh.deployments().length
    const result = await step(1, {
      wait: 'true',
      'deployment-environment': 'staging',
      'deployment-url': 'https://staging.example.com'
    })
    expect(result.code).toBe(0)
    const [deployment] = gh.deployments().slice(before)
    expect(result.outputs['deployment-id']).toBe(String(deployment.id))
    expect(deployment.request).toMatchObject({
      ref: PUSH_SHA,
      task: 'deploy',
      auto_merge: false,
      required_contexts: [],
      environment: 'staging'
    })
    expect((deployment.payload.yunxiao as { runId: number }).runId).toBe(
      Number(result.outputs['run-id'])
    )
    expect(deployment.statuses.map(s => [s.state, s.log_url, s.environment_url])).toEqual([
      ['in_progress', result.outputs['run-url'], 'https://staging.example.com'],
      ['success', result.outputs['run-url'], 'https://staging.example.com']
    ])
    expect(warnings(result.stdout)).toEqual([])
    expect(result.summary).toContain('| GitHub deployment | `staging` |')
  })

  it('without wait, leaves the deployment in_progress for a later step, and the post step leaves it', async () => {
    const before = gh.deployments().length
    const result = await step(
      1,
      { 'deployment-environment': 'production', branches: 'feature/cart' },
      PR
    )
    expect(result.code).toBe(0)
    const [deployment] = gh.deployments().slice(before)
    expect(deployment.sha).toBe(PR_HEAD)
    expect(deployment.statuses.map(s => s.state)).toEqual(['in_progress'])
    expect(result.stdout).toMatch(/stays in_progress/)
    const count = gh.requests.length
    const post = await runStep({ node, step: 'post', inputs: inputs(1), state: result.state })
    expect(post.code).toBe(0)
    expect(gh.requests.length).toBe(count)
  })

  it('context-envs: adds the GitHub context to the run variables; names in envs win; no GitHub call', async () => {
    const start = gh.requests.length
    const result = await step(1, {
      'context-envs': 'true',
      envs: 'GITHUB_ACTOR: someone-else\nX: 1'
    })
    expect(result.code).toBe(0)
    const envs = JSON.parse(result.outputs.params).envs
    expect(envs).toEqual({
      GITHUB_SHA: PUSH_SHA,
      GITHUB_REF_NAME: 'main',
      GITHUB_REPOSITORY: 'octo-org/shop',
      GITHUB_RUN_URL: 'https://github.com/octo-org/shop/actions/runs/9876543210',
      GITHUB_ACTOR: 'someone-else',
      GITHUB_EVENT_NAME: 'push',
      X: '1'
    })
    expect(gh.requests.length).toBe(start)
  })

  it('context-envs on a pull request adds its number and head commit', async () => {
    const result = await step(1, { 'context-envs': 'true', branches: 'feature/cart' }, PR)
    expect(result.code).toBe(0)
    const envs = JSON.parse(result.outputs.params).envs
    expect(envs).toMatchObject({
      GITHUB_SHA: PR_MERGE,
      GITHUB_REF_NAME: '7/merge',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_PR_NUMBER: '7',
      GITHUB_PR_HEAD_SHA: PR_HEAD
    })
  })

  it('a token without statuses: write gets one warning naming the permission; the run result stands', async () => {
    gh.setPermissions({ statuses: 'read' })
    try {
      const start = gh.requests.length
      const result = await step(1, { wait: 'true', 'commit-status': 'true' })
      expect(result.code).toBe(0)
      expect(result.outputs.status).toBe('SUCCESS')
      const lines = warnings(result.stdout)
      expect(lines.length).toBe(1)
      expect(lines[0]).toContain('statuses: write')
      expect(lines[0]).toContain('permissions:')
      expect(lines[0]).toContain('HTTP 403')
      // given up after the first 403: no final status attempt
      expect(ghRequestsSince(start).length).toBe(1)
      expect(errorLines(result.stdout)).toEqual([])
    } finally {
      gh.setPermissions({ statuses: 'write' })
    }
  })

  it('a fork pull request: the warning says its token is read-only', async () => {
    gh.setPermissions({ statuses: 'read' })
    try {
      const result = await step(
        1,
        // The fork's branch is built only from the fork's own URL.
        {
          wait: 'true',
          'commit-status': 'true',
          'running-branches': 'https://github.com/someone/shop.git: patch-1'
        },
        FORK_PR
      )
      expect(result.code).toBe(0)
      const lines = warnings(result.stdout)
      expect(lines.length).toBe(1)
      expect(lines[0]).toMatch(/fork/)
      expect(lines[0]).toContain('read-only')
    } finally {
      gh.setPermissions({ statuses: 'write' })
    }
  })

  it('a token without deployments: write gets one warning naming it', async () => {
    gh.setPermissions({ deployments: 'none' })
    try {
      const result = await step(2, { wait: 'true', 'deployment-environment': 'staging' })
      expect(result.code).toBe(1)
      expect(result.outputs.status).toBe('FAIL')
      const lines = warnings(result.stdout)
      expect(lines.length).toBe(1)
      expect(lines[0]).toContain('deployments: write')
      expect(errorLines(result.stdout).join('\n')).toMatch(/ended FAIL/)
    } finally {
      gh.setPermissions({ deployments: 'write' })
    }
  })

  it('retries a commit status answered 502, then posts it', async () => {
    gh.addFault({ method: 'POST', path: '/statuses/', status: 502 })
    const before = gh.statuses(PUSH_SHA).length
    const result = await step(1, { wait: 'true', 'commit-status': 'true' })
    expect(result.code).toBe(0)
    expect(
      gh
        .statuses(PUSH_SHA)
        .slice(before)
        .map(s => s.state)
    ).toEqual(['pending', 'success'])
    expect(warnings(result.stdout)).toEqual([])
    expect(result.stdout).toMatch(/\(HTTP 502\); trying again/)
  })

  it('an unknown commit (422), a bad token (401) and an unseen repository (404) are warnings that say why', async () => {
    const unknown = await step(1, { wait: 'true', 'commit-status': 'true' }, undefined, {
      GITHUB_SHA: UNKNOWN_SHA
    })
    expect(unknown.code).toBe(0)
    expect(warnings(unknown.stdout).join('\n')).toMatch(
      /No commit found for SHA.*is not in octo-org\/shop/
    )
    const bad = await step(1, {
      wait: 'true',
      'commit-status': 'true',
      'github-token': 'ghs_wrong'
    })
    expect(bad.code).toBe(0)
    expect(warnings(bad.stdout).join('\n')).toMatch(/HTTP 401.*github-token/)
    const other = await step(1, { wait: 'true', 'deployment-environment': 'qa' }, undefined, {
      GITHUB_REPOSITORY: 'octo-org/secret'
    })
    expect(other.code).toBe(0)
    expect(warnings(other.stdout).join('\n')).toMatch(
      /HTTP 404 "Not Found".*cannot see octo-org\/secret/
    )
  })

  it('GitHub out of reach: one warning, the step passes with the Yunxiao result', async () => {
    const closed = await startGithubSimulator()
    const url = closed.url
    await closed.close()
    const result = await step(
      1,
      { wait: 'true', 'commit-status': 'true', 'deployment-environment': 'qa' },
      undefined,
      {
        GITHUB_API_URL: url
      }
    )
    expect(result.code).toBe(0)
    const lines = warnings(result.stdout)
    expect(lines.length).toBe(2) // one for the status, one for the deployment
    expect(lines.join('\n')).toMatch(/ECONNREFUSED/)
  })

  it('goes through HTTP_PROXY like the Yunxiao calls (loopback Yunxiao stays direct)', async () => {
    // GitHub over https (http:// is refused but for loopback): a TLS front for the simulator, with
    // a certificate for api.github.invalid, and a CONNECT proxy that sends every tunnel to it.
    const dir = mkdtempSync(join(tmpdir(), 'gh-proxy-'))
    const made = makeCertificates(dir, 'GitHub proxy test CA', { gh: 'DNS:api.github.invalid' })
    const open = new Set<Socket>()
    const front = tls.createServer(made.leaves.gh, socket => {
      const upstream = connect(Number(new URL(gh.url).port), '127.0.0.1')
      open.add(socket).add(upstream)
      socket.pipe(upstream).pipe(socket)
      upstream.on('error', () => socket.destroy())
      socket.on('error', () => upstream.destroy())
    })
    await new Promise<void>(done => front.listen(0, '127.0.0.1', done))
    const connects: string[] = []
    const port = (front.address() as { port: number }).port
    const proxy = http.createServer()
    proxy.on('connect', (req, client: Socket, head: Buffer) => {
      connects.push(req.url ?? '')
      open.add(client)
      const upstream = connect(port, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        if (head.length) upstream.write(head)
        upstream.pipe(client)
        client.pipe(upstream)
      })
      open.add(upstream)
      upstream.on('error', () => client.destroy())
      client.on('error', () => upstream.destroy())
    })
    await new Promise<void>(done => proxy.listen(0, '127.0.0.1', done))
    try {
      const proxyPort = (proxy.address() as { port: number }).port
      const before = gh.statuses(PUSH_SHA).length
      const result = await step(1, { wait: 'true', 'commit-status': 'true' }, undefined, {
        GITHUB_API_URL: `https://api.github.invalid:${port}`,
        HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`,
        NODE_EXTRA_CA_CERTS: made.caFile
      })
      expect(result.code).toBe(0)
      expect(warnings(result.stdout)).toEqual([])
      expect(
        gh
          .statuses(PUSH_SHA)
          .slice(before)
          .map(s => s.state)
      ).toEqual(['pending', 'success'])
      expect(connects).toEqual([`api.github.invalid:${port}`, `api.github.invalid:${port}`])
    } finally {
      for (const socket of open) socket.destroy()
      proxy.closeAllConnections()
      await new Promise(done => proxy.close(done))
      await new Promise(done => front.close(done))
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('GitHub Enterprise Server: the API under /api/v3', async () => {
    const ghes = await startGithubSimulator({
      token: GH_TOKEN,
      commits: [PUSH_SHA],
      pathPrefix: '/api/v3'
    })
    try {
      const result = await step(1, { wait: 'true', 'commit-status': 'true' }, undefined, {
        GITHUB_API_URL: ghes.url
      })
      expect(result.code).toBe(0)
      expect(ghes.requests.map(r => r.path)).toEqual([
        `/api/v3/repos/octo-org/shop/statuses/${PUSH_SHA}`,
        `/api/v3/repos/octo-org/shop/statuses/${PUSH_SHA}`
      ])
      expect(ghes.statuses(PUSH_SHA).map(s => s.state)).toEqual(['pending', 'success'])
    } finally {
      await ghes.close()
    }
  })

  it('on cancel: the status becomes error (cancelled) and the deployment inactive, in the main step', async () => {
    const statusesBefore = gh.statuses(PUSH_SHA).length
    const deploymentsBefore = gh.deployments().length
    const start = flow.requests.length
    const step = startStep({
      node,
      inputs: inputs(3, {
        wait: 'true',
        'commit-status': 'true',
        'deployment-environment': 'prod'
      }),
      env: { GITHUB_API_URL: gh.url }
    })
    await waitFor(
      () =>
        flow.requests.slice(start).some(r => r.method === 'GET' && /\/runs\/\d+$/.test(r.path)) &&
        gh.deployments().slice(deploymentsBefore)[0]?.statuses.length === 1,
      'the run to be followed and the deployment in progress'
    )
    step.child.kill('SIGINT')
    const result = await step.done
    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('CANCELED')
    const states = gh.statuses(PUSH_SHA).slice(statusesBefore)
    expect(states.map(s => s.state)).toEqual(['pending', 'error'])
    expect(states[1].description).toMatch(/^Cancelled/)
    const [deployment] = gh.deployments().slice(deploymentsBefore)
    expect(deployment.statuses.map(s => s.state)).toEqual(['in_progress', 'inactive'])
    expectNoToken(result, GH_TOKEN)
    // nothing left for the post step
    const count = gh.requests.length
    const post = await runStep({
      node,
      step: 'post',
      inputs: inputs(3, { wait: 'true', 'commit-status': 'true' }),
      state: result.state,
      env: { GITHUB_API_URL: gh.url }
    })
    expect(post.code).toBe(0)
    expect(gh.requests.length).toBe(count)
  })

  // With envs, the post step's work reads a mapping too: it requires dist/js-yaml.js.
  const REPORTED = {
    wait: 'true',
    'commit-status': 'true',
    'deployment-environment': 'prod',
    envs: 'APP_ENV: staging'
  }

  /**
   * The main step of pipeline `pipelineId`, following its run with a commit status and a
   * deployment, killed outright (as when a runner dies) once the deployment is in progress.
   */
  async function mainKilledWhileFollowing(pipelineId: number) {
    const statusesBefore = gh.statuses(PUSH_SHA).length
    const deploymentsBefore = gh.deployments().length
    const step = startStep({
      node,
      inputs: inputs(pipelineId, REPORTED),
      env: { GITHUB_API_URL: gh.url }
    })
    await waitFor(
      () => gh.deployments().slice(deploymentsBefore)[0]?.statuses.length === 1,
      'the deployment in progress'
    )
    step.child.kill('SIGKILL')
    const main = await step.done
    const post = () =>
      runStep({
        node,
        step: 'post',
        inputs: inputs(pipelineId, REPORTED),
        state: main.state,
        env: { GITHUB_API_URL: gh.url }
      })
    return {
      main,
      post,
      statuses: () => gh.statuses(PUSH_SHA).slice(statusesBefore),
      deployment: () => gh.deployments().slice(deploymentsBefore)[0]
    }
  }

  it('when main is killed outright, the post step stops the run and finishes status and deployment', async () => {
    const killed = await mainKilledWhileFollowing(3)
    expect(killed.statuses().map(s => s.state)).toEqual(['pending'])
    const post = await killed.post()
    expectNoToken(post, GH_TOKEN)
    expect(post.code).toBe(0)
    expect(post.stdout).toMatch(/Stopped Yunxiao run/)
    expect(killed.statuses().map(s => s.state)).toEqual(['pending', 'error'])
    expect(killed.deployment().statuses.map(s => s.state)).toEqual(['in_progress', 'inactive'])
  })

  it('main killed, and the run then ends on its own: the post step posts how it ended, not "cancelled"', async () => {
    const killed = await mainKilledWhileFollowing(1)
    // The run (300 ms) ends SUCCESS; Yunxiao then refuses to stop it.
    await new Promise(resolve => setTimeout(resolve, 1_000))
    flow.setOptions({ refuseRunStop: true })
    try {
      const post = await killed.post()
      expectNoToken(post, GH_TOKEN)
      expect(post.code).toBe(0)
      expect(post.stdout).toMatch(/Yunxiao run #\d+ had already ended \(SUCCESS\)\./)
      const posted = killed.statuses()
      expect(posted.map(s => s.state)).toEqual(['pending', 'success'])
      expect(posted[1].description).toMatch(/succeeded$/)
      expect(killed.deployment().statuses.map(s => s.state)).toEqual(['in_progress', 'success'])
    } finally {
      flow.setOptions({ refuseRunStop: false })
    }
  })

  it('main killed while the pending status is on its way: the post step still posts the verdict', async () => {
    const statusesBefore = gh.statuses(PUSH_SHA).length
    gh.addFault({ method: 'POST', path: '/statuses/', delayMs: 60_000, status: 502 })
    const start = gh.requests.length
    const extra = { wait: 'true', 'commit-status': 'true' }
    const step = startStep({ node, inputs: inputs(3, extra), env: { GITHUB_API_URL: gh.url } })
    await waitFor(() => gh.requests.length > start, 'the pending status request')
    step.child.kill('SIGKILL')
    const main = await step.done
    while (gh.faults.length) gh.faults.pop()
    const post = await runStep({
      node,
      step: 'post',
      inputs: inputs(3, extra),
      state: main.state,
      env: { GITHUB_API_URL: gh.url }
    })
    expect(post.code).toBe(0)
    const posted = gh.statuses(PUSH_SHA).slice(statusesBefore)
    expect(posted.map(s => s.state)).toEqual(['error'])
    expect(posted[0].description).toMatch(/^Cancelled: .*was stopped$/)
  })

  it('refuses a pull request ref as a branch, pointing at github.head_ref; nothing is sent', async () => {
    const flowStart = flow.requests.length
    const cases: Record<string, string>[] = [
      { branch: '7/merge' },
      { branches: 'refs/pull/7/head' },
      { 'running-branches': 'https://codeup.aliyun.com/acme/app.git: 7/merge' }
    ]
    for (const extra of cases) {
      const result = await step(1, extra, PR)
      expect(result.code).toBe(1)
      const errors = errorLines(result.stdout).join('\n')
      expect(errors).toContain('github.head_ref')
    }
    expect(flow.requests.length).toBe(flowStart)
  })

  it('dry-run says what it would post on GitHub, and calls nothing', async () => {
    const ghStart = gh.requests.length
    const result = await step(
      1,
      {
        'dry-run': 'true',
        wait: 'true',
        'commit-status': 'true',
        'deployment-environment': 'qa',
        branches: 'feature/cart'
      },
      PR
    )
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Would post commit status "yunxiao/1" on aaaaaaa')
    expect(result.stdout).toContain('Would create a GitHub deployment of aaaaaaa to "qa"')
    expect(gh.requests.length).toBe(ghStart)
  })

  it('commit-status without wait is an input error; nothing is sent', async () => {
    const flowStart = flow.requests.length
    const ghStart = gh.requests.length
    const result = await step(1, { 'commit-status': 'true' })
    expect(result.code).toBe(1)
    expect(errorLines(result.stdout).join('\n')).toMatch(/Input "commit-status": needs wait: true/)
    expect(flow.requests.length).toBe(flowStart)
    expect(gh.requests.length).toBe(ghStart)
  })

  it('warns once on a pull request with no branch: Yunxiao builds its default branch', async () => {
    const result = await step(1, {}, PR)
    expect(result.code).toBe(0)
    const lines = warnings(result.stdout)
    expect(lines.length).toBe(1)
    expect(lines[0]).toMatch(/not this pull request/)
    expect(lines[0]).toContain('github.head_ref')
    const withBranch = await step(1, { branches: 'feature/cart' }, PR)
    expect(warnings(withBranch.stdout)).toEqual([])
  })
})
