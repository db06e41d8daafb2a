import { describe, it, expect } from '@jest/globals'
import { GithubApiError, type GithubApi } from '../../src/github/api.js'
import type { GithubEvent } from '../../src/github/event.js'
import { GithubReport } from '../../src/github/report.js'

const SHA = 'a'.repeat(40)
const RUN = { pipelineId: 1, runId: 5, runUrl: 'https://flow.aliyun.com/pipelines/1/builds/5' }
const PUSH: GithubEvent = { name: 'push', repository: 'octo-org/shop', sha: SHA }

type Api = Pick<GithubApi, 'createCommitStatus' | 'createDeployment' | 'createDeploymentStatus'>

function fakeApi(fail: Partial<Record<keyof Api, (GithubApiError | undefined)[]>> = {}) {
  const calls: Array<[string, unknown]> = []
  const next = (name: keyof Api) => {
    const error = fail[name]?.shift()
    if (error) throw error
  }
  const api: Api = {
    async createCommitStatus(sha, body) {
      calls.push(['status', { sha, ...body }])
      next('createCommitStatus')
    },
    async createDeployment(body) {
      calls.push(['deployment', body])
      next('createDeployment')
      return 9
    },
    async createDeploymentStatus(id, body) {
      calls.push(['deploymentStatus', { id, ...body }])
      next('createDeploymentStatus')
    }
  }
  return { api, calls }
}

function logger() {
  const lines: Array<['info' | 'warning', string]> = []
  return {
    lines,
    warnings: () => lines.filter(([kind]) => kind === 'warning').map(([, l]) => l),
    info: (line: string) => lines.push(['info', line]),
    warning: (line: string) => lines.push(['warning', line])
  }
}

const forbidden = (permission: 'statuses: write' | 'deployments: write') =>
  new GithubApiError('Could not do it: HTTP 403 "Resource not accessible by integration".', {
    status: 403,
    permission,
    transient: false,
    githubMessage: 'Resource not accessible by integration'
  })
const unreachable = () =>
  new GithubApiError('Could not do it: could not talk to api.github.com: ECONNRESET.', {
    permission: 'statuses: write',
    transient: true
  })

const BOTH = {
  statusContext: 'yunxiao/1',
  deploymentEnvironment: 'prod',
  deploymentUrl: 'https://x.example'
}

describe('GithubReport', () => {
  it('pending + in_progress when the run starts, the verdict when it ends', async () => {
    const { api, calls } = fakeApi()
    const log = logger()
    const report = new GithubReport(api, PUSH, BOTH, log)
    expect(await report.started(RUN)).toEqual({ statusPending: true, deploymentId: 9 })
    await report.finished(RUN, { kind: 'ended', status: 'SUCCESS' })
    expect(calls).toEqual([
      [
        'status',
        {
          sha: SHA,
          state: 'pending',
          target_url: RUN.runUrl,
          description: 'Yunxiao run #5 is running',
          context: 'yunxiao/1'
        }
      ],
      [
        'deployment',
        {
          ref: SHA,
          environment: 'prod',
          description: 'Yunxiao pipeline 1, run #5',
          payload: { yunxiao: RUN }
        }
      ],
      [
        'deploymentStatus',
        {
          id: 9,
          state: 'in_progress',
          log_url: RUN.runUrl,
          environment_url: 'https://x.example',
          description: 'Yunxiao run #5 is running'
        }
      ],
      [
        'status',
        {
          sha: SHA,
          state: 'success',
          target_url: RUN.runUrl,
          description: 'Yunxiao run #5 succeeded',
          context: 'yunxiao/1'
        }
      ],
      [
        'deploymentStatus',
        {
          id: 9,
          state: 'success',
          log_url: RUN.runUrl,
          environment_url: 'https://x.example',
          description: 'Yunxiao run #5 succeeded'
        }
      ]
    ])
    expect(report.progress).toEqual({ statusPending: false, deploymentId: undefined })
    expect(log.warnings()).toEqual([])
  })

  it('a failed deployment gets no environment URL', async () => {
    const { api, calls } = fakeApi()
    const report = new GithubReport(api, PUSH, BOTH, logger())
    await report.started(RUN)
    await report.finished(RUN, { kind: 'ended', status: 'FAIL' })
    expect(calls.at(-1)).toEqual([
      'deploymentStatus',
      expect.objectContaining({ state: 'failure', environment_url: undefined })
    ])
  })

  it('a permission 403 is one warning naming the permission and the fix; the feature stops there', async () => {
    const { api, calls } = fakeApi({ createCommitStatus: [forbidden('statuses: write')] })
    const log = logger()
    const report = new GithubReport(api, PUSH, { statusContext: 'c' }, log)
    await report.started(RUN)
    await report.finished(RUN, { kind: 'ended', status: 'SUCCESS' })
    expect(calls.length).toBe(1)
    const [warning] = log.warnings()
    expect(log.warnings().length).toBe(1)
    expect(warning).toContain('"statuses: write" permission')
    expect(warning).toContain("job's `permissions:` block")
    expect(warning).toContain('not affected')
    expect(report.progress.statusPending).toBe(false)
  })

  it('on a fork pull request the 403 warning says the token is read-only there', async () => {
    const { api } = fakeApi({ createDeployment: [forbidden('deployments: write')] })
    const log = logger()
    const event: GithubEvent = {
      ...PUSH,
      name: 'pull_request',
      pullRequest: { number: 3, headSha: SHA, fromFork: true }
    }
    await new GithubReport(api, event, { deploymentEnvironment: 'prod' }, log).started(RUN)
    expect(log.warnings()[0]).toMatch(/comes from a fork.*read-only.*"deployments: write"/)
  })

  it('a transient failure warns once, and the verdict is still tried', async () => {
    const { api, calls } = fakeApi({ createCommitStatus: [unreachable(), unreachable()] })
    const log = logger()
    const report = new GithubReport(api, PUSH, { statusContext: 'c' }, log)
    await report.started(RUN)
    await report.finished(RUN, { kind: 'ended', status: 'SUCCESS' })
    expect(calls.length).toBe(2)
    expect(log.warnings().length).toBe(1)
    expect(log.warnings()[0]).toMatch(/could not be reached in time/)
    // the second failure is logged, not warned
    expect(log.lines.filter(([k, l]) => k === 'info' && l.includes('ECONNRESET')).length).toBe(1)
    expect(report.progress.statusPending).toBe(true)
  })

  it('the post step finishes from main progress: only what was left', async () => {
    const { api, calls } = fakeApi()
    const report = new GithubReport(api, PUSH, { deploymentEnvironment: 'prod' }, logger(), {
      statusPending: false,
      deploymentId: 31
    })
    await report.finished(RUN, { kind: 'cancelled', stopped: true })
    expect(calls).toEqual([
      [
        'deploymentStatus',
        expect.objectContaining({
          id: 31,
          state: 'inactive',
          description: expect.stringMatching(/^Cancelled/)
        })
      ]
    ])
  })

  it('tells each change of progress, so a later step can finish what is left', async () => {
    const { api } = fakeApi()
    const seen: unknown[] = []
    const report = new GithubReport(api, PUSH, BOTH, logger(), undefined, p => seen.push(p))
    expect(report.progress).toEqual({ statusPending: true, deploymentId: undefined })
    await report.started(RUN)
    expect(seen).toEqual([{ statusPending: true, deploymentId: 9 }])
    await report.finished(RUN, { kind: 'ended', status: 'FAIL' })
    expect(seen.at(-1)).toEqual({ statusPending: false, deploymentId: undefined })
  })

  it('hints for 401, 404 and an unknown commit', () => {
    const report = new GithubReport(fakeApi().api, PUSH, BOTH, logger())
    const error = (status: number, githubMessage?: string) =>
      new GithubApiError('x.', {
        status,
        permission: 'statuses: write',
        transient: false,
        githubMessage
      })
    expect(report.explain('status', error(401))).toMatch(/`github-token` is not valid/)
    expect(report.explain('status', error(404))).toMatch(/cannot see octo-org\/shop/)
    expect(report.explain('status', error(422, `No commit found for SHA: ${SHA}`))).toMatch(
      /Commit aaaaaaa is not in octo-org\/shop/
    )
  })
})
