// Where the requests go and with what: token, domain, organization-id (the edition), pipeline-id
// and console-url. Each parser throws an InputError naming its input; no message quotes a token.
import { isLoopbackHost } from '../../common/loopback.js'
import { InputError, invalid, quote, SPACE_OR_CONTROL } from './inputs.js'

/** A token goes in an HTTP header: one word of printable ASCII. Never quoted back. */
export function parseTokenValue(name: 'token' | 'github-token', value: string): string {
  if (!/^[\x21-\x7e]+$/.test(value)) {
    throw new InputError(
      name,
      `Input "${name}": expected a single token of printable ASCII characters (letters, digits, punctuation) without spaces or line breaks; the value given has other characters (not shown).`
    )
  }
  return value
}

export function parseToken(value: string): string {
  if (!value) {
    throw new InputError(
      'token',
      'Input "token" is required: a Yunxiao personal access token (pt-...), passed from a secret; got nothing.'
    )
  }
  return parseTokenValue('token', value)
}

/** organization-id: the center host (the default domain) serves only /organizations/{id}/ paths. */
export function parseOrganizationId(
  value: string,
  baseUrl: string | undefined
): string | undefined {
  if (!value && baseUrl === 'https://openapi-rdc.aliyuncs.com') {
    throw new InputError(
      'organization-id',
      `Input "organization-id" is required with the center host openapi-rdc.aliyuncs.com (the default domain): your Yunxiao organization's id, e.g. 60d54f3daccf2bbd6659f3ad; got nothing. If it comes from a variable (\${{ vars.YUNXIAO_ORG_ID }}), check that the variable is set for this repository; for the Region edition, set domain to your organization's host (<org>-<region>.devops.aliyuncs.com) instead.`
    )
  }
  // It becomes a URL path segment.
  if (value && !/^[A-Za-z0-9_-]{1,128}$/.test(value)) {
    const expected = `an organization id (letters, digits, '-' or '_', e.g. 60d54f3daccf2bbd6659f3ad), or nothing for the Region edition`
    throw invalid('organization-id', expected, value)
  }
  return value || undefined
}

/** pipeline-id; undefined when pipeline-name names the pipeline instead. */
export function parsePipelineId(value: string, pipelineName: string): number | undefined {
  if (!value && pipelineName) return undefined
  const id = /^\d+$/.test(value) ? Number(value) : NaN
  if (!value) {
    throw new InputError(
      'pipeline-id',
      `Input "pipeline-id" is required (or "pipeline-name"): the number in the pipeline's console URL (https://flow.aliyun.com/pipelines/<pipeline-id>/...), or the pipeline's exact name in pipeline-name; got neither.`
    )
  }
  if (!Number.isSafeInteger(id) || id <= 0) {
    const expected = `a positive whole number (the number in the pipeline's console URL)`
    throw invalid('pipeline-id', expected, value)
  }
  return id
}

/**
 * Input `name`, `host[:port]` or `http(s)://host[:port]...`, cut into its parts; `fail` makes its
 * InputError. A user or password is refused (and not repeated in the message).
 */
function splitOrigin(name: string, text: string, expected: string) {
  const fail = (why: string) =>
    new InputError(name, `Input "${name}": ${why}; ${expected}; got ${quote(hideUserInfo(text))}.`)
  if (SPACE_OR_CONTROL.test(text)) throw fail('spaces and line breaks are not allowed')
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text)
  const scheme = schemeMatch ? schemeMatch[1].toLowerCase() : 'https'
  if (scheme !== 'https' && scheme !== 'http')
    throw fail(`the scheme ${schemeMatch?.[1]}:// is not supported`)
  const rest = schemeMatch ? text.slice(schemeMatch[0].length) : text
  const authority = /^[^/?#\\]*/.exec(rest)![0]
  if (authority.includes('@')) throw fail('user names and passwords are not allowed in it')
  if (!authority) throw fail('the host is missing')
  // An IPv6 address in brackets, or a name / IPv4 address; then an optional :port.
  const hostPort = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]+)(?::(\d*))?$/.exec(authority)
  if (!hostPort) throw fail('not a host[:port] (put an IPv6 address in brackets: [::1]:8080)')
  const port = hostPort[2]
  if (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65535 && port !== '')) {
    throw fail('the port must be a number from 1 to 65535')
  }
  let url: URL
  try {
    url = new URL(`${scheme}://${authority}`)
  } catch {
    throw fail('not a valid host name')
  }
  return { scheme, url, rest: rest.slice(authority.length), fail }
}

export function parseDomain(value: string): string {
  const { scheme, url, rest, fail } = splitOrigin(
    'domain',
    value,
    'expected the OpenAPI host (openapi-rdc.aliyuncs.com, host:port) or origin (https://host[:port]); http:// only for loopback: 127.x.x.x, [::1] or localhost'
  )
  if (rest !== '' && rest !== '/') throw fail('a path, query or fragment is not allowed')
  // The web console (flow.aliyun.com, devops.aliyun.com, ...) is not the OpenAPI: say which host is.
  const host = url.hostname.toLowerCase().replace(/\.$/, '')
  if (host === 'aliyun.com' || host.endsWith('.aliyun.com')) {
    throw fail(
      `${host} is the Yunxiao web console, not its OpenAPI; use openapi-rdc.aliyuncs.com (the center edition, with organization-id) or your Region host <org>-<region>.devops.aliyuncs.com (the console address belongs in console-url)`
    )
  }
  if (scheme === 'http' && !isLoopbackHost(url.hostname)) {
    throw fail('http:// is allowed only for loopback hosts')
  }
  return url.origin
}

export function parseConsoleUrl(value: string): string {
  const expected = "expected the web console's http(s) address, e.g. https://flow.aliyun.com"
  const { url, rest, fail } = splitOrigin('console-url', value, expected)
  // A path prefix is kept (a console served under a path); a query or fragment makes no sense before /pipelines.
  if (/[?#\\]/.test(rest)) throw fail('a query or fragment is not allowed')
  const path = rest.replace(/\/+$/, '')
  if (path && !/^(\/[A-Za-z0-9._~%!$&'()*+,;=:@-]+)+$/.test(path)) throw fail('not a valid path')
  return url.origin + path
}

/** Credentials pasted into a URL input are not repeated in the error message. */
export function hideUserInfo(value: string): string {
  return value.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?[^/?#@]*@/, '$1***@')
}
