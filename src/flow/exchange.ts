// One HTTP exchange with Yunxiao: a total deadline over every stage (DNS, connect, proxy CONNECT, TLS
// handshake, headers, body), abandoned at once on an abort (through a proxy too), and a cap on what
// is read. Failures say at which stage they happened and whether any byte of the request can have
// reached the server. node:http(s) directly; an idle connection to the same origin is reused
// (pool.ts says when, and why that is safe for the create), never through a proxy: there, one
// connection per request.
// Named imports of node built-ins: a default or namespace import makes esbuild copy the whole module
// object at start (README "Performance").
import { request as httpRequest } from 'node:http'
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { isIP } from 'node:net'
import { ProxyEnvError, proxyFor, type ProxySetting } from './proxy.js'
import { FRESH_MS, READ_IDLE_MS, agentFor, prune } from './pool.js'

/** Requests that may be sent twice: after a failure on a reused connection, tried once more on a new one. */
const READS = new Set(['GET', 'HEAD'])
/** How a server closing an idle connection shows (the stale-connection race). */
const CLOSED = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED'])

/**
 * Where an exchange was: `dns`, `connect` (TCP), `proxy` (CONNECT), `tls` (handshake), `sent`
 * (request written, no answer yet), `answer` (headers in, reading the body).
 */
export type Stage = 'dns' | 'connect' | 'proxy' | 'tls' | 'sent' | 'answer'

export interface ExchangeErrorFields {
  /** Node's code (`ECONNREFUSED`, `CERT_HAS_EXPIRED`...) or ours: `EDEADLINE`, `EABORTED`, `EPROXY`, `EPROXYAUTH`, `EPROXYENV`. */
  code: string
  stage: Stage
  /** Any byte of the request can have reached the server. */
  sent: boolean
  /** Trying again cannot help (a certificate, a 407, a wrong setting). */
  permanent?: boolean
  hint?: string
}

export class ExchangeError extends Error implements ExchangeErrorFields {
  readonly code: string
  readonly stage: Stage
  readonly sent: boolean
  readonly permanent: boolean
  readonly hint?: string
  constructor(message: string, fields: ExchangeErrorFields) {
    super(message)
    this.name = 'ExchangeError'
    this.code = fields.code
    this.stage = fields.stage
    this.sent = fields.sent
    this.permanent = fields.permanent ?? false
    this.hint = fields.hint
  }
}

export interface Answer {
  status: number
  statusMessage?: string
  headers: IncomingHttpHeaders
  body: string
  /** Set when the answer was longer than the cap: `body` is then its start (or its end, see `tail`). */
  oversize?: boolean
  /** Bytes of the answer body received in all. */
  bytes: number
}

export interface ExchangeOptions {
  method: string
  url: URL
  headers: Record<string, string>
  body: string | null
  /** Total time for all of it, from the DNS lookup to the last byte of the answer. */
  deadlineMs: number
  /** Abandons the exchange at once, whatever stage it is in. */
  signal?: AbortSignal
  /** Most bytes of the body kept: beyond it, the reading stops (`oversize`), unless `sink` takes the body. */
  maxBytes: number
  /** Takes the body of a 2xx answer chunk by chunk instead (a job log keeps its tail). */
  sink?: (chunk: Buffer) => void
}

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA'
])
const CA_HINT =
  "The server's certificate is not trusted by Node. Where the network has its own certificate authority (a company proxy that inspects TLS, a private CA), give Node that CA certificate with the NODE_EXTRA_CA_CERTS environment variable (the path of a PEM file) for this step; do not turn certificate checks off."

/** Plain words and a hint for a TLS failure, by Node's code (and OpenSSL's message where it has none). */
function tlsProblem(
  error: NodeJS.ErrnoException,
  host: string
): { hint: string; what?: string } | undefined {
  const code = error.code ?? ''
  if (UNTRUSTED.has(code))
    return { hint: CA_HINT, what: `the certificate of ${host} is not trusted` }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return {
      hint: "The server's certificate is outside its validity dates (check the machine's clock too).",
      what: `the certificate of ${host} ${code === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not valid yet'}`
    }
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return {
      hint: 'The certificate belongs to another host name: check the domain (or what on the network answers for it).',
      what: `the certificate is not for ${host}`
    }
  }
  if (
    /wrong version number|packet length too long|unknown protocol|record layer failure|http request/i.test(
      error.message
    )
  ) {
    return {
      hint: 'The port answered in plain HTTP, not TLS: check the scheme and port of the domain (https:// needs a TLS port).',
      what: `${host} does not speak TLS on this port`
    }
  }
  return undefined
}

/** One exchange. Resolves with any answer (every status); rejects with an ExchangeError. */
export async function exchange(options: ExchangeOptions): Promise<Answer> {
  const { url, signal } = options
  const secure = url.protocol === 'https:'
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  const port = url.port ? Number(url.port) : secure ? 443 : 80
  let proxy: ProxySetting | undefined
  try {
    proxy = proxyFor(url)
  } catch (error) {
    if (error instanceof ProxyEnvError) {
      throw new ExchangeError(error.message, {
        code: 'EPROXYENV',
        stage: 'dns',
        sent: false,
        permanent: true
      })
    }
    throw error
  }

  let stage: Stage = proxy ? 'proxy' : isIP(host) ? 'connect' : 'dns'
  let sent = false
  /** The request went on a pooled connection that had served an earlier one. */
  let reused = false
  let answered = false
  const destroyers: (() => void)[] = []
  const destroyAll = () => {
    for (const destroy of destroyers.splice(0)) destroy()
  }
  let reject!: (error: ExchangeError) => void
  let settled = false
  const ended = new Promise<never>((_resolve, rejectEnded) => {
    reject = error => {
      if (settled) return
      settled = true
      rejectEnded(error)
    }
  })
  ended.catch(() => undefined)

  const fail = (error: unknown) => {
    if (error instanceof ExchangeError) return reject(error)
    const e = error as NodeJS.ErrnoException
    const code = typeof e?.code === 'string' ? e.code : 'ERROR'
    const message = typeof e?.message === 'string' ? e.message : String(error)
    if (secure && !sent) {
      const tls = tlsProblem(e, host)
      if (tls) {
        const detail = tls.what ? `${tls.what}: ${message}` : message
        return reject(
          new ExchangeError(detail, {
            code,
            stage: 'tls',
            sent: false,
            permanent: true,
            hint: tls.hint
          })
        )
      }
    }
    reject(new ExchangeError(message, { code, stage, sent }))
  }

  const timer = setTimeout(() => {
    reject(
      new ExchangeError(`no complete answer within ${options.deadlineMs} ms`, {
        code: 'EDEADLINE',
        stage,
        sent
      })
    )
    destroyAll()
  }, options.deadlineMs)
  const onAbort = () => {
    reject(new ExchangeError('the request was abandoned', { code: 'EABORTED', stage, sent }))
    destroyAll()
  }
  if (signal?.aborted) onAbort()
  signal?.addEventListener('abort', onAbort, { once: true })

  try {
    const work = (async () => {
      let tunnel: Socket | undefined
      if (proxy) {
        const { openTunnel } = await import('./tunnel.js')
        if (settled) return ended
        tunnel = await Promise.race([
          openTunnel(
            proxy,
            host,
            port,
            d => destroyers.push(d),
            s => (stage = s)
          ),
          ended
        ])
        if (secure) {
          stage = 'tls'
          const tls: TLSSocket = process.getBuiltinModule('node:tls').connect({
            socket: tunnel,
            servername: isIP(host) ? undefined : host
          })
          destroyers.push(() => tls.destroy())
          await Promise.race([
            new Promise<void>((resolve, rejectTls) => {
              tls.once('secureConnect', () => resolve())
              tls.on('error', rejectTls)
            }),
            ended
          ])
          tunnel = tls
        }
      }
      if (tunnel) return await Promise.race([send(tunnel), ended])
      try {
        return await Promise.race([send(undefined), ended])
      } catch (error) {
        // A read that failed on a reused connection before any answer, the way a connection the
        // server had closed while idle fails: once more, on a new connection (as Go's net/http).
        const code = (error as NodeJS.ErrnoException)?.code ?? ''
        if (!reused || settled || answered || !READS.has(options.method)) throw error
        if (!CLOSED.has(code)) throw error
        reused = false
        stage = isIP(host) ? 'connect' : 'dns'
        prune(agentFor(secure), -1)
        return await Promise.race([send(undefined), ended])
      }
    })()
    return await work
  } catch (error) {
    fail(error)
    return await ended
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
    destroyAll()
  }

  function send(tunnel: Socket | undefined): Promise<Answer> {
    return new Promise<Answer>((resolve, rejectSend) => {
      const headers: Record<string, string | number> = { ...options.headers, Host: url.host }
      if (options.body !== null) headers['Content-Length'] = Buffer.byteLength(options.body, 'utf8')
      const common = {
        method: options.method,
        path: `${url.pathname}${url.search}`,
        headers,
        // The answer headers: anything longer is not Yunxiao.
        maxHeaderSize: 64 * 1024
      }
      let request: ClientRequest
      if (tunnel) {
        const socket = tunnel
        request = httpRequest({ ...common, createConnection: () => socket })
        stage = 'sent'
        sent = true
      } else {
        // node:https (and with it node:tls) is loaded only for an https:// URL: a run over plain
        // HTTP does not pay for the TLS stack (README "Performance").
        const agent = agentFor(secure)
        // One that must not be repeated goes only on a connection idle for under FRESH_MS.
        prune(agent, READS.has(options.method) ? READ_IDLE_MS : FRESH_MS)
        request = (secure ? process.getBuiltinModule('node:https').request : httpRequest)({
          ...common,
          host,
          port,
          agent,
          servername: secure && !isIP(host) ? host : undefined
        })
        request.once('socket', (socket: Socket) => {
          if (request.reusedSocket) {
            // No DNS, connect nor handshake: written as soon as it has the socket. Its listeners
            // were added when it was new, once (a reused socket must not gather more).
            reused = true
            stage = 'sent'
            sent = true
            return
          }
          // Reported through the request; a late one after it ended must not go unheard.
          socket.on('error', () => undefined)
          const onLookup = () => {
            if (stage === 'dns') stage = 'connect'
          }
          const onSecure = () => {
            stage = 'sent'
            sent = true
          }
          socket.once('lookup', onLookup)
          socket.once('connect', () => {
            // What cannot come any more is not left on a socket that may serve other requests.
            socket.removeListener('lookup', onLookup)
            stage = secure ? 'tls' : 'sent'
            if (!secure) {
              sent = true
              socket.removeListener('secureConnect', onSecure)
            }
          })
          socket.once('secureConnect', onSecure)
        })
      }
      destroyers.push(() => request.destroy())
      request.on('error', rejectSend)
      request.once('response', (message: IncomingMessage) => {
        stage = 'answer'
        answered = true
        destroyers.push(() => message.destroy())
        readBody(message).then(resolve, rejectSend)
      })
      if (options.body !== null) request.write(options.body, 'utf8')
      request.end()
    })
  }

  function readBody(message: IncomingMessage): Promise<Answer> {
    const status = message.statusCode ?? 0
    const sink = status >= 200 && status < 300 ? options.sink : undefined
    return new Promise<Answer>((resolve, rejectBody) => {
      const chunks: Buffer[] = []
      let kept = 0
      let bytes = 0
      let done = false
      const answer = (oversize: boolean): Answer => ({
        status,
        statusMessage: message.statusMessage,
        headers: message.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        bytes,
        ...(oversize ? { oversize } : {})
      })
      message.on('data', (chunk: Buffer) => {
        if (done) return
        bytes += chunk.length
        if (sink) {
          try {
            sink(chunk)
          } catch (error) {
            done = true
            message.destroy()
            rejectBody(error)
          }
          return
        }
        const room = options.maxBytes - kept
        chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk)
        kept += Math.min(room, chunk.length)
        if (chunk.length > room) {
          // Over the cap: what came is enough to say so; the rest is not read.
          done = true
          message.destroy()
          resolve(answer(true))
        }
      })
      message.once('end', () => {
        if (done) return
        done = true
        resolve(answer(false))
      })
      message.on('error', error => {
        if (done) return
        done = true
        rejectBody(error)
      })
      message.once('close', () => {
        if (done) return
        done = true
        if (message.complete) resolve(answer(false))
        else
          rejectBody(
            Object.assign(new Error('the connection closed before the whole answer came'), {
              code: 'ECONNRESET'
            })
          )
      })
    })
  }
}
