// Which proxy applies: the variables @actions/http-client reads, the same way, except that a value
// that is not a proxy URL is an error naming the variable instead of a silent direct connection.
import { describe, expect, it } from '@jest/globals'
import { parseProxy, proxyFor } from '../../src/flow/proxy.js'
import { ExchangeError } from '../../src/flow/exchange-error.js'

const HTTPS = new URL('https://openapi-rdc.aliyuncs.com')
const HTTP = new URL('http://flow.example.com:8080')

describe('proxyFor', () => {
  it('https targets read https_proxy, then HTTPS_PROXY; http targets http_proxy, then HTTP_PROXY', () => {
    const env = {
      https_proxy: 'http://lower:1',
      HTTPS_PROXY: 'http://upper:2',
      HTTP_PROXY: 'http://plain:3'
    }
    expect(proxyFor(HTTPS, env)).toMatchObject({ variable: 'https_proxy', host: 'lower', port: 1 })
    expect(proxyFor(HTTPS, { HTTPS_PROXY: 'http://upper:2' })).toMatchObject({
      variable: 'HTTPS_PROXY'
    })
    expect(proxyFor(HTTP, env)).toMatchObject({ variable: 'HTTP_PROXY', host: 'plain', port: 3 })
    expect(proxyFor(HTTPS, { HTTP_PROXY: 'http://plain:3' })).toBeUndefined()
    expect(proxyFor(HTTPS, { HTTPS_PROXY: '' })).toBeUndefined()
  })

  it('NO_PROXY as http-client reads it: *, host, host:port, .suffix, suffix, any case, spaces', () => {
    const proxied = { HTTPS_PROXY: 'http://proxy:3128' }
    for (const list of [
      '*',
      'openapi-rdc.aliyuncs.com',
      'OPENAPI-RDC.ALIYUNCS.COM',
      'openapi-rdc.aliyuncs.com:443',
      '.aliyuncs.com',
      'aliyuncs.com',
      'example.com, aliyuncs.com'
    ]) {
      expect(proxyFor(HTTPS, { ...proxied, NO_PROXY: list })).toBeUndefined()
      expect(proxyFor(HTTPS, { ...proxied, no_proxy: list })).toBeUndefined()
    }
    for (const list of ['openapi-rdc.aliyuncs.com:8443', 'cs.com', 'rdc.aliyuncs', 'example.com']) {
      expect(proxyFor(HTTPS, { ...proxied, NO_PROXY: list })).toBeDefined()
    }
  })

  it('loopback targets never use a proxy: 127.0.0.0/8, ::1, localhost', () => {
    const env = { HTTP_PROXY: 'http://proxy:3128' }
    for (const origin of [
      'http://127.0.0.1:1',
      'http://127.0.0.2:1',
      'http://[::1]:1',
      'http://localhost:1'
    ]) {
      expect(proxyFor(new URL(origin), env)).toBeUndefined()
    }
  })

  it('credentials are decoded, and never part of what is shown', () => {
    expect(parseProxy('HTTPS_PROXY', 'http://me%40corp:p%3Ass@proxy.corp:3128')).toEqual({
      variable: 'HTTPS_PROXY',
      protocol: 'http:',
      host: 'proxy.corp',
      port: 3128,
      shown: 'http://proxy.corp:3128',
      auth: 'me@corp:p:ss'
    })
  })

  it('a value without a scheme is http://; default ports 80 and 443; IPv6 without brackets', () => {
    expect(parseProxy('X', 'proxy.corp:3128')).toMatchObject({ protocol: 'http:', port: 3128 })
    expect(parseProxy('X', 'localhost:3128')).toMatchObject({ host: 'localhost', port: 3128 })
    expect(parseProxy('X', 'http://proxy')).toMatchObject({ port: 80 })
    expect(parseProxy('X', 'https://proxy')).toMatchObject({ protocol: 'https:', port: 443 })
    expect(parseProxy('X', 'http://[::1]:8888')).toMatchObject({ host: '::1', port: 8888 })
  })

  it.each([
    ['not a url', /cannot be read as a URL/],
    ['http://', /cannot be read as a URL|host is missing/],
    ['socks5://proxy:1080', /scheme socks5:\/\/ is not supported/],
    ['http://proxy:3128/path', /a path, query or fragment/],
    ['http://me:%E0%A4%A@proxy:3128', /not correctly percent-encoded/]
  ])('%j is an error naming the variable', (value, why) => {
    let error: unknown
    try {
      proxyFor(HTTPS, { HTTPS_PROXY: value })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ExchangeError)
    expect(error).toMatchObject({ code: 'EPROXYENV', sent: false, permanent: true })
    expect((error as Error).message).toMatch(
      /^The environment variable HTTPS_PROXY is not a usable proxy URL: /
    )
    expect((error as Error).message).toMatch(why)
  })

  it('the message quotes the value without its credentials', () => {
    expect(() => proxyFor(HTTPS, { HTTPS_PROXY: 'socks5://me:hunter2@proxy:1080' })).toThrow(
      /got "socks5:\/\/\*\*\*@proxy:1080"/
    )
    expect(() => proxyFor(HTTPS, { HTTPS_PROXY: 'http://me:hunter2@pro xy' })).toThrow(
      /got "http:\/\/\*\*\*@pro xy"/
    )
  })
})
