// Small loopback servers that misbehave on purpose: an HTTP(S) server with a handler per test, a
// server that accepts and never says a word (a stalled TLS handshake), and a CONNECT proxy that
// tunnels, stalls, asks for credentials (407) or hangs up.
import http from 'node:http'
import https from 'node:https'
import net, { type AddressInfo, type Socket } from 'node:net'

export interface Running {
  port: number
  /** Connections accepted so far. */
  connections: () => number
  /** Connections still open. */
  openSockets: () => number
  close: () => Promise<void>
}

function track(server: net.Server): Running {
  const sockets = new Set<Socket>()
  let connections = 0
  server.on('connection', (socket: Socket) => {
    connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    openSockets: () => sockets.size,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise(done => server.close(done))
    }
  }
}

async function listen(server: net.Server, host = '127.0.0.1'): Promise<void> {
  await new Promise<void>((done, fail) => {
    server.once('error', fail)
    server.listen(0, host, done)
  })
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void

/** An HTTP server, or HTTPS with `tls`. */
export async function startServer(
  handler: Handler,
  options: { tls?: { key: string; cert: string }; host?: string } = {}
): Promise<Running> {
  const server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler)
  await listen(server, options.host)
  // Secure connections are counted on the TCP server below them.
  return track(server)
}

/** Accepts connections and never writes a byte: a TLS handshake (or anything) stalls on it. */
export async function startSilent(): Promise<Running> {
  const server = net.createServer(() => undefined)
  await listen(server)
  return track(server)
}

/** Writes `body` one byte every `everyMs`: never stalls long enough for an idle timer. */
export function drip(res: http.ServerResponse, body: string, everyMs: number): void {
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body)
  })
  const bytes = Buffer.from(body)
  let i = 0
  const timer = setInterval(() => {
    if (i >= bytes.length || res.destroyed) {
      clearInterval(timer)
      if (!res.destroyed) res.end()
      return
    }
    res.write(bytes.subarray(i, ++i))
  }, everyMs)
  res.on('close', () => clearInterval(timer))
}

/** Writes `total` bytes of `unit` repeated, as fast as the reader takes them. */
export function flood(res: http.ServerResponse, total: number, prefix = '', suffix = ''): void {
  res.writeHead(200, { 'Content-Type': 'application/json' })
  res.write(prefix)
  const chunk = Buffer.alloc(64 * 1024, 'a')
  let left = total
  const pump = (): void => {
    while (left > 0) {
      const part = left >= chunk.length ? chunk : chunk.subarray(0, left)
      left -= part.length
      if (!res.write(part)) {
        res.once('drain', pump)
        return
      }
    }
    res.end(suffix)
  }
  res.on('error', () => undefined)
  pump()
}

/** `tunnel-once`: tunnels the first CONNECT, stalls every later one. */
export type ProxyMode = 'tunnel' | 'tunnel-once' | 'stall' | '407' | 'close' | '403'

export interface Proxy extends Running {
  url: string
  /** CONNECT targets asked for. */
  connects: string[]
  /** Proxy-Authorization headers received (undefined where none). */
  auths: (string | undefined)[]
}

/**
 * A CONNECT proxy. `tunnel` joins the client to 127.0.0.1:<target port> whatever host it asked
 * for (so test names like flow.invalid work), and only with `credentials` when they are set.
 */
export async function startProxy(
  mode: ProxyMode,
  options: { targetPort?: number; credentials?: string } = {}
): Promise<Proxy> {
  const connects: string[] = []
  const auths: (string | undefined)[] = []
  const server = http.createServer((_req, res) => {
    res.writeHead(405)
    res.end()
  })
  server.on('connect', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    connects.push(req.url ?? '')
    const auth = req.headers['proxy-authorization']
    auths.push(auth)
    socket.on('error', () => undefined)
    // Reading (and dropping) what comes lets the proxy notice the client hang up.
    if (mode === 'stall' || (mode === 'tunnel-once' && connects.length > 1)) {
      socket.on('end', () => socket.end()) // the server side is half-open after the client's FIN
      return void socket.resume()
    }
    if (mode === 'close') return void socket.destroy()
    if (mode === '403')
      return void socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n')
    const expected =
      options.credentials === undefined
        ? undefined
        : `Basic ${Buffer.from(options.credentials).toString('base64')}`
    if (mode === '407' || auth !== expected) {
      return void socket.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n'
      )
    }
    const upstream = net.connect(options.targetPort ?? 0, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length) upstream.write(head)
      socket.pipe(upstream).pipe(socket)
    })
    upstream.on('error', () => socket.destroy())
    socket.on('close', () => upstream.destroy())
  })
  await listen(server)
  const running = track(server)
  return { ...running, url: `http://127.0.0.1:${running.port}`, connects, auths }
}
