// The network as a hostile world makes it, seen through the committed dist/index.js run as the
// runner runs it, on Node 20 and 24: bad certificates, plain HTTP on a TLS port, proxies that ask
// for credentials, hang up or tunnel, malformed proxy variables, answers too large to hold. Every
// failure before anything was sent says "nothing was sent" and is not retried where a retry cannot
// help; memory is measured from the OS. The slow stalls (deadlines of 15 to 30 s) are in
// stalls.test.ts, run by `npm run test:hostile`.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { TOKEN, errorLines, expectNoToken, nodeBinaries } from '../support/e2e.js'
import { makeCerts, type Certs } from './support/certs.js'
import { flood, startProxy, type Running } from './support/servers.js'
import { runMain, type Measured } from './support/step.js'
import { startYunxiao, endedRun, type FakeYunxiao } from './support/yunxiao.js'

let certs: Certs
const running: Running[] = []
beforeAll(() => {
  certs = makeCerts()
})
afterAll(() => certs.remove())
afterEach(async () => {
  for (const r of running.splice(0)) await r.close()
})
function keep<T extends Running>(r: T): T {
  running.push(r)
  return r
}

const MiB = 1024 * 1024

/** The one ::error:: line, and what every run must hold: no token anywhere, no DEP0005 warning. */
function failedWith(result: Measured): string {
  expectNoToken(result)
  expect(result.stderr).not.toContain('DEP0005')
  expect(result.code).toBe(1)
  const errors = errorLines(result.stdout)
  expect(errors).toHaveLength(1)
  return errors[0]
}

function succeeded(result: Measured): void {
  expectNoToken(result)
  expect(result.stderr).not.toContain('DEP0005')
  expect({ code: result.code, errors: errorLines(result.stdout) }).toEqual({ code: 0, errors: [] })
  expect(result.outputs['run-id']).toBe('7')
}

describe.each(nodeBinaries())('$label', ({ path: node }) => {
  describe('TLS', () => {
    it('an untrusted certificate: nothing was sent, the NODE_EXTRA_CA_CERTS hint, no retry', async () => {
      const flow = keep(await startYunxiao({ tls: certs }))
      const result = await runMain(node, { domain: `https://localhost:${flow.port}` })
      const error = failedWith(result)
      expect(error).toContain('the certificate of localhost is not trusted')
      expect(error).toContain('nothing was sent')
      expect(error).toContain('NODE_EXTRA_CA_CERTS')
      expect(error).not.toContain('may have started')
      expect(result.stdout).not.toContain('trying again')
      expect(flow.seen).toEqual([])
    })

    it('the same server with its CA given in NODE_EXTRA_CA_CERTS works', async () => {
      const flow = keep(await startYunxiao({ tls: certs }))
      const result = await runMain(
        node,
        { domain: `https://localhost:${flow.port}` },
        { NODE_EXTRA_CA_CERTS: certs.caFile }
      )
      succeeded(result)
      expect(flow.seen).toEqual(['create'])
    })

    it('a certificate for another host: nothing was sent, check the domain', async () => {
      const flow = keep(await startYunxiao({ tls: { key: certs.otherKey, cert: certs.otherCert } }))
      const result = await runMain(
        node,
        { domain: `https://localhost:${flow.port}` },
        { NODE_EXTRA_CA_CERTS: certs.caFile }
      )
      const error = failedWith(result)
      expect(error).toContain('the certificate is not for localhost')
      expect(error).toContain('nothing was sent')
      expect(error).toContain('another host name')
      expect(flow.seen).toEqual([])
    })

    it('https against a plain-HTTP port: nothing was sent, and says the port speaks plain HTTP', async () => {
      const flow = keep(await startYunxiao())
      const result = await runMain(node, { domain: `https://127.0.0.1:${flow.port}` })
      const error = failedWith(result)
      expect(error).toContain('does not speak TLS on this port')
      expect(error).toContain('plain HTTP')
      expect(error).toContain('nothing was sent')
      expect(result.stdout).not.toContain('trying again')
    })
  })

  describe('proxies', () => {
    it('a tunnel with credentials (percent-encoded) works, and prints no DEP0005 warning', async () => {
      const flow = keep(await startYunxiao({ tls: certs }))
      const proxy = keep(
        await startProxy('tunnel', { targetPort: flow.port, credentials: 'ci@corp:s3cr:t' })
      )
      const result = await runMain(
        node,
        { domain: 'https://flow.invalid' },
        {
          HTTPS_PROXY: proxy.url.replace('//', '//ci%40corp:s3cr%3At@'),
          NODE_EXTRA_CA_CERTS: certs.caFile
        }
      )
      succeeded(result)
      expect(proxy.connects).toEqual(['flow.invalid:443'])
      expect(result.stdout + result.stderr).not.toContain('s3cr')
    })

    it('407 without credentials: not retried, nothing was sent, the hint names HTTPS_PROXY', async () => {
      const proxy = keep(await startProxy('407'))
      const result = await runMain(
        node,
        { domain: 'https://flow.invalid' },
        { HTTPS_PROXY: proxy.url }
      )
      const error = failedWith(result)
      expect(error).toContain('HTTP 407 Proxy Authentication Required')
      expect(error).toContain('nothing was sent')
      expect(error).toContain('put them in HTTPS_PROXY')
      expect(error).not.toContain('may have started')
      expect(proxy.connects).toHaveLength(1)
    })

    it('a proxy that hangs up before the tunnel: retried (nothing was sent), then explained', async () => {
      const proxy = keep(await startProxy('close'))
      const result = await runMain(
        node,
        { domain: 'https://flow.invalid' },
        { https_proxy: proxy.url }
      )
      const error = failedWith(result)
      expect(error).toContain('closed the connection before opening the tunnel')
      expect(error).toContain('nothing was sent')
      expect(error).not.toContain('may have started')
      expect(proxy.connects).toHaveLength(3)
      // Retry lines say milliseconds or whole seconds, never "0s".
      const retries = result.stdout.split('\n').filter(l => l.includes('trying again in'))
      expect(retries).toHaveLength(2)
      for (const line of retries)
        expect(line).toMatch(/trying again in (\d+ ms|[1-9]\d*s) \(try \d\)/)
    })

    it('a malformed HTTPS_PROXY is an error naming it; its password is not shown', async () => {
      const result = await runMain(
        node,
        { domain: 'https://flow.invalid' },
        { HTTPS_PROXY: 'http://me:hunter2@not a host:3128' }
      )
      const error = failedWith(result)
      expect(error).toContain('HTTPS_PROXY is not a usable proxy URL')
      expect(error).toContain('nothing was sent')
      expect(result.stdout + result.stderr).not.toContain('hunter2')
    })
  })

  describe('inputs', () => {
    it('a token with a non-ASCII character is an input error naming token; nothing is sent', async () => {
      const flow = keep(await startYunxiao())
      const result = await runMain(node, {
        domain: `http://127.0.0.1:${flow.port}`,
        token: `${TOKEN}é`
      })
      expectNoToken(result, `${TOKEN}é`)
      expect(result.code).toBe(1)
      expect(errorLines(result.stdout).join('\n')).toContain('Input "token"')
      expect(flow.seen).toEqual([])
    })

    it('[::1] and 127.0.0.2 work as loopback domains over http', async () => {
      const v4 = keep(await startYunxiao({ host: '127.0.0.2' }))
      succeeded(await runMain(node, { domain: `http://127.0.0.2:${v4.port}` }))
      let v6: FakeYunxiao
      try {
        v6 = keep(await startYunxiao({ host: '::1' }))
      } catch {
        return // no IPv6 loopback here
      }
      succeeded(await runMain(node, { domain: `http://[::1]:${v6.port}` }))
      expect(v6.seen).toEqual(['create'])
    })
  })

  describe('answers too large to hold', () => {
    it('a 600 MB create answer: a clear ::error:: (the run may have started), little memory', async () => {
      const flow = keep(await startYunxiao())
      flow.handlers.create = (_req, res) => flood(res, 600 * MiB, '"')
      const result = await runMain(node, { domain: `http://127.0.0.1:${flow.port}` })
      const error = failedWith(result)
      expect(error).toContain('the answer is larger than 64 KiB')
      expect(error).toContain('may have started')
      expect(result.peakMiB ?? 0).toBeLessThan(150)
    })

    it('a 100 MB status answer: a clear error, not hundreds of MiB', async () => {
      const flow = keep(await startYunxiao())
      flow.handlers.run = (_req, res) => flood(res, 100 * MiB, '{"status":"RUNNING","pad":"', '"}')
      const result = await runMain(node, {
        domain: `http://127.0.0.1:${flow.port}`,
        wait: true,
        'poll-interval': '1s',
        timeout: '20s'
      })
      expectNoToken(result)
      expect(result.code).toBe(1)
      expect(result.stdout).toContain('the answer is larger than 4 MiB')
      expect(result.peakMiB ?? 0).toBeLessThan(150)
    })

    it('a 100 MB job log: its end is printed, the cut is said, memory stays low', async () => {
      const flow = keep(await startYunxiao())
      flow.handlers.run = (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end(endedRun('FAIL'))
      }
      flow.handlers.log = (_req, res) =>
        flood(res, 100 * MiB, '{"more":false,"content":"', '\\nthe last line\\n"}')
      const result = await runMain(node, {
        domain: `http://127.0.0.1:${flow.port}`,
        wait: true,
        'poll-interval': '1s',
        logs: 'all'
      })
      expectNoToken(result)
      expect(result.code).toBe(1) // the run failed
      expect(result.outputs.status).toBe('FAIL')
      expect(result.stdout).toContain('the last line')
      expect(result.stdout).toMatch(/\.\.\. \d+ earlier bytes cut; full log: /)
      // Reading it all took 570 to 600 MiB before; now the network buffers not yet collected are
      // most of it (about 90 MiB on Node 20, 140 MiB on Node 24).
      expect(result.peakMiB ?? 0).toBeLessThan(250)
    })
  })
})
