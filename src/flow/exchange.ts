// One HTTP exchange: one deadline over every stage (DNS, connect, proxy CONNECT, TLS, body), an
// abort, a cap on what is read; a failure says its stage and whether a byte can have been sent.
// Named imports of built-ins: esbuild copies a whole module object for a namespace import.
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { isIP } from 'node:net'
import { proxyFor, type ProxySetting } from './proxy.js'
import { agentFor, prune } from './pool.js'
import { FRESH_MS, READ_IDLE_MS } from '../common/timing.js'
import { ExchangeError, asExchangeError, type Stage } from './exchange-error.js'
import { openTunnel } from './tunnel.js'

/** May be sent twice: after a failure on a reused connection, once more on a new one. */
const READS = new Set(['GET', 'HEAD'])
/** A server closing an idle connection (the stale-connection race). */
const CLOSED = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED'])

export interface Answer {
  status: number
  statusMessage?: string
  headers: IncomingHttpHeaders
  body: string
  /** The answer was longer than the cap: `body` is its start. */
  oversize?: boolean
  bytes: number
}

export interface ExchangeOptions {
  method: string
  url: URL
  headers: Record<string, string>
  body: string | null
  /** From the DNS lookup to the last byte of the answer. */
  deadlineMs: number
  signal?: AbortSignal
  /** Most bytes of the body kept (then `oversize`), unless `sink` takes a 2xx body chunk by chunk. */
  maxBytes: number
  sink?: (chunk: Buffer) => void
}

/** One exchange. Resolves with any answer (every status); rejects with an ExchangeError. */
export async function exchange(options: ExchangeOptions): Promise<Answer> {
  return new Exchange(options, proxyFor(options.url)).run()
}

class Exchange {
  private readonly secure: boolean
  private readonly host: string
  private readonly port: number
  private stage: Stage
  private sent = false
  /** On a pooled connection that had served an earlier request. */
  private reused = false
  private answered = false
  private settled = false
  private readonly destroyers: (() => void)[] = []
  private reject!: (error: ExchangeError) => void
  /** Rejects with the first failure (deadline, abort, error); every wait races it. */
  private readonly ended: Promise<never>

  constructor(
    private readonly options: ExchangeOptions,
    private readonly proxy: ProxySetting | undefined
  ) {
    const { url } = options
    this.secure = url.protocol === 'https:'
    this.host = url.hostname.replace(/^\[(.*)\]$/, '$1')
    this.port = url.port ? Number(url.port) : this.secure ? 443 : 80
    this.stage = proxy ? 'proxy' : isIP(this.host) ? 'connect' : 'dns'
    this.ended = new Promise<never>((_resolve, rejectEnded) => {
      this.reject = error => {
        this.settled = true
        rejectEnded(error)
      }
    })
    this.ended.catch(() => undefined)
  }

  async run(): Promise<Answer> {
    const { signal, deadlineMs } = this.options
    const timer = setTimeout(
      () => this.end('EDEADLINE', `no complete answer within ${deadlineMs} ms`),
      deadlineMs
    )
    const onAbort = () => this.end('EABORTED', 'the request was abandoned')
    if (signal?.aborted) onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      if (this.settled) return await this.ended
      return await (this.proxy ? this.viaProxy(this.proxy) : this.direct())
    } catch (error) {
      const { secure, host, stage, sent } = this
      this.reject(asExchangeError(error, { secure, host, stage, sent }))
      return await this.ended
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      this.destroyAll()
    }
  }

  private end(code: string, message: string): void {
    this.reject(new ExchangeError(message, { code, stage: this.stage, sent: this.sent }))
    this.destroyAll()
  }

  private destroyAll(): void {
    for (const destroy of this.destroyers.splice(0)) destroy()
  }

  private race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.ended])
  }

  /** Through the proxy: a CONNECT tunnel (TLS inside it for https), one connection per request. */
  private async viaProxy(proxy: ProxySetting): Promise<Answer> {
    const track = (destroy: () => void) => this.destroyers.push(destroy)
    let socket: Socket = await this.race(openTunnel(proxy, this.host, this.port, track))
    if (this.secure) socket = await this.race(this.handshake(socket))
    return this.race(this.send(socket))
  }

  private handshake(tunnel: Socket): Promise<TLSSocket> {
    this.stage = 'tls'
    const tls: TLSSocket = process.getBuiltinModule('node:tls').connect({
      socket: tunnel,
      servername: isIP(this.host) ? undefined : this.host
    })
    this.destroyers.push(() => tls.destroy())
    return new Promise<TLSSocket>((resolve, reject) => {
      tls.once('secureConnect', () => resolve(tls))
      tls.on('error', reject)
    })
  }

  private async direct(): Promise<Answer> {
    try {
      return await this.race(this.send(undefined))
    } catch (error) {
      // A read failing on a reused connection before any answer, as one the server closed while
      // idle fails: once more, on a new connection (as Go's net/http).
      const code = (error as NodeJS.ErrnoException)?.code ?? ''
      const stale = this.reused && !this.settled && !this.answered && CLOSED.has(code)
      if (!stale || !READS.has(this.options.method)) throw error
      this.reused = false
      this.stage = isIP(this.host) ? 'connect' : 'dns'
      prune(agentFor(this.secure), -1)
      return await this.race(this.send(undefined))
    }
  }

  /** On `tunnel`, else on a pooled connection (pool.ts). */
  private send(tunnel: Socket | undefined): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const request = tunnel
        ? process.getBuiltinModule('node:http').request({
            ...this.requestOptions(),
            createConnection: () => tunnel
          })
        : this.pooled()
      if (tunnel) this.writing()
      this.destroyers.push(() => request.destroy())
      request.on('error', reject)
      request.once('response', (message: IncomingMessage) => {
        this.stage = 'answer'
        this.answered = true
        this.destroyers.push(() => message.destroy())
        readBody(message, this.options).then(resolve, reject)
      })
      const { body } = this.options
      if (body !== null) request.write(body, 'utf8')
      request.end()
    })
  }

  private requestOptions() {
    const { url, body } = this.options
    const headers: Record<string, string | number> = { ...this.options.headers, Host: url.host }
    if (body !== null) headers['Content-Length'] = Buffer.byteLength(body, 'utf8')
    return {
      method: this.options.method,
      path: `${url.pathname}${url.search}`,
      headers,
      // The answer headers: anything longer is not Yunxiao.
      maxHeaderSize: 64 * 1024
    }
  }

  private pooled(): ClientRequest {
    const { secure, host } = this
    const agent = agentFor(secure)
    // One that must not be repeated goes only on a connection idle for under FRESH_MS.
    prune(agent, READS.has(this.options.method) ? READ_IDLE_MS : FRESH_MS)
    const { request: open } = process.getBuiltinModule(secure ? 'node:https' : 'node:http')
    const request = open({
      ...this.requestOptions(),
      host,
      port: this.port,
      agent,
      servername: secure && !isIP(host) ? host : undefined
    })
    request.once('socket', (socket: Socket) => this.watch(request, socket))
    return request
  }

  /** Follows a pooled request's socket through DNS, connect and TLS: when can a byte be sent? */
  private watch(request: ClientRequest, socket: Socket): void {
    if (request.reusedSocket) {
      // Written at once. Its listeners were added when it was new (a reused socket gathers none).
      this.reused = true
      return this.writing()
    }
    // Reported through the request; a late one must not go unheard.
    socket.on('error', () => undefined)
    const onLookup = () => {
      if (this.stage === 'dns') this.stage = 'connect'
    }
    socket.once('lookup', onLookup)
    socket.once('connect', () => {
      // What cannot come any more is not left on a socket that may serve other requests.
      socket.removeListener('lookup', onLookup)
      if (!this.secure) {
        this.writing()
        return socket.removeListener('secureConnect', this.writing)
      }
      this.stage = 'tls'
    })
    socket.once('secureConnect', this.writing)
  }

  /** From now on a byte of the request can have reached the server. */
  private readonly writing = (): void => {
    this.stage = 'sent'
    this.sent = true
  }
}

/** The answer's body within `maxBytes` (or through `sink` for a 2xx). */
function readBody(
  message: IncomingMessage,
  options: Pick<ExchangeOptions, 'maxBytes' | 'sink'>
): Promise<Answer> {
  const status = message.statusCode ?? 0
  const sink = status >= 200 && status < 300 ? options.sink : undefined
  return new Promise<Answer>((resolve, reject) => {
    const chunks: Buffer[] = []
    let kept = 0
    let bytes = 0
    let done = false
    const finish = (oversize: boolean, error?: Error) => {
      if (done) return
      done = true
      if (error !== undefined) return reject(error)
      const { statusMessage, headers } = message
      const body = Buffer.concat(chunks).toString('utf8')
      resolve({ status, statusMessage, headers, body, bytes, ...(oversize ? { oversize } : {}) })
    }
    message.on('data', (chunk: Buffer) => {
      if (done) return
      bytes += chunk.length
      if (sink) return sink(chunk)
      const room = options.maxBytes - kept
      chunks.push(chunk.subarray(0, room))
      kept += Math.min(room, chunk.length)
      if (chunk.length <= room) return
      // Over the cap: what came is enough to say so; the rest is not read.
      finish(true)
      message.destroy()
    })
    message.once('end', () => finish(false))
    message.on('error', error => finish(false, error))
    message.once('close', () => {
      const cut = new Error('the connection closed before the whole answer came')
      finish(false, message.complete ? undefined : Object.assign(cut, { code: 'ECONNRESET' }))
    })
  })
}
