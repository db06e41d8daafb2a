// The HTTP side of the Flow client (src/flow/transport.ts), driven through the client's operations:
// timeouts, what each pause is told, and the proxy environment.
import { afterEach, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import http from 'node:http'
import type { Socket } from 'node:net'
import { resolve } from 'node:path'
import nock from 'nock'
import type { RetryEvent } from '../../src/flow/client.js'
import {
  CENTER,
  CENTER_RUNS,
  TOKEN,
  closedPort,
  failure,
  harness,
  listen
} from '../support/flow-client.js'
import { useDriver } from '../support/driver.js'

describe('timeouts (a real loopback server that never answers)', () => {
  let server: http.Server | undefined
  const sockets = new Set<Socket>()
  afterEach(async () => {
    for (const socket of sockets) socket.destroy()
    sockets.clear()
    if (server) await new Promise(done => server?.close(done))
    server = undefined
  })

  /** Counts requests; answers none, or only those after the first `silent` ones. */
  async function silentServer(
    silent = Infinity
  ): Promise<{ base: string; requests: () => number }> {
    let n = 0
    server = http.createServer((_req, res) => {
      n++
      if (n > silent) {
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify({ status: 'SUCCESS' }))
      }
    })
    server.on('connection', socket => sockets.add(socket))
    const port = await listen(server)
    return { base: `http://127.0.0.1:${port}`, requests: () => n }
  }

  /** Answers every request after `delayMs`: a stop `true`, anything else a run. */
  async function slowServer(delayMs: number): Promise<{ base: string; requests: () => number }> {
    let n = 0
    server = http.createServer((req, res) => {
      n++
      setTimeout(() => {
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end(
          req.method === 'PUT' ? 'true' : JSON.stringify({ status: 'RUNNING', content: 'log' })
        )
      }, delayMs)
    })
    server.on('connection', socket => sockets.add(socket))
    const port = await listen(server)
    return { base: `http://127.0.0.1:${port}`, requests: () => n }
  }

  it('stops and job logs have their own timeouts, longer than a short client timeout', async () => {
    // The server answers after the client's timeout but well within the stop and log timeouts.
    const target = await slowServer(400)
    const { client } = harness({ baseUrl: target.base, timeoutMs: 150 })
    // The client's own timeout is too short for this server...
    const read = await failure(client.getRun(42, 1, { attempts: 1 }))
    expect(read.kind).toBe('timeout')
    // ...but stops and logs do not use it.
    await expect(client.stopRun(42, 1)).resolves.toBeUndefined()
    await expect(client.stopJob({ pipelineId: 42, runId: 1, jobId: 2 })).resolves.toBeUndefined()
    await expect(client.getJobLog({ pipelineId: 42, runId: 1, jobId: 2 })).resolves.toEqual({
      content: 'log'
    })
    expect(target.requests()).toBe(4)
  })

  it('a read takes a timeout from its options', async () => {
    const target = await silentServer()
    const { client } = harness({ baseUrl: target.base, timeoutMs: 600_000 })
    const error = await failure(client.getRun(42, 1, { attempts: 1, timeoutMs: 100 }))
    expect(error).toMatchObject({ kind: 'timeout', operation: 'GetPipelineRun' })
  })

  it('stops and job logs take a timeout from their options', async () => {
    const target = await slowServer(1_000)
    const { client } = harness({ baseUrl: target.base, timeoutMs: 30_000 })
    const stop = await failure(client.stopRun(42, 1, { attempts: 1, timeoutMs: 100 }))
    expect(stop).toMatchObject({ kind: 'timeout', operation: 'UpdatePipelineRun', attempts: 1 })
    expect(stop.message).toContain('within 0.1 s')
    const log = await failure(
      client.getJobLog({ pipelineId: 42, runId: 1, jobId: 2 }, { timeoutMs: 100 })
    )
    expect(log).toMatchObject({ kind: 'timeout', operation: 'GetPipelineJobRunLog', attempts: 1 })
    expect(log.message).toContain('within 0.1 s')
  })

  it('CreatePipelineRun times out once and is not retried: the run may have started', async () => {
    const target = await silentServer()
    const { client, sleeps } = harness({ baseUrl: target.base, timeoutMs: 150 })
    const error = await failure(client.createRun(42, undefined))
    expect(error).toMatchObject({
      kind: 'timeout',
      attempts: 1,
      mayHaveStarted: true,
      retryable: false
    })
    expect(error.message).toContain('no answer from 127.0.0.1')
    expect(error.message).toContain('within 0.15 s')
    expect(target.requests()).toBe(1)
    expect(sleeps).toEqual([])
  })

  it('a read times out, is retried, and succeeds', async () => {
    const target = await silentServer(1)
    const reasons: string[] = []
    const { client, sleeps } = harness({
      baseUrl: target.base,
      timeoutMs: 150,
      organizationId: undefined,
      onRetry: e => reasons.push(e.reason)
    })
    await expect(client.getRun(42, 1)).resolves.toEqual({ status: 'SUCCESS' })
    expect(target.requests()).toBe(2)
    expect(sleeps).toEqual([500])
    expect(reasons).toEqual(['no answer within 0.15 s'])
  })

  it('a single-attempt read that times out is retryable', async () => {
    const target = await silentServer()
    const { client } = harness({ baseUrl: target.base, timeoutMs: 100 })
    const error = await failure(client.getRun(42, 1, { attempts: 1 }))
    expect(error).toMatchObject({ kind: 'timeout', retryable: true, mayHaveStarted: false })
    expect(target.requests()).toBe(1)
  })

  it('an answer cut off mid-body after the headers is a network error, not retried for create', async () => {
    let n = 0
    server = http.createServer((_req, res) => {
      n++
      res.writeHead(200, { 'Content-Length': '10' })
      res.write('1')
      setTimeout(() => res.socket?.destroy(), 20)
    })
    server.on('connection', socket => sockets.add(socket))
    const port = await listen(server)
    const { client } = harness({ baseUrl: `http://127.0.0.1:${port}` })
    const error = await failure(client.createRun(42, undefined))
    expect(error.kind).toBe('network')
    expect(error.mayHaveStarted).toBe(true)
    expect(n).toBe(1)
  })
})

describe('onRetry', () => {
  it('is told of each pause, with a short reason', async () => {
    nock(CENTER)
      .get(`${CENTER_RUNS}/5`)
      .reply(429, '', { 'Retry-After': '1' })
      .get(`${CENTER_RUNS}/5`)
      .reply(200, { status: 'RUNNING' })
    const events: unknown[] = []
    await harness({ onRetry: e => events.push(e) }).client.getRun(42, 5)
    expect(events).toEqual([
      {
        operation: 'GetPipelineRun',
        attempt: 1,
        delayMs: 1000,
        reason: 'HTTP 429 Too Many Requests'
      }
    ])
  })

  it('names a network failure by its code, with the pause that follows', async () => {
    const port = await closedPort()
    const events: RetryEvent[] = []
    const { client, sleeps } = harness({
      baseUrl: `http://127.0.0.1:${port}`,
      random: () => 0.25,
      onRetry: e => events.push(e)
    })
    await failure(client.createRun(42, undefined))
    expect(events).toEqual([
      { operation: 'CreatePipelineRun', attempt: 1, delayMs: 250, reason: 'ECONNREFUSED' },
      { operation: 'CreatePipelineRun', attempt: 2, delayMs: 500, reason: 'ECONNREFUSED' }
    ])
    expect(sleeps).toEqual([250, 500])
  })

  it('never carries the token, even in a status text the server made up', async () => {
    nock(CENTER)
      .get(`${CENTER_RUNS}/5`)
      .reply(599, '')
      .get(`${CENTER_RUNS}/5`)
      .reply(200, { status: 'RUNNING' })
    const events: RetryEvent[] = []
    await harness({ onRetry: e => events.push(e) }).client.getRun(42, 5)
    expect(events).toHaveLength(1)
    expect(events[0].reason).toMatch(/^HTTP 599/)
    expect(JSON.stringify(events)).not.toContain(TOKEN)
  })
})

// nock patches node:http for the whole test worker, and its stand-in requests cannot carry a
// CONNECT tunnel. So the proxy tests run the real client, bundled, in a child process with a clean
// environment, against a real CONNECT proxy on loopback.
describe('proxy environment (child process, no nock)', () => {
  const servers: http.Server[] = []
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections()
      await new Promise(done => server.close(done))
    }
  })

  const driver = useDriver(
    'flow-client-proxy',
    `import { FlowClient } from ${JSON.stringify(resolve('src/flow/client.ts'))}
const [op, baseUrl] = process.argv.slice(2)
const client = new FlowClient({ baseUrl, token: 'pt-proxytest', userAgent: 'test', timeoutMs: 3000, sleep: async () => {} })
const abort = new AbortController()
if (op === 'abort') setTimeout(() => abort.abort(), 200)
const call =
  op === 'create'
    ? client.createRun(1, undefined)
    : op === 'abort'
      ? client.getRun(1, 2, { attempts: 1, timeoutMs: 600000, signal: abort.signal })
      : client.getRun(1, 2, { attempts: 1 })
call.then(
  value => console.log(JSON.stringify({ value })),
  e => console.log(JSON.stringify({ error: { kind: e.kind, networkCode: e.networkCode, attempts: e.attempts, message: e.message } }))
)
`
  )

  /** A CONNECT proxy that hands each tunnel to a tiny HTTP server playing Yunxiao. */
  async function fakeProxy(refuse = false): Promise<{ url: string; connects: string[] }> {
    const connects: string[] = []
    const upstream = http.createServer((req, res) => {
      res.setHeader('Content-Type', 'application/json')
      res.end(
        req.method === 'POST' ? '21' : JSON.stringify({ status: 'SUCCESS', via: req.headers.host })
      )
    })
    const proxy = http.createServer()
    proxy.on('connect', (req, socket: Socket, head: Buffer) => {
      connects.push(req.url ?? '')
      if (refuse) {
        socket.end('HTTP/1.1 403 Forbidden\r\n\r\n')
        return
      }
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length) socket.unshift(head)
      upstream.emit('connection', socket)
    })
    servers.push(proxy, upstream)
    const port = await listen(proxy)
    return { url: `http://127.0.0.1:${port}`, connects }
  }

  function runDriver(
    args: string[],
    env: Record<string, string>
  ): Promise<{ value?: unknown; error?: Record<string, unknown> }> {
    return new Promise((done, fail) => {
      execFile(
        process.execPath,
        [driver(), ...args],
        { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 },
        (error, stdout) =>
          error ? fail(new Error(error.message, { cause: error })) : done(JSON.parse(stdout.trim()))
      )
    })
  }

  it('goes through HTTP_PROXY, and straight to a host listed in NO_PROXY', async () => {
    const proxy = await fakeProxy()

    const viaProxy = await runDriver(['get', 'http://flow.invalid'], {
      HTTP_PROXY: proxy.url
    })
    expect(viaProxy).toEqual({ value: { status: 'SUCCESS', via: 'flow.invalid' } })
    expect(proxy.connects).toEqual(['flow.invalid:80'])

    // Direct: the proxy sees nothing, and the .invalid name cannot resolve.
    const direct = await runDriver(['get', 'http://flow.invalid'], {
      HTTP_PROXY: proxy.url,
      NO_PROXY: 'example.com,.invalid'
    })
    expect(direct.error?.kind).toBe('network')
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(direct.error?.networkCode)
    expect(proxy.connects).toEqual(['flow.invalid:80'])
  })

  // Here rather than under nock, whose interception keeps the abort from reaching the socket.
  it('a read is abandoned, request in flight included, when its signal aborts', async () => {
    let requests = 0
    const silent = http.createServer(() => {
      requests++
    })
    servers.push(silent)
    const port = await listen(silent)
    // The read's own timeout is 10 minutes: only the abort (after 200 ms) can end it before
    // runDriver's 20 s limit.
    const result = await runDriver(['abort', `http://127.0.0.1:${port}`], {})
    expect(requests).toBe(1)
    expect(result.error).toMatchObject({ kind: 'network', attempts: 1 })
  })

  it('a proxy that refuses the tunnel (403) is a pre-send failure, not retried, and says so', async () => {
    const proxy = await fakeProxy(true)
    const result = await runDriver(['create', 'http://flow.invalid'], {
      HTTP_PROXY: proxy.url
    })
    expect(result.error).toMatchObject({ kind: 'network', attempts: 1 })
    expect(String(result.error?.message)).toContain('answered CONNECT with HTTP 403 Forbidden')
    expect(String(result.error?.message)).toContain('nothing was sent')
    expect(String(result.error?.message)).toContain('The proxy (HTTP_PROXY) refused')
    expect(proxy.connects).toHaveLength(1)
  })
})
