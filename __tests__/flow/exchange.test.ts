// One exchange (src/flow/exchange.ts) against real loopback servers that misbehave: the deadline
// covers every stage, an abort ends it behind a proxy too, and each failure says its stage and
// whether anything was sent. Certificates are made with openssl at test time.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import type { ExchangeErrorFields } from '../../src/flow/exchange-error.js'
import { makeCerts, type Certs } from '../hostile/support/certs.js'
import { useDriver } from '../support/driver.js'
import {
  drip,
  flood,
  startProxy,
  startServer,
  startSilent,
  type Running
} from '../hostile/support/servers.js'

// The exchange runs in a child process of its own, bundled from the source: nock, which other
// test files use, patches node:http for the whole worker, and its stand-in sockets report their
// stages differently from real ones.
let certs: Certs
const running: Running[] = []

const driver = useDriver(
  'exchange',
  `import { exchange } from ${JSON.stringify(resolve('src/flow/exchange.ts'))}
const o = JSON.parse(process.argv[2])
const abort = new AbortController()
if (o.abortAfterMs !== undefined) setTimeout(() => abort.abort(), o.abortAfterMs)
const started = Date.now()
exchange({ method: 'GET', url: new URL(o.url), headers: { 'x-yunxiao-token': 'pt-x' }, body: null,
  deadlineMs: o.deadlineMs ?? 1000, maxBytes: o.maxBytes ?? 1024 * 1024, signal: abort.signal })
  .then(
    a => ({ answer: { status: a.status, body: a.body, oversize: a.oversize, bytes: a.bytes } }),
    e => ({ error: { message: e.message, code: e.code, stage: e.stage, sent: e.sent, permanent: e.permanent, hint: e.hint } })
  )
  .then(r => { console.log(JSON.stringify({ ...r, ms: Date.now() - started })); setTimeout(() => process.exit(0), o.lingerMs ?? 0) })
`
)
beforeAll(() => {
  certs = makeCerts()
})
afterEach(async () => {
  for (const r of running.splice(0)) await r.close()
})
afterAll(() => {
  certs.remove()
})

function keep<T extends Running>(r: T): T {
  running.push(r)
  return r
}

interface Outcome {
  answer?: { status: number; body: string; oversize?: boolean; bytes: number }
  error?: ExchangeErrorFields & { message: string }
  ms: number
}

/** Resolves with the outcome the child prints; with `lingerMs` the child lives on that long after. */
function run(
  url: string,
  more: { deadlineMs?: number; maxBytes?: number; abortAfterMs?: number; lingerMs?: number } = {},
  env: Record<string, string> = {}
): Promise<Outcome> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [driver(), JSON.stringify({ url, ...more })], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'inherit']
    })
    const timer = setTimeout(() => child.kill(), 30_000)
    let out = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      out += chunk
      if (out.includes('\n')) done(JSON.parse(out) as Outcome)
    })
    child.on('error', fail)
    child.on('close', () => {
      clearTimeout(timer)
      if (!out.includes('\n')) fail(new Error('the driver printed nothing'))
    })
  })
}

async function rejection(
  outcome: Promise<Outcome>
): Promise<{ error: NonNullable<Outcome['error']>; ms: number }> {
  const { error, answer, ms } = await outcome
  expect(answer).toBeUndefined()
  return { error: error!, ms }
}

const ok = JSON.stringify({ status: 'SUCCESS' })

describe('the deadline covers every stage', () => {
  it('an answer dripped one byte at a time ends at the deadline, not after it', async () => {
    const server = keep(await startServer((_req, res) => drip(res, ok.repeat(10), 100)))
    const { error, ms } = await rejection(run(`http://127.0.0.1:${server.port}`))
    expect(error).toMatchObject({ code: 'EDEADLINE', stage: 'answer', sent: true })
    expect(ms).toBeGreaterThanOrEqual(900)
    expect(ms).toBeLessThan(1_000 + 2_000)
  })

  it('an answer that stalls mid-body ends at the deadline, and its connection is closed', async () => {
    let serverSide: import('node:net').Socket | undefined
    const server = keep(
      await startServer((_req, res) => {
        serverSide = res.socket ?? undefined
        res.writeHead(200, { 'Content-Length': '100' })
        res.write('{"status":')
      })
    )
    const { error } = await rejection(
      run(`http://127.0.0.1:${server.port}`, { deadlineMs: 300, lingerMs: 3_000 })
    )
    expect(error).toMatchObject({ code: 'EDEADLINE', stage: 'answer', sent: true })
    // Left open, a stalled connection would keep the process from exiting; the child lives on.
    const started = Date.now()
    while (!serverSide?.destroyed && Date.now() - started < 2_000) {
      await new Promise(done => setTimeout(done, 20))
    }
    expect(serverSide?.destroyed).toBe(true)
  })

  it('a TLS handshake that never completes ends at the deadline; nothing was sent', async () => {
    const silent = keep(await startSilent())
    const { error, ms } = await rejection(
      run(`https://127.0.0.1:${silent.port}`, { deadlineMs: 500 })
    )
    expect(error).toMatchObject({ code: 'EDEADLINE', stage: 'tls', sent: false })
    expect(ms).toBeLessThan(500 + 2_000)
  })

  it('a proxy that never answers CONNECT ends at the deadline; nothing was sent', async () => {
    const proxy = keep(await startProxy('stall'))
    const { error, ms } = await rejection(
      run('http://flow.invalid:8080', { deadlineMs: 500 }, { HTTP_PROXY: proxy.url })
    )
    expect(error).toMatchObject({ code: 'EDEADLINE', stage: 'proxy', sent: false })
    expect(ms).toBeLessThan(500 + 2_000)
    expect(proxy.connects).toEqual(['flow.invalid:8080'])
  })

  it('an abort ends a request stalled at the proxy at once, and closes its connection', async () => {
    const proxy = keep(await startProxy('stall'))
    const { error, ms } = await rejection(
      run(
        'https://flow.invalid',
        { deadlineMs: 60_000, abortAfterMs: 300, lingerMs: 3_000 },
        { HTTPS_PROXY: proxy.url }
      )
    )
    expect(error).toMatchObject({ code: 'EABORTED', stage: 'proxy', sent: false })
    expect(ms).toBeLessThan(300 + 2_000)
    expect(proxy.connects).toEqual(['flow.invalid:443'])
    // The child is still alive for 3 s: only the abort can have closed the tunnel's connection.
    const started = Date.now()
    while (proxy.openSockets() > 0 && Date.now() - started < 2_000) {
      await new Promise(done => setTimeout(done, 20))
    }
    expect(proxy.openSockets()).toBe(0)
  })
})

describe('failures before anything is sent', () => {
  it('an untrusted certificate: not retryable, with the NODE_EXTRA_CA_CERTS hint', async () => {
    const server = keep(await startServer((_req, res) => res.end(ok), { tls: certs }))
    const { error } = await rejection(run(`https://localhost:${server.port}`))
    expect(error).toMatchObject({ stage: 'tls', sent: false, permanent: true })
    expect(error.message).toContain('the certificate of localhost is not trusted')
    expect(error.hint).toContain('NODE_EXTRA_CA_CERTS')
  })

  it('a certificate for another host (its CA trusted): not retryable, check the domain', async () => {
    const server = keep(
      await startServer((_req, res) => res.end(ok), {
        tls: { key: certs.otherKey, cert: certs.otherCert }
      })
    )
    const { error } = await rejection(
      run(`https://localhost:${server.port}`, {}, { NODE_EXTRA_CA_CERTS: certs.caFile })
    )
    expect(error).toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      stage: 'tls',
      sent: false,
      permanent: true
    })
    expect(error.message).toContain('the certificate is not for localhost')
  })

  it('https against a plain-HTTP port says so', async () => {
    const server = keep(await startServer((_req, res) => res.end(ok)))
    const { error } = await rejection(run(`https://127.0.0.1:${server.port}`))
    expect(error).toMatchObject({ stage: 'tls', sent: false, permanent: true })
    expect(error.hint).toContain('plain HTTP')
  })

  it('a refused connection', async () => {
    const server = await startServer(() => undefined)
    const port = server.port
    await server.close()
    const { error } = await rejection(run(`http://127.0.0.1:${port}`))
    expect(error).toMatchObject({ code: 'ECONNREFUSED', sent: false, permanent: false })
  })

  it('a proxy asking for credentials (407): not retryable, the hint names the variable', async () => {
    const proxy = keep(await startProxy('407'))
    const { error } = await rejection(run('https://flow.invalid', {}, { HTTPS_PROXY: proxy.url }))
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
    const { error } = await rejection(
      run('https://flow.invalid', {}, { https_proxy: proxy.url.replace('//', '//me:wrong@') })
    )
    expect(error).toMatchObject({ code: 'EPROXYAUTH', permanent: true })
    expect(error.hint).toContain('refused the credentials in https_proxy')
    expect(error.message).not.toContain('wrong')
    expect(proxy.auths).toEqual([`Basic ${Buffer.from('me:wrong').toString('base64')}`])
  })

  it('a proxy closing the connection early: retryable, nothing was sent', async () => {
    const proxy = keep(await startProxy('close'))
    const { error } = await rejection(run('http://flow.invalid', {}, { HTTP_PROXY: proxy.url }))
    expect(error).toMatchObject({ code: 'EPROXY', stage: 'proxy', sent: false, permanent: false })
    expect(error.message).toContain('closed the connection before opening the tunnel')
  })

  it('a malformed proxy variable is an error naming it, without its credentials', async () => {
    for (const value of ['not a url', 'socks5://me:secret@proxy:1080', 'http://']) {
      const { error } = await rejection(run('https://flow.invalid', {}, { HTTPS_PROXY: value }))
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
    const { answer } = await run(
      'http://flow.invalid:8080/x',
      {},
      { HTTP_PROXY: proxy.url.replace('//', '//me%40corp:p%40ss%20word@') }
    )
    expect(answer).toMatchObject({ status: 200, body: '{"host":"flow.invalid:8080"}' })
    expect(proxy.connects).toEqual(['flow.invalid:8080'])
  })

  it('NO_PROXY and loopback go direct', async () => {
    const proxy = keep(await startProxy('stall'))
    const env = { HTTP_PROXY: proxy.url, NO_PROXY: 'example.com, .127.0.0.3.nip.io' }
    for (const host of ['127.0.0.1', '127.0.0.2']) {
      const target = keep(await startServer((_req, res) => res.end(ok), { host }))
      for (const name of [host, host === '127.0.0.1' ? 'localhost' : host]) {
        const { answer } = await run(`http://${name}:${target.port}`, {}, env)
        expect(answer?.status).toBe(200)
      }
    }
    expect(proxy.connects).toEqual([])
    // Not loopback and not listed: through the proxy.
    const { error } = await rejection(run('http://flow.invalid', { deadlineMs: 300 }, env))
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
    const { answer } = await run(`http://[::1]:${target.port}`)
    expect(answer).toMatchObject({ status: 200, body: ok })
  })

  it('an answer over the cap is cut there and the rest is not read', async () => {
    const server = keep(await startServer((_req, res) => flood(res, 20 * 1024 * 1024)))
    const { answer } = await run(`http://127.0.0.1:${server.port}`, { maxBytes: 64 * 1024 })
    expect(answer?.oversize).toBe(true)
    expect(answer?.body.length).toBe(64 * 1024)
    expect(answer?.bytes).toBeLessThan(20 * 1024 * 1024)
  })
})
