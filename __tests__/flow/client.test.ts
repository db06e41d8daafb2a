import { describe, expect, it } from '@jest/globals'
import http from 'node:http'
import { resolve } from 'node:path'
import nock from 'nock'
import type { RetryEvent } from '../../src/flow/client.js'
import { FlowApiError } from '../../src/flow/errors.js'
import {
  CENTER,
  CENTER_RUNS,
  ORG,
  REGION,
  REGION_RUNS,
  TOKEN,
  UA,
  closedPort,
  counted,
  failure,
  harness,
  listen
} from '../support/flow-client.js'

describe('paths, headers and bodies', () => {
  it('center edition: organization path, every header, body {} without params', async () => {
    let sentBody: string | undefined
    const scope = nock(CENTER, {
      reqheaders: {
        'x-yunxiao-token': TOKEN,
        'content-type': 'application/json',
        accept: 'application/json',
        'user-agent': value => value.startsWith(UA)
      }
    })
      .post(CENTER_RUNS)
      .reply(200, '7')
    scope.on('request', (_req, _interceptor, body: string) => {
      sentBody = body
    })
    const { client } = harness()
    await expect(client.createRun(42, undefined)).resolves.toBe(7)
    expect(sentBody).toBe('{}')
    expect(scope.isDone()).toBe(true)
  })

  it('Region edition: no organization in the path, params sent as a JSON string', async () => {
    const params = JSON.stringify({ branchModeBranchs: ['main'], envs: { A: '1' } })
    let raw = ''
    const scope = nock(REGION).post(REGION_RUNS).reply(200, '8')
    scope.on('request', (_req, _interceptor, body: string) => {
      raw = body
    })
    const { client } = harness({ baseUrl: `${REGION}/`, organizationId: undefined })
    await expect(client.createRun(42, params)).resolves.toBe(8)
    expect(raw).toBe(JSON.stringify({ params }))
    expect(JSON.parse(JSON.parse(raw).params)).toEqual({
      branchModeBranchs: ['main'],
      envs: { A: '1' }
    })
  })

  it('an empty organization id means the Region edition', async () => {
    nock(REGION).post(REGION_RUNS).reply(200, '1')
    const { client } = harness({ baseUrl: REGION, organizationId: '' })
    await expect(client.createRun(42, undefined)).resolves.toBe(1)
  })

  it('reads and stops use the documented paths in both editions', async () => {
    for (const [base, org, prefix] of [
      [CENTER, ORG, `/oapi/v1/flow/organizations/${ORG}`],
      [REGION, undefined, '/oapi/v1/flow']
    ] as const) {
      const run = { pipelineRunId: 3, status: 'RUNNING' }
      const scope = nock(base, {
        reqheaders: { 'x-yunxiao-token': TOKEN, accept: 'application/json' }
      })
        .get(`${prefix}/pipelines/42/runs/3`)
        .reply(200, run)
        .get(`${prefix}/pipelines/42`)
        .reply(200, { name: 'p', pipelineConfig: { sources: [] } })
        .get(`${prefix}/pipelines/42/runs/3/job/99/log`)
        .reply(200, { content: 'hello', last: 5, more: false })
        .put(`${prefix}/pipelines/42/runs/3`)
        .reply(200, 'true')
        .put(`${prefix}/pipelines/42/pipelineRuns/3/jobs/99/stop`)
        .reply(200, 'true')
      const { client } = harness({ baseUrl: base, organizationId: org })
      await expect(client.getRun(42, 3)).resolves.toEqual(run)
      await expect(client.getPipeline(42)).resolves.toEqual({
        name: 'p',
        pipelineConfig: { sources: [] }
      })
      await expect(client.getJobLog({ pipelineId: 42, runId: 3, jobId: 99 })).resolves.toEqual({
        content: 'hello',
        last: 5,
        more: false
      })
      await expect(client.stopRun(42, 3)).resolves.toBeUndefined()
      await expect(client.stopJob({ pipelineId: 42, runId: 3, jobId: 99 })).resolves.toBeUndefined()
      expect(scope.isDone()).toBe(true)
    }
  })

  it('stops are PUTs with an empty body (Content-Length 0)', async () => {
    let length: string | string[] | undefined
    let raw: string | undefined
    const scope = nock(CENTER).put(`${CENTER_RUNS}/3`).reply(200, 'true')
    scope.on('request', (req: { headers: Record<string, string> }, _i, body: string) => {
      length = req.headers['content-length']
      raw = body
    })
    await harness().client.stopRun(42, 3)
    expect(String(length)).toBe('0')
    expect(raw).toBe('')
  })

  it('escapes the organization id in the path', async () => {
    nock(CENTER).post('/oapi/v1/flow/organizations/a%2Fb%20c/pipelines/42/runs').reply(200, '2')
    await expect(
      harness({ organizationId: 'a/b c' }).client.createRun(42, undefined)
    ).resolves.toBe(2)
  })

  it('refuses ids that are not positive integers before sending anything', async () => {
    const { client } = harness()
    await expect(client.createRun(0, undefined)).rejects.toThrow(RangeError)
    await expect(client.getRun(42, 1.5)).rejects.toThrow(RangeError)
    await expect(client.stopJob({ pipelineId: 42, runId: 1, jobId: -1 })).rejects.toThrow(
      RangeError
    )
  })
})

describe('describeRequest', () => {
  it('gives the exact request, token redacted, for both bodies', () => {
    const { client } = harness()
    expect(client.describeRequest(42, '{"comment":"hi"}')).toEqual({
      method: 'POST',
      url: `${CENTER}${CENTER_RUNS}`,
      headers: {
        'x-yunxiao-token': '***',
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'User-Agent': UA
      },
      body: JSON.stringify({ params: '{"comment":"hi"}' })
    })
    expect(client.describeRequest(42, undefined).body).toBe('{}')
  })

  it('never shows the token, even when the params hold it', () => {
    const described = harness().client.describeRequest(42, JSON.stringify({ envs: { T: TOKEN } }))
    expect(JSON.stringify(described)).not.toContain(TOKEN)
  })
})

describe('CreatePipelineRun answers', () => {
  it.each([
    ['7', 7],
    [' 7\n', 7],
    ['"7"', 7],
    ['123456', 123456]
  ])('reads %j as run id %d', async (body, id) => {
    nock(CENTER).post(CENTER_RUNS).reply(200, body)
    await expect(harness().client.createRun(42, undefined)).resolves.toBe(id)
  })

  it.each([
    [
      'an HTML login page',
      '<!DOCTYPE html><html><head><title>Login</title></head><body>x</body></html>'
    ],
    ['a JSON object', '{"pipelineRunId":7}'],
    ['zero', '0'],
    ['a negative number', '-3'],
    ['a non-integer', '7.5'],
    ['a quoted word', '"seven"'],
    ['a number too large to be exact', '99999999999999999999'],
    ['a mismatched quote', '"7']
  ])('refuses %s, quoting it, and says the run may have started', async (_what, body) => {
    const reply = counted(nock(CENTER).post(CENTER_RUNS), 3, 200, body)
    const error = await failure(harness().client.createRun(42, undefined))
    expect(error.kind).toBe('bad-answer')
    expect(error.status).toBe(200)
    expect(error.mayHaveStarted).toBe(true)
    expect(error.retryable).toBe(false)
    expect(error.message).toContain('CreatePipelineRun failed: the answer is not a run id')
    expect(error.message).toContain(body.slice(0, 20))
    expect(reply.count()).toBe(1)
  })

  it('names an HTML answer as a wrong host', async () => {
    nock(CENTER).post(CENTER_RUNS).reply(200, '<html><body>Sign in</body></html>', {
      'Content-Type': 'text/html'
    })
    const error = await failure(harness().client.createRun(42, undefined))
    expect(error.message).toContain('The host is not a Yunxiao OpenAPI endpoint')
    expect(error.message).toContain('check the domain')
  })

  it('says so when the answer is empty', async () => {
    nock(CENTER).post(CENTER_RUNS).reply(200, '')
    const error = await failure(harness().client.createRun(42, undefined))
    expect(error.kind).toBe('bad-answer')
    expect(error.mayHaveStarted).toBe(true)
    expect(error.message).toContain('empty answer')
  })

  it('quotes at most 200 characters of a long answer', async () => {
    const body = `<html><body>${'a'.repeat(1000)}</body></html>`
    nock(CENTER).post(CENTER_RUNS).reply(200, body)
    const error = await failure(harness().client.createRun(42, undefined))
    const quoted = /"([^"]*)"/.exec(error.message)?.[1] ?? ''
    expect(quoted.length).toBeGreaterThan(100)
    expect(quoted.length).toBeLessThanOrEqual(201)
    expect(error.message).not.toContain('a'.repeat(201))
  })
})

describe('HTTP errors are explained', () => {
  it('401 with a Yunxiao error body gives the example message', async () => {
    nock(CENTER).post(CENTER_RUNS).reply(401, {
      errorCode: 'InvalidTokenError',
      errorMessage: 'token is invalid',
      requestId: '1A2B'
    })
    const error = await failure(harness().client.createRun(42, undefined))
    expect(error.message).toBe(
      'CreatePipelineRun failed: HTTP 401 Unauthorized (errorCode InvalidTokenError: token is invalid; requestId 1A2B). The token is invalid or expired: create a new personal access token in Yunxiao and update it where it is stored.'
    )
    expect(error).toMatchObject({
      operation: 'CreatePipelineRun',
      kind: 'http',
      status: 401,
      retryable: false,
      mayHaveStarted: false,
      attempts: 1
    })
  })

  it.each([
    [400, 'BadRequest', undefined, false],
    [403, 'Forbidden', '"pipeline run: read/write" permission', false],
    [404, 'NotFound', 'Wrong pipeline id or organization id, or an edition mismatch', false],
    [500, 'InternalServerError', 'server error', true],
    [502, 'BadGateway', 'server error', true],
    [503, 'ServiceUnavailable', 'server error', true]
  ])(
    'HTTP %i (%s): hint, one request only, mayHaveStarted only for 5xx',
    async (status, errorCode, hint, started) => {
      const reply = counted(
        nock(CENTER).post(CENTER_RUNS),
        3,
        status,
        JSON.stringify({ errorCode, errorMessage: 'boom', requestId: 'RQ' })
      )
      const error = await failure(harness().client.createRun(42, undefined))
      expect(error.status).toBe(status)
      expect(error.message).toContain(`HTTP ${status} `)
      expect(error.message).toContain(`errorCode ${errorCode}: boom; requestId RQ`)
      if (hint) expect(error.message).toContain(hint)
      expect(error.mayHaveStarted).toBe(started)
      expect(error.retryable).toBe(false)
      expect(reply.count()).toBe(1)
    }
  )

  it('reads the traceId/code/errorDescription shape and an x-acs-request-id header', async () => {
    nock(CENTER)
      .get(`${CENTER_RUNS}/1`)
      .reply(403, {
        traceId: 'T1',
        code: 'Forbidden.InvalidOrganizationMember',
        errorDescription: 'not a member'
      })
      .get(`${CENTER_RUNS}/2`)
      .reply(403, 'denied', { 'x-acs-request-id': 'HDR-9' })
    const { client } = harness()
    const first = await failure(client.getRun(42, 1))
    expect(first.message).toContain(
      'HTTP 403 Forbidden (errorCode Forbidden.InvalidOrganizationMember: not a member; requestId T1).'
    )
    const second = await failure(client.getRun(42, 2))
    expect(second.message).toContain('(requestId HDR-9), answer: "denied"')
  })

  it('quotes a plain-text error body, at most 200 characters', async () => {
    nock(CENTER)
      .post(CENTER_RUNS)
      .reply(400, `bad things ${'z'.repeat(500)}`)
    const error = await failure(harness().client.createRun(42, undefined))
    expect(error.message).toContain('HTTP 400 Bad Request, answer: "bad things zzz')
    expect(error.message).not.toContain('z'.repeat(200))
  })

  it('an HTML error page points at the domain', async () => {
    nock(CENTER).post(CENTER_RUNS).reply(404, '<html><title>404 Not Found</title></html>')
    const error = await failure(harness().client.createRun(42, undefined))
    expect(error.message).toContain('an HTML page came back): check the domain')
  })

  it('an HTML page with a 5xx is a gateway error, not a wrong host', async () => {
    nock(CENTER)
      .get(`${CENTER_RUNS}/1`)
      .times(3)
      .reply(502, '<html><body>502 Bad Gateway</body></html>')
    const error = await failure(harness().client.getRun(42, 1))
    expect(error.message).toContain('HTTP 502 Bad Gateway, answer: "<html><body>502 Bad Gateway')
    expect(error.message).not.toContain('not a Yunxiao OpenAPI endpoint')
  })

  it('404 on the center host without an organization id says it needs one', async () => {
    nock(CENTER).post(REGION_RUNS).reply(404, '{"errorCode":"NotFound"}')
    const error = await failure(
      harness({ organizationId: undefined }).client.createRun(42, undefined)
    )
    expect(error.message).toContain('needs the organization id, and none was given')
  })

  it('404 on another host with an organization id says a Region host must not get one', async () => {
    nock(REGION).post(CENTER_RUNS).reply(404, '{"errorCode":"NotFound"}')
    const error = await failure(harness({ baseUrl: REGION }).client.createRun(42, undefined))
    expect(error.message).toContain(
      'a Region-edition host must not get an organization id (is myorg-cn-hangzhou.devops.aliyuncs.com one?)'
    )
  })

  it('does not follow a redirect, which would carry the token elsewhere', async () => {
    const elsewhere = nock('https://elsewhere.example').post(CENTER_RUNS).reply(200, '9')
    nock(CENTER)
      .post(CENTER_RUNS)
      .reply(302, '', { Location: 'https://elsewhere.example' + CENTER_RUNS })
    const error = await failure(harness().client.createRun(42, undefined))
    expect(error.status).toBe(302)
    expect(error.message).toContain('redirect to https://elsewhere.example')
    expect(elsewhere.isDone()).toBe(false)
  })
})

describe('the token never leaks, even when the server echoes it', () => {
  it.each([
    [
      'a JSON error body',
      401,
      JSON.stringify({ errorCode: 'InvalidTokenError', errorMessage: `bad token ${TOKEN}` })
    ],
    ['a plain-text body', 500, `upstream saw x-yunxiao-token: ${TOKEN}`],
    ['an HTML page', 403, `<html><body><p>Token ${TOKEN} rejected</p></body></html>`],
    ['an HTML 200 page', 200, `<html><body><p>Welcome ${TOKEN}</p></body></html>`],
    ['a JSON 200 object', 200, JSON.stringify({ token: TOKEN })]
  ])('in %s', async (_what, status, body) => {
    nock(CENTER).post(CENTER_RUNS).reply(status, body)
    const error = await failure(harness().client.createRun(42, undefined))
    expect(error.message).toContain('***')
  })

  it('in a redirect Location', async () => {
    nock(CENTER)
      .post(CENTER_RUNS)
      .reply(301, '', { Location: `https://x.example/?t=${TOKEN}` })
    const error = await failure(harness().client.createRun(42, undefined))
    expect(error.message).toContain('?t=***')
  })
})

describe('CreatePipelineRun retries only where no run can have started', () => {
  it('429 with Retry-After in seconds: waits that long, then succeeds', async () => {
    const scope = nock(CENTER)
      .post(CENTER_RUNS)
      .reply(429, '{"errorCode":"TooManyRequests"}', { 'Retry-After': '2' })
      .post(CENTER_RUNS)
      .reply(200, '11')
    const { client, sleeps } = harness()
    await expect(client.createRun(42, undefined)).resolves.toBe(11)
    expect(sleeps).toEqual([2000])
    expect(scope.isDone()).toBe(true)
  })

  it('429 with Retry-After as an HTTP date: waits until then', async () => {
    // HTTP dates have whole seconds: 5 s after the start of this second, a wait of 4 to 5 s.
    const then = new Date(Math.floor(Date.now() / 1000) * 1000 + 5000).toUTCString()
    nock(CENTER).post(CENTER_RUNS).reply(429, '', { 'Retry-After': then })
    nock(CENTER).post(CENTER_RUNS).reply(200, '12')
    const { client, sleeps } = harness()
    await expect(client.createRun(42, undefined)).resolves.toBe(12)
    expect(sleeps).toHaveLength(1)
    expect(sleeps[0]).toBeGreaterThan(3000)
    expect(sleeps[0]).toBeLessThanOrEqual(5000)
  })

  it('caps a long Retry-After', async () => {
    nock(CENTER)
      .post(CENTER_RUNS)
      .reply(429, '', { 'Retry-After': '3600' })
      .post(CENTER_RUNS)
      .reply(200, '13')
    const { client, sleeps } = harness()
    await expect(client.createRun(42, undefined)).resolves.toBe(13)
    expect(sleeps).toEqual([60_000])
  })

  it('429 without Retry-After: backoff, at most 3 tries in all', async () => {
    const reply = counted(nock(CENTER).post(CENTER_RUNS), 5, 429, '{"errorCode":"TooManyRequests"}')
    const { client, sleeps } = harness()
    const error = await failure(client.createRun(42, undefined))
    expect(reply.count()).toBe(3)
    expect(sleeps).toHaveLength(2)
    expect(error).toMatchObject({
      status: 429,
      attempts: 3,
      retryable: true,
      mayHaveStarted: false
    })
    expect(error.message).toMatch(
      /^CreatePipelineRun failed after 3 tries: HTTP 429 Too Many Requests/
    )
  })

  it('the pauses are full jitter: from no wait at all up to a ceiling that grows', async () => {
    const pauses = async (random: () => number) => {
      counted(nock(CENTER).post(CENTER_RUNS), 3, 429, '')
      const { client, sleeps } = harness({ random })
      await failure(client.createRun(42, undefined))
      return sleeps
    }
    expect(await pauses(() => 0)).toEqual([0, 0])
    const high = await pauses(() => 0.999)
    expect(high[1]).toBeGreaterThan(1.9 * high[0])
    // Up to 1 s before the second try, 2 s before the third.
    expect(high[0]).toBeLessThanOrEqual(1000)
    expect(high[1]).toBeLessThanOrEqual(2000)
  })

  it('connection refused (a closed loopback port) is retried, then reported', async () => {
    const port = await closedPort()
    const { client, sleeps } = harness({ baseUrl: `http://127.0.0.1:${port}` })
    const error = await failure(client.createRun(42, undefined))
    expect(error).toMatchObject({
      kind: 'network',
      networkCode: 'ECONNREFUSED',
      attempts: 3,
      retryable: true,
      mayHaveStarted: false
    })
    expect(sleeps).toHaveLength(2)
    expect(error.message).toContain('check the domain and port')
  })

  it('a DNS failure is retried and can then succeed', async () => {
    const scope = nock(CENTER)
      .post(CENTER_RUNS)
      .replyWithError(Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }))
      .post(CENTER_RUNS)
      .replyWithError(Object.assign(new Error('getaddrinfo EAI_AGAIN x'), { code: 'EAI_AGAIN' }))
      .post(CENTER_RUNS)
      .reply(200, '14')
    const { client, sleeps } = harness()
    await expect(client.createRun(42, undefined)).resolves.toBe(14)
    expect(sleeps).toHaveLength(2)
    expect(scope.isDone()).toBe(true)
  })

  // A real loopback server: nock fails a request before its socket reports a connection.
  it('a connection reset after sending is not retried: the run may have started', async () => {
    let requests = 0
    const server = http.createServer(req => {
      requests++
      req.socket.destroy()
    })
    const port = await listen(server)
    try {
      const { client, sleeps } = harness({ baseUrl: `http://127.0.0.1:${port}` })
      const error = await failure(client.createRun(42, undefined))
      expect(error).toMatchObject({ kind: 'network', networkCode: 'ECONNRESET', attempts: 1 })
      expect(error.mayHaveStarted).toBe(true)
      expect(error.retryable).toBe(false)
      expect(error.message).not.toContain('nothing was sent')
      expect(sleeps).toEqual([])
      expect(requests).toBe(1)
    } finally {
      server.closeAllConnections()
      await new Promise(done => server.close(done))
    }
  })

  it('5xx is not retried: exactly one request reaches the server', async () => {
    const reply = counted(nock(CENTER).post(CENTER_RUNS), 3, 503, 'busy', { 'Retry-After': '1' })
    const { client, sleeps } = harness()
    const error = await failure(client.createRun(42, undefined))
    expect(reply.count()).toBe(1)
    expect(sleeps).toEqual([])
    expect(error.mayHaveStarted).toBe(true)
  })
})

describe('reads', () => {
  it('are retried on 5xx with backoff, and then succeed', async () => {
    const scope = nock(CENTER)
      .get(`${CENTER_RUNS}/5`)
      .reply(500, 'oops')
      .get(`${CENTER_RUNS}/5`)
      .reply(502, 'bad gateway')
      .get(`${CENTER_RUNS}/5`)
      .reply(200, { status: 'FAIL' })
    const { client, sleeps } = harness()
    await expect(client.getRun(42, 5)).resolves.toEqual({ status: 'FAIL' })
    expect(sleeps).toEqual([500, 1000])
    expect(scope.isDone()).toBe(true)
  })

  it('give up after the attempts given', async () => {
    const reply = counted(nock(CENTER).get(`${CENTER_RUNS}/5`), 9, 503, '')
    const { client } = harness()
    const error = await failure(client.getRun(42, 5, { attempts: 4 }))
    expect(reply.count()).toBe(4)
    expect(error).toMatchObject({ attempts: 4, retryable: true, mayHaveStarted: false })
  })

  it('with attempts 1, a 429 reports retryable and the (capped) Retry-After for the caller', async () => {
    const reply = counted(nock(CENTER).get(`${CENTER_RUNS}/5`), 3, 429, '', { 'Retry-After': '7' })
    const { client, sleeps } = harness()
    const error = await failure(client.getRun(42, 5, { attempts: 1 }))
    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 7000, attempts: 1 })
    expect(reply.count()).toBe(1)
    expect(sleeps).toEqual([])

    counted(nock(CENTER).get(`${CENTER_RUNS}/6`), 1, 503, '', { 'Retry-After': '600' })
    const capped = await failure(harness().client.getRun(42, 6, { attempts: 1 }))
    expect(capped.retryAfterMs).toBe(60_000)
  })

  it('are not retried on 401, 403 or 404', async () => {
    for (const status of [401, 403, 404]) {
      const reply = counted(nock(CENTER).get(`${CENTER_RUNS}/5`), 3, status, '{}')
      const error = await failure(harness().client.getRun(42, 5))
      expect(error.retryable).toBe(false)
      expect(reply.count()).toBe(1)
      nock.cleanAll()
    }
  })

  it('network errors are retried', async () => {
    nock(CENTER)
      .get(`${CENTER_RUNS}/5`)
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .get(`${CENTER_RUNS}/5`)
      .reply(200, { status: 'RUNNING' })
    const { client, sleeps } = harness()
    await expect(client.getRun(42, 5)).resolves.toEqual({ status: 'RUNNING' })
    expect(sleeps).toEqual([500])
  })

  it('a run answer without a status, or an HTML page, is a bad answer', async () => {
    nock(CENTER)
      .get(`${CENTER_RUNS}/5`)
      .reply(200, { pipelineRunId: 5 })
      .get(`${CENTER_RUNS}/6`)
      .reply(200, '<html>login</html>')
    const { client } = harness()
    const first = await failure(client.getRun(42, 5))
    expect(first).toMatchObject({ kind: 'bad-answer', retryable: false, mayHaveStarted: false })
    const second = await failure(client.getRun(42, 6))
    expect(second.message).toContain('an HTML page came back')
  })

  it('a job log is read once by default, or as often as asked', async () => {
    const reply = counted(nock(CENTER).get(`${CENTER_RUNS}/5/job/7/log`), 1, 503, '')
    const { client, sleeps } = harness()
    const error = await failure(client.getJobLog({ pipelineId: 42, runId: 5, jobId: 7 }))
    expect(error).toMatchObject({ operation: 'GetPipelineJobRunLog', attempts: 1, retryable: true })
    expect(reply.count()).toBe(1)
    expect(sleeps).toEqual([])

    nock(CENTER)
      .get(`${CENTER_RUNS}/5/job/7/log`)
      .reply(503, '')
      .get(`${CENTER_RUNS}/5/job/7/log`)
      .reply(200, { content: 'x' })
    await expect(
      client.getJobLog({ pipelineId: 42, runId: 5, jobId: 7 }, { attempts: 2 })
    ).resolves.toEqual({ content: 'x' })
  })

  it('a job log without content reads as empty', async () => {
    nock(CENTER).get(`${CENTER_RUNS}/5/job/7/log`).reply(200, { more: false })
    await expect(
      harness().client.getJobLog({ pipelineId: 42, runId: 5, jobId: 7 })
    ).resolves.toEqual({
      content: '',
      more: false
    })
  })
})

describe('stops', () => {
  it('retry once, with a short pause even when Retry-After asks for more', async () => {
    const scope = nock(CENTER)
      .put(`${CENTER_RUNS}/5`)
      .reply(503, '', { 'Retry-After': '30' })
      .put(`${CENTER_RUNS}/5`)
      .reply(200, 'true')
    const { client, sleeps } = harness()
    await client.stopRun(42, 5)
    expect(sleeps).toEqual([1000])
    expect(scope.isDone()).toBe(true)
  })

  it('make at most 2 tries by default', async () => {
    const reply = counted(nock(CENTER).put(`${CENTER_RUNS}/5`), 5, 500, '')
    const error = await failure(harness().client.stopRun(42, 5))
    expect(reply.count()).toBe(2)
    expect(error).toMatchObject({ operation: 'UpdatePipelineRun', status: 500, attempts: 2 })
  })

  it('a refusal (4xx) is reported with its status at once', async () => {
    const reply = counted(
      nock(CENTER).put(
        `/oapi/v1/flow/organizations/${ORG}/pipelines/42/pipelineRuns/5/jobs/8/stop`
      ),
      3,
      400,
      '{"errorCode":"BadRequest","errorMessage":"job finished"}'
    )
    const error = await failure(harness().client.stopJob({ pipelineId: 42, runId: 5, jobId: 8 }))
    expect(error).toMatchObject({ operation: 'StopPipelineJobRun', status: 400, retryable: false })
    expect(reply.count()).toBe(1)
  })

  it('an answer of false is an error', async () => {
    nock(CENTER).put(`${CENTER_RUNS}/5`).reply(200, 'false')
    const error = await failure(harness().client.stopRun(42, 5))
    expect(error.kind).toBe('bad-answer')
    expect(error.message).toBe(
      'UpdatePipelineRun failed: the server answered false: nothing was stopped (HTTP 200 OK).'
    )
  })

  it('a 200 that reports a failure (success false, an error code) is no stop', async () => {
    nock(CENTER).put(`${CENTER_RUNS}/5`).reply(200, { success: false })
    const run = await failure(harness().client.stopRun(42, 5))
    expect(run).toMatchObject({ kind: 'bad-answer', status: 200, mayHaveStarted: false })
    expect(run.message).toContain('the answer reports a failure: nothing was stopped')
    const job = `/oapi/v1/flow/organizations/${ORG}/pipelines/42/pipelineRuns/5/jobs/8/stop`
    nock(CENTER).put(job).reply(200, { errorCode: 'SYSTEM_ERROR', errorMessage: 'busy' })
    expect(
      (await failure(harness().client.stopJob({ pipelineId: 42, runId: 5, jobId: 8 }))).kind
    ).toBe('bad-answer')
  })
})

describe('cancelling createRun', () => {
  function expectCancelled(error: FlowApiError, attempts: number): void {
    expect(error).toMatchObject({
      operation: 'CreatePipelineRun',
      kind: 'cancelled',
      mayHaveStarted: false,
      retryable: false,
      attempts
    })
    expect(error.message).toMatch(/^CreatePipelineRun was cancelled /)
    expect(error.message).toContain('no run was started')
  }

  it('an already aborted signal sends nothing', async () => {
    const reply = counted(nock(CENTER).post(CENTER_RUNS), 1, 200, '7')
    const controller = new AbortController()
    controller.abort()
    const { client, sleeps } = harness()
    const error = await failure(client.createRun(42, undefined, { signal: controller.signal }))
    expectCancelled(error, 0)
    expect(error.message).toContain('before the first request')
    expect(reply.count()).toBe(0)
    expect(sleeps).toEqual([])
  })

  it('an abort during a Retry-After wait ends the wait, and no second request is sent', async () => {
    const reply = counted(nock(CENTER).post(CENTER_RUNS), 3, 429, '', { 'Retry-After': '3600' })
    const controller = new AbortController()
    const events: RetryEvent[] = []
    // The client's own sleep, asked to wait a minute: only the abort can end it within the test's
    // time limit.
    const { client } = harness({
      sleep: undefined,
      onRetry: event => {
        events.push(event)
        setImmediate(() => controller.abort())
      }
    })
    const error = await failure(client.createRun(42, undefined, { signal: controller.signal }))
    expectCancelled(error, 1)
    expect(error.message).toContain('after HTTP 429 Too Many Requests')
    expect(error.message).toContain('the one request sent was refused or never reached the server')
    expect(events.map(e => e.delayMs)).toEqual([60_000])
    expect(reply.count()).toBe(1)
  })

  it('an abort during the backoff after a connection failure: the sleep gets the signal', async () => {
    const controller = new AbortController()
    nock(CENTER)
      .post(CENTER_RUNS)
      .replyWithError(Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }))
    const second = counted(nock(CENTER).post(CENTER_RUNS), 1, 200, '7')
    const signals: (AbortSignal | undefined)[] = []
    const { client } = harness({
      sleep: async (_ms, signal) => {
        signals.push(signal)
        controller.abort()
      }
    })
    const error = await failure(client.createRun(42, undefined, { signal: controller.signal }))
    expectCancelled(error, 1)
    expect(error.message).toContain('after ENOTFOUND')
    expect(signals).toEqual([controller.signal])
    expect(second.count()).toBe(0)
  })

  it('a request in flight is not aborted: its run id comes back', async () => {
    const controller = new AbortController()
    let requests = 0
    nock(CENTER)
      .post(CENTER_RUNS)
      .reply(() => {
        requests++
        controller.abort()
        return [200, '31']
      })
    const { client } = harness()
    await expect(client.createRun(42, undefined, { signal: controller.signal })).resolves.toBe(31)
    expect(requests).toBe(1)
    expect(controller.signal.aborted).toBe(true)
  })

  it('an abort while a request is in flight that then gets 429: no wait, no second request', async () => {
    const controller = new AbortController()
    const replies = [429, 200]
    let requests = 0
    nock(CENTER)
      .post(CENTER_RUNS)
      .times(2)
      .reply(() => {
        requests++
        controller.abort()
        return [replies.shift() ?? 500, '32', { 'Retry-After': '1' }]
      })
    const events: RetryEvent[] = []
    const { client, sleeps } = harness({ onRetry: e => events.push(e) })
    const error = await failure(client.createRun(42, undefined, { signal: controller.signal }))
    expectCancelled(error, 1)
    expect(requests).toBe(1)
    expect(sleeps).toEqual([])
    expect(events).toEqual([])
  })

  it('an abort while a request is in flight that then gets 503 reports the 503', async () => {
    const controller = new AbortController()
    nock(CENTER)
      .post(CENTER_RUNS)
      .reply(() => {
        controller.abort()
        return [503, 'busy']
      })
    const error = await failure(
      harness().client.createRun(42, undefined, { signal: controller.signal })
    )
    // The server may have taken it: saying "cancelled, no run" here would be wrong.
    expect(error).toMatchObject({ kind: 'http', status: 503, mayHaveStarted: true })
  })

  it('an injected sleep that ignores the signal still stops the retries', async () => {
    const controller = new AbortController()
    const reply = counted(nock(CENTER).post(CENTER_RUNS), 3, 429, '')
    const { client, sleeps, sleepSignals } = harness({
      onRetry: () => controller.abort()
    })
    const error = await failure(client.createRun(42, undefined, { signal: controller.signal }))
    expectCancelled(error, 1)
    expect(reply.count()).toBe(1)
    expect(sleeps).toEqual([500])
    expect(sleepSignals).toEqual([controller.signal])
  })
})

describe('independence from GitHub', () => {
  it('the client modules do not import @actions/core', async () => {
    const { readFile } = await import('node:fs/promises')
    for (const file of [
      'flow/client.ts',
      'flow/transport.ts',
      'flow/errors.ts',
      'common/redact.ts',
      'flow/types.ts'
    ]) {
      const source = await readFile(resolve('src', file), 'utf8')
      expect(source).not.toMatch(/from\s+['"]@actions\/core['"]|import\(\s*['"]@actions\/core['"]/)
    }
  })
})
