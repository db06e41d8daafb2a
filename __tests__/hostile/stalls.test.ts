// Stalls against the real deadlines (create 30 s, status read 15 s), so slow: run with
// `npm run test:hostile` (HOSTILE_SLOW=1); skipped in `npm test`. The committed dist/index.js on
// Node 20 and 24 side by side. Bounds are the deadline plus a generous margin.
import { afterEach, describe, expect, it } from '@jest/globals'
import { errorLines, expectNoToken, nodeBinaries } from '../support/e2e.js'
import { makeCerts } from './support/certs.js'
import { drip, startProxy, startSilent, type Running } from './support/servers.js'
import { runMain, type Measured } from './support/step.js'
import { startYunxiao } from './support/yunxiao.js'

const slow = process.env.HOSTILE_SLOW === '1' ? describe : describe.skip
const MARGIN_MS = 15_000
const CREATE_DEADLINE_MS = 30_000
const READ_DEADLINE_MS = 15_000

const running: Running[] = []
afterEach(async () => {
  for (const r of running.splice(0)) await r.close()
})
function keep<T extends Running>(r: T): T {
  running.push(r)
  return r
}

/** Runs the same step on every Node at once. */
async function onEveryNode(
  run: (node: string) => Promise<Measured>
): Promise<{ label: string; result: Measured }[]> {
  return Promise.all(
    nodeBinaries().map(async ({ label, path }) => ({ label, result: await run(path) }))
  )
}

function failed(result: Measured): string {
  expectNoToken(result)
  expect(result.code).toBe(1)
  const errors = errorLines(result.stdout)
  expect(errors).toHaveLength(1)
  return errors[0]
}

slow('stalls end at their deadline', () => {
  it('a proxy that never answers CONNECT: create ends at 30 s, nothing was sent', async () => {
    const proxy = keep(await startProxy('stall'))
    const results = await onEveryNode(node =>
      runMain(node, { domain: 'https://flow.invalid' }, { HTTPS_PROXY: proxy.url })
    )
    for (const { result } of results) {
      const error = failed(result)
      expect(error).toContain('within 30 s: the proxy did not open the tunnel; nothing was sent')
      expect(error).not.toContain('may have started')
      expect(result.ms).toBeLessThan(CREATE_DEADLINE_MS + MARGIN_MS)
    }
  }, 120_000)

  it('a TLS handshake that never completes: create ends at 30 s, nothing was sent', async () => {
    const silent = keep(await startSilent())
    const results = await onEveryNode(node =>
      runMain(node, { domain: `https://127.0.0.1:${silent.port}` })
    )
    for (const { result } of results) {
      const error = failed(result)
      expect(error).toContain('the TLS handshake did not finish; nothing was sent')
      expect(result.ms).toBeLessThan(CREATE_DEADLINE_MS + MARGIN_MS)
    }
  }, 120_000)

  it('a create answer dripped a byte every 2 s ends at 30 s; the run may have started', async () => {
    const flow = keep(await startYunxiao())
    flow.handlers.create = (_req, res) => drip(res, '1234567890123456789012345', 2_000)
    const results = await onEveryNode(node =>
      runMain(node, { domain: `http://127.0.0.1:${flow.port}` })
    )
    for (const { result } of results) {
      const error = failed(result)
      expect(error).toContain('the answer did not finish coming')
      expect(error).toContain('may have started')
      expect(result.ms).toBeLessThan(CREATE_DEADLINE_MS + MARGIN_MS)
    }
  }, 120_000)

  it('status answers dripped a byte every 2 s: wait with timeout 5s ends within one read deadline', async () => {
    const flow = keep(await startYunxiao())
    flow.handlers.run = (_req, res) =>
      drip(res, JSON.stringify({ status: 'RUNNING' }).repeat(9), 2_000)
    const results = await onEveryNode(node =>
      runMain(node, {
        domain: `http://127.0.0.1:${flow.port}`,
        wait: true,
        timeout: '5s',
        'poll-interval': '1s',
        'stop-on-timeout': false
      })
    )
    for (const { result } of results) {
      expectNoToken(result)
      expect(result.outputs.status).toBe('TIMEOUT')
      expect(result.ms).toBeLessThan(5_000 + READ_DEADLINE_MS + MARGIN_MS)
    }
  }, 120_000)

  it('behind a proxy that stalls every CONNECT after the first: wait with timeout 10s ends in time', async () => {
    const certs = makeCerts()
    try {
      const results = await onEveryNode(async node => {
        const flow = keep(await startYunxiao({ tls: certs }))
        const proxy = keep(await startProxy('tunnel-once', { targetPort: flow.port }))
        const result = await runMain(
          node,
          {
            domain: 'https://flow.invalid',
            wait: true,
            timeout: '10s',
            'poll-interval': '1s',
            'stop-on-timeout': false
          },
          { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: certs.caFile }
        )
        expect(proxy.connects.length).toBeGreaterThan(1)
        expect(flow.seen).toEqual(['create'])
        return result
      })
      for (const { result } of results) {
        expectNoToken(result)
        expect(result.outputs['run-id']).toBe('7')
        expect(result.outputs.status).toBe('TIMEOUT')
        expect(result.ms).toBeLessThan(10_000 + READ_DEADLINE_MS + MARGIN_MS)
      }
    } finally {
      certs.remove()
    }
  }, 120_000)
})
