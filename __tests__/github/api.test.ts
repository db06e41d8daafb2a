import { describe, it, expect } from '@jest/globals'
import { GithubApi, GithubApiError } from '../../src/github/api.js'
import type { HttpAnswer, HttpRequest } from '../../src/github/api.js'

const TOKEN = 'ghs_unitTestToken0123456789'
const SHA = 'a'.repeat(40)

type Reply = HttpAnswer | Error
const answer = (
  status: number,
  body: unknown = {},
  headers: HttpAnswer['headers'] = {}
): HttpAnswer => ({
  status,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body)
})
const networkError = (code: string) =>
  Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code, preSend: true })

function makeApi(
  replies: Reply[],
  extra: Partial<ConstructorParameters<typeof GithubApi>[0]> = {}
) {
  const sent: HttpRequest[] = []
  const pauses: number[] = []
  const retries: string[] = []
  let clock = 1_000_000
  const api = new GithubApi({
    apiUrl: 'https://ghe.example.com/api/v3/',
    token: TOKEN,
    repository: 'octo-org/shop',
    userAgent: 'test/1.0',
    send: async request => {
      sent.push(request)
      const reply = replies.shift()
      if (!reply) throw new Error('no more replies')
      if (reply instanceof Error) throw reply
      return reply
    },
    sleep: async ms => {
      pauses.push(ms)
      clock += ms
    },
    now: () => clock,
    random: () => 0.5,
    onRetry: line => retries.push(line),
    ...extra
  })
  return { api, sent, pauses, retries }
}

async function failure(promise: Promise<unknown>): Promise<GithubApiError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(GithubApiError)
    return error as GithubApiError
  }
  throw new Error('expected a GithubApiError')
}

describe('GithubApi requests', () => {
  it('creates a commit status: path under the API base, GitHub headers, JSON body', async () => {
    const { api, sent } = makeApi([answer(201)])
    await api.createCommitStatus(SHA, {
      state: 'pending',
      target_url: 'https://flow.aliyun.com/pipelines/1/builds/2',
      description: 'Yunxiao run #2 is running',
      context: 'yunxiao/1'
    })
    expect(sent[0].method).toBe('POST')
    expect(sent[0].url).toBe(`https://ghe.example.com/api/v3/repos/octo-org/shop/statuses/${SHA}`)
    expect(sent[0].headers).toEqual({
      Accept: 'application/vnd.github+json',
      Authorization: `Bearer ${TOKEN}`,
      'Content-Type': 'application/json',
      'X-GitHub-Api-Version': '2022-11-28',
      'User-Agent': 'test/1.0'
    })
    expect(JSON.parse(sent[0].body)).toEqual({
      state: 'pending',
      target_url: 'https://flow.aliyun.com/pipelines/1/builds/2',
      description: 'Yunxiao run #2 is running',
      context: 'yunxiao/1'
    })
  })

  it('creates a deployment without auto-merge and without status checks; returns its id', async () => {
    const { api, sent } = makeApi([answer(201, { id: 42, sha: SHA })])
    const id = await api.createDeployment({
      ref: SHA,
      environment: 'production',
      description: 'd',
      payload: { yunxiao: { runId: 2 } }
    })
    expect(id).toBe(42)
    expect(sent[0].url).toBe('https://ghe.example.com/api/v3/repos/octo-org/shop/deployments')
    expect(JSON.parse(sent[0].body)).toEqual({
      ref: SHA,
      task: 'deploy',
      auto_merge: false,
      required_contexts: [],
      payload: { yunxiao: { runId: 2 } },
      environment: 'production',
      description: 'd'
    })
  })

  it('a 202 (GitHub merged instead of deploying) is no deployment', async () => {
    const { api } = makeApi([answer(202, { message: 'Auto-merged main into x on deployment.' })])
    const error = await failure(
      api.createDeployment({ ref: SHA, environment: 'e', description: '', payload: {} })
    )
    expect(error.message).toMatch(/HTTP 202 without a deployment \(Auto-merged main/)
  })
})

describe('GithubApi retries', () => {
  it('a status is retried after 5xx, timeouts and network errors, like a read', async () => {
    const timeout = Object.assign(new Error('no answer'), { timeout: true })
    const { api, sent, retries } = makeApi([answer(502), timeout, answer(201)])
    await api.createCommitStatus(SHA, { state: 'success', description: '', context: 'c' })
    expect(sent.length).toBe(3)
    expect(retries[0]).toMatch(/\(HTTP 502\); trying again/)
    expect(retries[1]).toMatch(/no answer in time/)
  })

  it('a deployment is created again only when it certainly was not: not after a 502', async () => {
    const { api, sent } = makeApi([answer(502)])
    const error = await failure(
      api.createDeployment({ ref: SHA, environment: 'e', description: '', payload: {} })
    )
    expect(sent.length).toBe(1)
    expect(error.details).toMatchObject({
      status: 502,
      transient: true,
      permission: 'deployments: write'
    })
    const refused = makeApi([
      networkError('ECONNREFUSED'),
      answer(429, {}, { 'retry-after': '2' }),
      answer(201, { id: 7 })
    ])
    expect(
      await refused.api.createDeployment({
        ref: SHA,
        environment: 'e',
        description: '',
        payload: {}
      })
    ).toBe(7)
    expect(refused.sent.length).toBe(3)
    expect(refused.pauses[1]).toBe(2000)
  })

  it('waits out a rate limit (403 with X-RateLimit-Remaining: 0) until its reset', async () => {
    const { api, pauses } = makeApi([
      answer(
        403,
        { message: 'API rate limit exceeded' },
        {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.floor(1_000_000 / 1000) + 3)
        }
      ),
      answer(201)
    ])
    await api.createCommitStatus(SHA, { state: 'success', description: '', context: 'c' })
    expect(pauses).toEqual([3000])
  })

  it('a secondary rate limit (403 saying so, no header) is waited out, not taken for a permission', async () => {
    const { api, sent } = makeApi([
      answer(403, {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes.'
      }),
      answer(201, { id: 3 })
    ])
    expect(
      await api.createDeployment({ ref: SHA, environment: 'e', description: '', payload: {} })
    ).toBe(3)
    expect(sent.length).toBe(2)
  })

  it('gives up when the pause would pass the deadline', async () => {
    const { api, sent } = makeApi([answer(429, {}, { 'retry-after': '60' })], {
      deadlineMs: 30_000
    })
    const error = await failure(
      api.createCommitStatus(SHA, { state: 'success', description: '', context: 'c' })
    )
    expect(sent.length).toBe(1)
    expect(error.details.transient).toBe(true)
  })

  it('bounds each request by what is left of the deadline', async () => {
    const { api, sent } = makeApi([answer(500), answer(201)], {
      timeoutMs: 10_000,
      deadlineMs: 10_200
    })
    await api.createCommitStatus(SHA, { state: 'success', description: '', context: 'c' })
    expect(sent[0].timeoutMs).toBe(10_000)
    expect(sent[1].timeoutMs).toBeLessThanOrEqual(10_200 - 500)
  })

  it('a permission 403 is not retried, and names the permission GitHub asks for', async () => {
    const { api, sent } = makeApi([
      answer(
        403,
        {
          message: 'Resource not accessible by integration',
          documentation_url: 'x',
          status: '403'
        },
        { 'x-accepted-github-permissions': 'statuses=write' }
      )
    ])
    const error = await failure(
      api.createCommitStatus(SHA, { state: 'pending', description: '', context: 'c' })
    )
    expect(sent.length).toBe(1)
    expect(error.message).toBe(
      'Could not create the commit status "c": HTTP 403 "Resource not accessible by integration".'
    )
    expect(error.details).toEqual({
      status: 403,
      githubMessage: 'Resource not accessible by integration',
      acceptedPermissions: 'statuses=write',
      permission: 'statuses: write',
      transient: false
    })
  })

  it('shows validation errors, and never the token', async () => {
    const { api } = makeApi([
      answer(422, {
        message: 'Validation Failed',
        errors: [{ resource: 'Status', field: 'description', message: `too long ${TOKEN}` }]
      })
    ])
    const error = await failure(
      api.createCommitStatus(SHA, { state: 'pending', description: '', context: 'c' })
    )
    expect(error.message).toContain('HTTP 422 "Validation Failed: too long ***"')
    expect(error.message).not.toContain(TOKEN)
  })

  it('a cancelled call stops: no request, or none after the one in flight', async () => {
    const controller = new AbortController()
    controller.abort()
    const { api, sent } = makeApi([answer(201)])
    const error = await failure(
      api.createCommitStatus(
        SHA,
        { state: 'pending', description: '', context: 'c' },
        { signal: controller.signal }
      )
    )
    expect(sent.length).toBe(0)
    expect(error.details.cancelled).toBe(true)
  })

  it('refuses an API address that is not http(s)', () => {
    expect(() => makeApi([], { apiUrl: 'ftp://x' })).toThrow(/not http\(s\)/)
    expect(() => makeApi([], { apiUrl: 'nope' })).toThrow(/not http\(s\)/)
  })
})

describe('budgetMs: all calls together', () => {
  it('a call gets what is left of it, and one made after it is used up is not sent', async () => {
    let clock = 0
    const sent: HttpRequest[] = []
    const api = new GithubApi({
      apiUrl: 'https://api.github.com',
      token: TOKEN,
      repository: 'octo-org/shop',
      userAgent: 'test/1.0',
      budgetMs: 10_000,
      now: () => clock,
      sleep: async ms => {
        clock += ms
      },
      random: () => 0.5,
      // GitHub hangs: every request runs into its deadline.
      send: async request => {
        sent.push(request)
        clock += request.timeoutMs
        throw Object.assign(new Error('no answer'), { timeout: true })
      }
    })
    const status = { state: 'pending' as const, description: 'd', context: 'c' }
    await api.createCommitStatus(SHA, status).catch(() => undefined)
    clock += 3_000 // time outside calls does not count
    await api.createCommitStatus(SHA, status).catch(() => undefined)
    expect(sent.map(r => r.timeoutMs)).toEqual([10_000])
    const last = await failure(
      api.createDeploymentStatus(1, { state: 'success', description: 'd' })
    )
    expect(last.message).toMatch(/not tried: the GitHub calls have had their 10 s/)
    expect(last.details.transient).toBe(true)
    expect(sent).toHaveLength(1)
  })
})

describe('descriptions', () => {
  it.each([
    ['raw', (t: string) => t],
    ['HTML references', (t: string) => [...t].map(c => `&#${c.charCodeAt(0)};`).join('')]
  ])(
    'a secret (%s) across the 140-character cut is removed before the cut',
    async (_form, write) => {
      const other = 'pt-yunxiaoToken0123456789'
      const form = write(other)
      const half = Math.floor(form.length / 2)
      const description = `${'x'.repeat(139 - half)}${form} and more`
      const { api, sent } = makeApi([answer(201)], { secrets: [other] })
      await api.createCommitStatus(SHA, { state: 'error', description, context: 'c' })
      const posted = JSON.parse(sent[0].body) as { description: string }
      expect(posted.description.includes(form.slice(0, half))).toBe(false)
      expect([...posted.description].length).toBeLessThanOrEqual(140)
    }
  )
})
