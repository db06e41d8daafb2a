// Which proxy a request goes through, read from the environment as @actions/http-client reads it
// (the variables: docs/editions.md); loopback never uses one. Unlike http-client, a value that is not
// a usable proxy URL is an error naming the variable, never ignored (the request would go direct).
import { isLoopbackHost } from '../common/loopback.js'
import { ExchangeError } from './exchange-error.js'

export interface ProxySetting {
  /** The variable it came from, e.g. `HTTPS_PROXY`. */
  variable: string
  protocol: 'http:' | 'https:'
  /** Host name or address, IPv6 without brackets. */
  host: string
  port: number
  /** Origin without credentials, for messages. */
  shown: string
  /** `user:password`, percent-decoded, when the URL holds credentials. */
  auth?: string
}

type Env = Record<string, string | undefined>

/** The proxy for `target`, or undefined for a direct connection. Throws `EPROXYENV`. */
export function proxyFor(target: URL, env: Env = process.env): ProxySetting | undefined {
  if (bypass(target, env)) return undefined
  const names =
    target.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY']
  const variable = names.find(name => env[name])
  if (!variable) return undefined
  return parseProxy(variable, env[variable] as string)
}

export function parseProxy(variable: string, raw: string): ProxySetting {
  const value = raw.trim()
  // Quoted with any `user:password@` replaced.
  const shown = value.replace(/^([^/]*\/\/)?[^/@]*@/, (_all, scheme = '') => `${scheme}***@`)
  const fail = (why: string) =>
    new ExchangeError(
      `The environment variable ${variable} is not a usable proxy URL: ${why}; expected http://[user:password@]host[:port]; got ${JSON.stringify(shown)}.`,
      { code: 'EPROXYENV', stage: 'dns', sent: false, permanent: true }
    )
  // Like http-client (and curl), a value without a scheme is taken as http://.
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw fail('it cannot be read as a URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw fail(
      `the scheme ${url.protocol}// is not supported (only http:// and https:// proxies are)`
    )
  }
  if (!url.hostname) throw fail('the host is missing')
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw fail('a path, query or fragment is not allowed')
  }
  let auth: string | undefined
  if (url.username || url.password) {
    try {
      auth = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
    } catch {
      throw fail('the user name or password is not correctly percent-encoded')
    }
  }
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80
  return {
    variable,
    protocol: url.protocol,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    shown: `${url.protocol}//${url.host}`,
    auth
  }
}

/** @actions/http-client's checkBypass, with loopback meaning all of 127.0.0.0/8 and ::1. */
function bypass(target: URL, env: Env): boolean {
  if (isLoopbackHost(target.hostname)) return true
  const noProxy = env.no_proxy || env.NO_PROXY || ''
  const port = target.port ? Number(target.port) : target.protocol === 'http:' ? 80 : 443
  const host = target.hostname.toUpperCase()
  const hosts = [host, `${host}:${port}`]
  const items = noProxy.split(',').map(x => x.trim().toUpperCase())
  const under = (x: string, item: string) =>
    x === item || x.endsWith(`.${item}`) || (item.startsWith('.') && x.endsWith(item))
  return items.some(item => item === '*' || (item !== '' && hosts.some(x => under(x, item))))
}
