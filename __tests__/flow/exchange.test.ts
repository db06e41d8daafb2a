// One exchange (src/flow/exchange.ts) against real loopback servers that misbehave: the deadline
// covers every stage, an abort ends it behind a proxy too, and each failure says its stage and
// whether anything was sent. Certificates are made with openssl at test time.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { ExchangeError, exchange, type ExchangeOptions } from '../../src/flow/exchange.js'
import { makeCerts, type Certs } from '../hostile/support/certs.js'
import {
  drip,
  flood,
  startProxy,
  startServer,
  startSilent,
  type Running
} from '../hostile/support/servers.js'

const PROXY_VARS = [
  'https_proxy',
  'HTTPS_PROXY',
  'http_proxy',
  'HTTP_PROXY',
  'no_proxy',
  'NO_PROXY'
]
const saved: Record<string, string | undefined> = {}
let certs: Certs
const running: Running[] = []

beforeAll(() => {
  // Real sockets only: nock's stand-in sockets report their stages differently.
  nock.restore()
  certs = makeCerts()
  for (const name of PROXY_VARS) saved[name] = process.env[name]
})
afterEach(async () => {
  for (const name of PROXY_VARS) {
    if (saved[name] === undefined) delete process.env[name]
    else process.env[name] = saved[name]
  }
  for (const r of running.splice(0)) await r.close()
})
afterAll(() => certs.remove())

function keep<T extends Running>(r: T): T {
  running.push(r)
  return r
}

function options(url: string, more: Partial<ExchangeOptions> = {}): ExchangeOptions {
  return {
    method: 'GET',
    url: new URL(url),
    headers: { 'x-yunxiao-token': 'pt-x' },
    body: null,
    deadlineMs: 1_000,
    maxBytes: 1024 * 1024,
    ...more
  }
}

async function rejection(promise: Promise<unknown>): Promise<{ error: ExchangeError; ms: number }> {
  const started = Date.now()
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(ExchangeError)
    return { error: error as ExchangeError, ms: Date.now() - started }
  }
  throw new Error('the exchange did not fail')
}

const ok = JSON.stringify({ status: 'SUCCESS' })

describe('the deadline covers every stage', () => {
  it('an answer dripped one byte at a time ends at the deadline, not after it', async () => {
    const server = keep(await startServer((_req, res) => drip(res, ok.repeat(10), 100)))
    const { error, ms } = await rejection(exchange(options(`http://127.0.0.1:${server.port}`)))
    expect(error).toMatchObject({ code: 'EDEADLINE', stage: 'answer', sent: true })
    expect(ms).toBeGreaterThanOrEqual(900)
    expect(ms).toBeLessThan(1_000 + 2_000)
  })

  it('a TLS handshake that never completes ends at the deadline; nothing was sent', async () => {
    const silent = keep(await startSilent())
    const { error, ms } = await rejection(
      exchange(options(`https://127.0.0.1:${silent.port}`, { deadlineMs: 500 }))
    )
    expect(error).toMatchObject({ code: 'EDEADLINE', stage: 'tls', sent: false })
    expect(ms).toBeLessThan(500 + 2_000)
  })

  it('a proxy that never answers CONNECT ends at the deadline; nothing was sent', async () => {
    const proxy = keep(await startProxy('stall'))
    process.env.HTTP_PROXY = proxy.url
    const { error, ms } = await rejection(
      exchange(options('http://flow.invalid:8080', { deadlineMs: 500 }))
    )
    expect(error).toMatchObject({ code: 'EDEADLINE', stage: 'proxy', sent: false })
    expect(ms).toBeLessThan(500 + 2_000)
    expect(proxy.connects).toEqual(['flow.invalid:8080'])
  })

  it('an abort ends a request stalled at the proxy at once, and closes its connection', async () => {
    const proxy = keep(await startProxy('stall'))
    process.env.HTTPS_PROXY = proxy.url
    const abort = new AbortController()
    setTimeout(() => abort.abort(), 200)
    const { error, ms } = await rejection(
      exchange(options('https://flow.invalid', { deadlineMs: 60_000, signal: abort.signal }))
    )
    expect(error).toMatchObject({ code: 'EABORTED', stage: 'proxy', sent: false })
    expect(ms).toBeLessThan(200 + 2_000)
    // The proxy sees its client go away.
    const started = Date.now()
    while (Date.now() - started < 3_000 && (await proxyHasOpenSockets(proxy))) {
      await new Promise(done => setTimeout(done, 50))
    }
    expect(await proxyHasOpenSockets(proxy)).toBe(false)
  })
})

async function proxyHasOpenSockets(proxy: Running): Promise<boolean> {
  return proxy.openSockets() > 0
}

describe('failures before anything is sent', () => {
  it('an untrusted certificate: not retryable, with the NODE_EXTRA_CA_CERTS hint', async () => {
    const server = keep(await startServer((_req, res) => res.end(ok), { tls: certs }))
    const { error } = await rejection(exchange(options(`https://localhost:${server.port}`)))
    expect(error).toMatchObject({ stage: 'tls', sent: false, permanent: true })
    expect(error.message).toContain('the certificate of localhost is not trusted')
    expect(error.hint).toContain('NODE_EXTRA_CA_CERTS')
  })

  it('https against a plain-HTTP port says so', async () => {
    const server = keep(await startServer((_req, res) => res.end(ok)))
    const { error } = await rejection(exchange(options(`https://127.0.0.1:${server.port}`)))
    expect(error).toMatchObject({ stage: 'tls', sent: false, permanent: true })
    expect(error.hint).toContain('plain HTTP')
  })

  it('a refused connection', async () => {
    const server = keep(await startServer(() => undefined))
    const port = server.port
    await server.close()
    running.pop()
    const { error } = await rejection(exchange(options(`http://127.0.0.1:${port}`)))
    expect(error).toMatchObject({ code: 'ECONNREFUSED', sent: false, permanent: false })
  })

  it('a proxy asking for credentials (407): not retryable, the hint names the variable', async () => {
    const proxy = keep(await startProxy('407'))
    process.env.HTTPS_PROXY = proxy.url
    const { error } = await rejection(exchange(options('https://flow.invalid')))
    expect(error).toMatchObject({
      code: 'EPROXYAUTH',
      stage: 'proxy',
      sent: false,
      permanent: true
    })
    expect(error.message).toContain('HTTP 407')
    expect(error.hint).toContain('put them in HTTPS_PROXY')
  })

  it('a proxy refusing the credentials given', async () => {
    const proxy = keep(await startProxy('tunnel', { credentials: 'me:right' }))
    process.env.https_proxy = proxy.url.replace('//', '//me:wrong@')
    const { error } = await rejection(exchange(options('https://flow.invalid')))
    expect(error).toMatchObject({ code: 'EPROXYAUTH', permanent: true })
    expect(error.hint).toContain('refused the credentials in https_proxy')
    expect(error.message).not.toContain('wrong')
    expect(proxy.auths).toEqual([`Basic ${Buffer.from('me:wrong').toString('base64')}`])
  })

  it('a proxy closing the connection early: retryable, nothing was sent', async () => {
    const proxy = keep(await startProxy('close'))
    process.env.HTTP_PROXY = proxy.url
    const { error } = await rejection(exchange(options('http://flow.invalid')))
    expect(error).toMatchObject({ code: 'EPROXY', stage: 'proxy', sent: false, permanent: false })
    expect(error.message).toContain('closed the connection before opening the tunnel')
  })

  it('a malformed proxy variable is an error naming it, without its credentials', async () => {
    for (const value of ['not a url', 'socks5://me:secret@proxy:1080', 'http://']) {
      process.env.HTTPS_PROXY = value
      const { error } = await rejection(exchange(options('https://flow.invalid')))
      expect(error).toMatchObject({ code: 'EPROXYENV', sent: false, permanent: true })
      expect(error.message).toContain('HTTPS_PROXY is not a usable proxy URL')
      expect(error.message).not.toContain('secret')
    }
  })
})

describe('what works', () => {
  it('a tunnel with credentials (percent-encoded), to a target on IPv4 loopback', async () => {
    const target = keep(
      await startServer((req, res) => res.end(JSON.stringify({ host: req.headers.host })))
    )
    const proxy = keep(
      await startProxy('tunnel', { targetPort: target.port, credentials: 'me@corp:p@ss word' })
    )
    process.env.HTTP_PROXY = proxy.url.replace('//', '//me%40corp:p%40ss%20word@')
    const answer = await exchange(options('http://flow.invalid:8080/x'))
    expect(answer).toMatchObject({ status: 200, body: '{"host":"flow.invalid:8080"}' })
    expect(proxy.connects).toEqual(['flow.invalid:8080'])
  })

  it('NO_PROXY and loopback go direct', async () => {
    const proxy = keep(await startProxy('stall'))
    process.env.HTTP_PROXY = proxy.url
    process.env.NO_PROXY = 'example.com, .127.0.0.3.nip.io'
    for (const host of ['127.0.0.1', '127.0.0.2']) {
      const target = keep(await startServer((_req, res) => res.end(ok), { host }))
      for (const name of [host, host === '127.0.0.1' ? 'localhost' : host]) {
        const answer = await exchange(options(`http://${name}:${target.port}`))
        expect(answer.status).toBe(200)
      }
    }
    expect(proxy.connects).toEqual([])
    // Not loopback and not listed: through the proxy.
    const { error } = await rejection(exchange(options('http://flow.invalid', { deadlineMs: 300 })))
    expect(error).toMatchObject({ code: 'EDEADLINE', stage: 'proxy' })
    expect(proxy.connects).toEqual(['flow.invalid:80'])
  })

  it('an IPv6 loopback address in brackets', async () => {
    let target: Running
    try {
      target = keep(await startServer((_req, res) => res.end(ok), { host: '::1' }))
    } catch {
      return // no IPv6 on this machine
    }
    const answer = await exchange(options(`http://[::1]:${target.port}`))
    expect(answer).toMatchObject({ status: 200, body: ok })
  })

  it('an answer over the cap is cut there and the rest is not read', async () => {
    const server = keep(await startServer((_req, res) => flood(res, 20 * 1024 * 1024)))
    const answer = await exchange(
      options(`http://127.0.0.1:${server.port}`, { maxBytes: 64 * 1024 })
    )
    expect(answer.oversize).toBe(true)
    expect(answer.body.length).toBe(64 * 1024)
    expect(answer.bytes).toBeLessThan(20 * 1024 * 1024)
  })
})
