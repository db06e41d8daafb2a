// Connection reuse (src/flow/pool.ts, through src/flow/exchange.ts) against real loopback servers:
// a second request to the same origin goes on the first one's connection; a read that meets a
// connection the server closed is sent again on a new one; a create (POST) is never sent twice and
// goes only on a connection idle for under a second; a connection ended by a deadline or an abort
// is not reused; through a proxy, one connection per request; no listener piles up on a reused
// socket; idle pooled connections do not keep the process alive.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { resolve } from 'node:path'
import type { ExchangeErrorFields } from '../../src/flow/exchange-error.js'
import { makeCerts, type Certs } from '../hostile/support/certs.js'
import { useDriver } from '../support/driver.js'
import { startProxy } from '../hostile/support/servers.js'

interface Step {
  method?: string
  url: string
  body?: string
  pauseMs?: number
  deadlineMs?: number
  abortAfterMs?: number
  maxBytes?: number
}
interface Outcome {
  answer?: { status: number; body: string; oversize?: boolean }
  error?: ExchangeErrorFields & { message: string }
  /** Listeners on every idle pooled socket after the step, summed over all events. */
  listeners: number[]
}

let certs: Certs
const closers: (() => Promise<void>)[] = []

const driver = useDriver(
  'pool',
  `import { exchange } from ${JSON.stringify(resolve('src/flow/exchange.ts'))}
import { agentFor } from ${JSON.stringify(resolve('src/flow/pool.ts'))}
const steps = JSON.parse(process.argv[2])
const listeners = () => [false, true].flatMap(tls => Object.values(agentFor(tls).freeSockets).flat())
  .map(s => s.eventNames().reduce((n, e) => n + s.listenerCount(e), 0))
;(async () => {
  for (const o of steps) {
    if (o.pauseMs) await new Promise(done => setTimeout(done, o.pauseMs))
    const abort = new AbortController()
    const timer = o.abortAfterMs === undefined ? undefined : setTimeout(() => abort.abort(), o.abortAfterMs)
    const r = await exchange({ method: o.method ?? 'GET', url: new URL(o.url), headers: {}, body: o.body ?? null,
      deadlineMs: o.deadlineMs ?? 5000, maxBytes: o.maxBytes ?? 1024 * 1024, signal: abort.signal }).then(
      a => ({ answer: { status: a.status, body: a.body, oversize: a.oversize } }),
      e => ({ error: { message: e.message, code: e.code, stage: e.stage, sent: e.sent } }))
    clearTimeout(timer)
    await new Promise(done => setImmediate(done))
    console.log(JSON.stringify({ ...r, listeners: listeners() }))
  }
  console.log('END')
})()
`
)
beforeAll(() => {
  certs = makeCerts()
})
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})
afterAll(() => {
  certs.remove()
})

interface Server {
  url: string
  port: number
  /** Connections accepted, and requests received (method, connection number). */
  connections: () => number
  requests: { method: string; connection: number }[]
}

/**
 * Keeps idle connections 60 s (and says so), longer than any test: only the client can end them.
 * `handler` gets the number of the connection and of the request on it (from 1).
 */
async function server(
  handler: (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    at: { connection: number; nth: number }
  ) => void = (_req, res) => res.end('{"ok":true}'),
  tls = false
): Promise<Server> {
  let connections = 0
  const numbers = new WeakMap<Socket, { connection: number; nth: number }>()
  const sockets = new Set<Socket>()
  const requests: Server['requests'] = []
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const at = numbers.get(req.socket)!
    at.nth++
    requests.push({ method: req.method ?? '', connection: at.connection })
    req.resume()
    req.on('end', () => handler(req, res, { ...at }))
  }
  const s = tls
    ? (await import('node:https')).createServer({ key: certs.key, cert: certs.cert }, onRequest)
    : http.createServer(onRequest)
  s.keepAliveTimeout = 60_000
  s.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    numbers.set(socket, { connection: ++connections, nth: 0 })
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(done => s.listen(0, '127.0.0.1', done))
  const port = (s.address() as AddressInfo).port
  closers.push(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise(done => s.close(done))
  })
  return {
    url: `${tls ? 'https://localhost' : 'http://127.0.0.1'}:${port}`,
    port,
    connections: () => connections,
    requests
  }
}

/** Runs the steps in one child; resolves with their outcomes and when it exited (ms after the last). */
function run(
  steps: Step[],
  env: Record<string, string> = {}
): Promise<{ outcomes: Outcome[]; exitMs: number }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [driver(), JSON.stringify(steps)], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'inherit']
    })
    const timer = setTimeout(() => child.kill(), 40_000)
    let out = ''
    let endedAt = 0
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      out += chunk
      if (!endedAt && out.includes('END\n')) endedAt = Date.now()
    })
    child.on('error', fail)
    child.on('close', () => {
      clearTimeout(timer)
      if (!endedAt) return fail(new Error(`the driver did not finish: ${out}`))
      const lines = out.trim().split('\n').slice(0, -1)
      done({ outcomes: lines.map(l => JSON.parse(l) as Outcome), exitMs: Date.now() - endedAt })
    })
  })
}

const post = (url: string, extra: Partial<Step> = {}): Step => ({
  method: 'POST',
  url,
  body: '{}',
  ...extra
})

describe('reuse', () => {
  it('sequential requests to one origin share one connection, and the process still ends at once', async () => {
    const s = await server()
    const { outcomes, exitMs } = await run([
      { url: `${s.url}/a` },
      post(`${s.url}/create`),
      { url: `${s.url}/b` }
    ])
    expect(outcomes.map(o => o.answer?.status)).toEqual([200, 200, 200])
    expect(s.connections()).toBe(1)
    expect(s.requests.map(r => r.connection)).toEqual([1, 1, 1])
    // The server would keep the idle connection 60 s: only an unref'd socket lets the child end.
    expect(exitMs).toBeLessThan(10_000)
  })

  it('over TLS too: one connection, one handshake', async () => {
    const s = await server(undefined, true)
    const { outcomes } = await run([{ url: `${s.url}/a` }, post(`${s.url}/create`)], {
      NODE_EXTRA_CA_CERTS: certs.caFile
    })
    expect(outcomes.map(o => o.answer?.status)).toEqual([200, 200])
    expect(s.connections()).toBe(1)
  })

  it('many sequential requests leave no more listeners on the reused socket than the first', async () => {
    const s = await server()
    const { outcomes } = await run(Array.from({ length: 40 }, (_, i) => ({ url: `${s.url}/${i}` })))
    expect(outcomes.every(o => o.answer?.status === 200)).toBe(true)
    expect(s.connections()).toBe(1)
    const counts = outcomes.map(o => o.listeners)
    expect(counts[0]).toHaveLength(1)
    for (const count of counts) expect(count).toEqual(counts[0])
  })

  it('a connection the server closed while idle is not used again: a new one is made', async () => {
    const s = await server((_req, res) => {
      const socket = res.socket
      res.end('{}', () => setTimeout(() => socket?.destroy(), 50))
    })
    const { outcomes } = await run([
      { url: `${s.url}/a` },
      { url: `${s.url}/b`, pauseMs: 300 },
      post(`${s.url}/create`, { pauseMs: 300 })
    ])
    expect(outcomes.map(o => o.answer?.status)).toEqual([200, 200, 200])
    expect(s.connections()).toBe(3)
  })
})

describe('the stale-connection race', () => {
  // The second request on a connection meets a reset: what a server that closed the idle
  // connection as the request was on its way looks like.
  const resetting = () =>
    server((_req, res, at) => {
      if (at.nth > 1) return void res.socket?.resetAndDestroy()
      res.end('{}')
    })

  it('a read is sent once more, on a new connection', async () => {
    const s = await resetting()
    const { outcomes } = await run([{ url: `${s.url}/a` }, { url: `${s.url}/b` }])
    expect(outcomes.map(o => o.answer?.status)).toEqual([200, 200])
    expect(s.requests).toEqual([
      { method: 'GET', connection: 1 },
      { method: 'GET', connection: 1 },
      { method: 'GET', connection: 2 }
    ])
  })

  it('a create that reached the server is never sent again: it fails as "sent"', async () => {
    const s = await resetting()
    const { outcomes } = await run([{ url: `${s.url}/a` }, post(`${s.url}/create`)])
    expect(outcomes[1].error).toMatchObject({ code: 'ECONNRESET', stage: 'sent', sent: true })
    expect(s.requests).toEqual([
      { method: 'GET', connection: 1 },
      { method: 'POST', connection: 1 }
    ])
  })

  it('a create goes only on a connection idle for under a second; a read on an older one', async () => {
    const s = await server()
    const { outcomes } = await run([
      { url: `${s.url}/a` },
      post(`${s.url}/create`, { pauseMs: 1_500 }),
      { url: `${s.url}/b`, pauseMs: 1_500 }
    ])
    expect(outcomes.map(o => o.answer?.status)).toEqual([200, 200, 200])
    expect(s.requests).toEqual([
      { method: 'GET', connection: 1 },
      { method: 'POST', connection: 2 },
      { method: 'GET', connection: 2 }
    ])
  })
})

describe('a connection ended by the exchange is not reused', () => {
  const stalling = () =>
    server((_req, res, at) => {
      if (at.nth === 2) return // never answers the second request on a connection
      res.end('{}')
    })

  it('after a deadline', async () => {
    const s = await stalling()
    const { outcomes } = await run([
      { url: `${s.url}/a` },
      { url: `${s.url}/b`, deadlineMs: 300 },
      { url: `${s.url}/c` }
    ])
    expect(outcomes[1].error).toMatchObject({ code: 'EDEADLINE', stage: 'sent', sent: true })
    expect(outcomes[2].answer?.status).toBe(200)
    expect(s.requests.map(r => r.connection)).toEqual([1, 1, 2])
  })

  it('after an abort', async () => {
    const s = await stalling()
    const { outcomes } = await run([
      { url: `${s.url}/a` },
      post(`${s.url}/create`, { abortAfterMs: 300 }),
      { url: `${s.url}/c` }
    ])
    expect(outcomes[1].error).toMatchObject({ code: 'EABORTED', stage: 'sent', sent: true })
    expect(outcomes[2].answer?.status).toBe(200)
    expect(s.requests.map(r => r.connection)).toEqual([1, 1, 2])
  })
})

describe('a connection that cannot serve again is not pooled', () => {
  it('when the server says Connection: close', async () => {
    const s = await server((_req, res) => {
      res.setHeader('Connection', 'close')
      res.end('{}')
    })
    const { outcomes } = await run([{ url: `${s.url}/a` }, { url: `${s.url}/b` }])
    expect(outcomes.map(o => o.answer?.status)).toEqual([200, 200])
    expect(s.requests.map(r => r.connection)).toEqual([1, 2])
  })

  it('when an answer over the cap was left unread', async () => {
    const s = await server((_req, res) => res.end('x'.repeat(64 * 1024)))
    const { outcomes } = await run([{ url: `${s.url}/a`, maxBytes: 100 }, { url: `${s.url}/b` }])
    expect(outcomes[0].answer).toMatchObject({ status: 200, oversize: true })
    expect(outcomes[1].answer?.body).toHaveLength(64 * 1024)
    expect(s.requests.map(r => r.connection)).toEqual([1, 2])
  })
})

describe('through a proxy', () => {
  it('one connection per request, as before', async () => {
    const s = await server()
    const proxy = await startProxy('tunnel', {
      targetPort: s.port
    })
    closers.push(() => proxy.close())
    const { outcomes } = await run(
      [{ url: 'http://flow.invalid:8080/a' }, { url: 'http://flow.invalid:8080/b' }],
      { HTTP_PROXY: proxy.url }
    )
    expect(outcomes.map(o => o.answer?.status)).toEqual([200, 200])
    expect(proxy.connects).toEqual(['flow.invalid:8080', 'flow.invalid:8080'])
    expect(s.connections()).toBe(2)
  })
})
