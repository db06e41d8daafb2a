// A tunnel through an HTTP(S) proxy: CONNECT host:port, with Proxy-Authorization when the proxy URL
// holds credentials; unlike the `tunnel` package, abandoned at once on a proxy that never answers.
import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { ProxySetting } from './proxy.js'
import { ExchangeError } from './exchange-error.js'

/** Most of a CONNECT answer this reads: its status line and headers only. */
const MAX_CONNECT_HEADER_BYTES = 16 * 1024

/** Opens the tunnel; `track` gets each socket at once, for the caller's deadline or abort to end. */
export function openTunnel(
  proxy: ProxySetting,
  host: string,
  port: number,
  track: (destroy: () => void) => void
): Promise<Socket> {
  const authority = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
  const headers: Record<string, string> = { Host: authority }
  if (proxy.auth !== undefined) {
    headers['Proxy-Authorization'] = `Basic ${Buffer.from(proxy.auth, 'utf8').toString('base64')}`
  }
  return new Promise<Socket>((resolve, reject) => {
    const request = (
      proxy.protocol === 'https:'
        ? process.getBuiltinModule('node:https').request
        : process.getBuiltinModule('node:http').request
    )({
      host: proxy.host,
      port: proxy.port,
      method: 'CONNECT',
      path: authority,
      headers,
      agent: false,
      maxHeaderSize: MAX_CONNECT_HEADER_BYTES,
      servername: proxy.protocol === 'https:' ? proxy.host : undefined
    })
    track(() => request.destroy())
    request.once('connect', (answer: IncomingMessage, socket: Socket, head: Buffer) => {
      track(() => socket.destroy())
      // Its errors reach whoever uses it next (the TLS layer or the request); none may go unheard.
      socket.on('error', () => undefined)
      const status = answer.statusCode ?? 0
      if (status === 200 && head.length === 0) {
        resolve(socket)
        return
      }
      socket.destroy()
      reject(refusal(proxy, status, authority))
    })
    request.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'EPROXY'
      const closed = code === 'ECONNRESET' || code === 'EPIPE'
      const detail = closed
        ? `the proxy ${proxy.shown} closed the connection before opening the tunnel`
        : `could not talk to the proxy ${proxy.shown}: ${error.message}${error.code && !error.message.includes(error.code) ? ` (${error.code})` : ''}`
      const hint = `The connection through the proxy (${proxy.variable}) could not be set up: check the proxy, or list the host in NO_PROXY.`
      reject(proxyError('EPROXY', detail, false, hint))
    })
    request.end()
  })
}

/** A CONNECT answered with anything but a clean tunnel, in words, with what to do about it. */
function refusal(proxy: ProxySetting, status: number, authority: string): ExchangeError {
  if (status === 200)
    return proxyError('EPROXY', `the proxy ${proxy.shown} sent data before the request`, false)
  if (status === 407)
    return proxyError(
      'EPROXYAUTH',
      `the proxy ${proxy.shown} answered CONNECT with HTTP 407 Proxy Authentication Required`,
      true,
      proxy.auth === undefined
        ? `The proxy wants credentials: put them in ${proxy.variable} as http://user:password@host:port (percent-encode special characters).`
        : `The proxy refused the credentials in ${proxy.variable}: check the user name and password there (percent-encode special characters).`
    )
  const reason = process.getBuiltinModule('node:http').STATUS_CODES[status]
  return proxyError(
    'EPROXY',
    `the proxy ${proxy.shown} answered CONNECT with HTTP ${status}${reason ? ` ${reason}` : ''}`,
    status < 500,
    `The proxy (${proxy.variable}) refused to open a tunnel to ${authority}: check the proxy, or list the host in NO_PROXY.`
  )
}

function proxyError(code: string, detail: string, permanent: boolean, hint?: string) {
  return new ExchangeError(detail, { code, stage: 'proxy', sent: false, permanent, hint })
}
