import { describe, expect, it } from '@jest/globals'
import { excerpt, explain } from '../../src/flow/errors.js'
import { REDACTED, redact } from '../../src/common/redact.js'

const TOKEN = 'pt-0123456789abcdefABCDEF'

describe('redact', () => {
  it('replaces every occurrence of a secret', () => {
    expect(redact(`a ${TOKEN} b ${TOKEN}${TOKEN} c`, [TOKEN])).toBe('a *** b ****** c')
  })

  it('replaces several secrets, the longer one whole when one contains the other', () => {
    expect(redact('key=abc123 short=abc', ['abc', 'abc123'])).toBe('key=*** short=***')
  })

  it('leaves text without secrets alone, and ignores empty or blank secrets', () => {
    expect(redact('nothing to hide', [])).toBe('nothing to hide')
    expect(redact('nothing to hide', ['', '   '])).toBe('nothing to hide')
  })

  it('replaces the percent-encoded and JSON-escaped forms a server may echo', () => {
    const secret = 'pt-a/b+c"d'
    expect(redact(`url ?t=${encodeURIComponent(secret)}`, [secret])).toBe(`url ?t=${REDACTED}`)
    expect(redact(`{"token":${JSON.stringify(secret)}}`, [secret])).toBe(`{"token":"${REDACTED}"}`)
    expect(redact(`raw ${secret}`, [secret])).toBe(`raw ${REDACTED}`)
  })

  it('treats a secret as literal text, not as a pattern', () => {
    expect(redact('a.b and axb', ['a.b'])).toBe('*** and axb')
  })
})

describe('excerpt', () => {
  it('redacts before cutting, so a cut never leaves part of a secret behind', () => {
    // The token starts at character 190: cutting first at 200 would keep its first 10 characters.
    const text = `${'x'.repeat(190)}${TOKEN}${'y'.repeat(50)}`
    const cut = excerpt(text, [TOKEN])
    expect(cut).not.toContain(TOKEN.slice(0, 10))
    expect(cut.startsWith(`${'x'.repeat(190)}***`)).toBe(true)
    expect(cut.length).toBeLessThanOrEqual(201)
    expect(cut.endsWith('…')).toBe(true)
  })

  it('collapses whitespace and keeps short text whole', () => {
    expect(excerpt('  a\n\n  b\tc  ', [])).toBe('a b c')
  })
})

// What a failed call says of the answer, before the whole message is redacted once more.
function said(status: number, body: string, headers: Record<string, string> = {}): string {
  const answer = { status, headers, body, bytes: body.length }
  const setup = { host: 'h', organizationIdSet: true, secrets: [TOKEN] }
  return explain({ kind: 'http', answer }, 1000, setup).what
}

describe('a failed answer is described with what a server echoes redacted', () => {
  it('in JSON error fields', () => {
    const body = {
      errorCode: 'InvalidTokenError',
      errorMessage: `token ${TOKEN} is invalid`,
      requestId: 'R1'
    }
    expect(said(401, JSON.stringify(body))).toBe(
      'HTTP 401 Unauthorized (errorCode InvalidTokenError: token *** is invalid; requestId R1)'
    )
  })

  it('in an HTML page', () => {
    const page = `<!DOCTYPE html><html><body>Login required for ${TOKEN}</body></html>`
    const what = said(403, page)
    expect(what).toContain('Login required for ***')
    expect(what).not.toContain(TOKEN)
  })

  it('reads the other seen shapes: traceId/code/errorDescription and message', () => {
    const body = { traceId: 'T9', code: 'Forbidden', errorDescription: 'no access' }
    expect(said(403, JSON.stringify(body))).toBe(
      'HTTP 403 Forbidden (errorCode Forbidden: no access; requestId T9)'
    )
    expect(said(400, JSON.stringify({ message: 'm' }))).toBe('HTTP 400 Bad Request (m)')
  })

  it('quotes plain text and JSON without error fields, and says nothing about an empty body', () => {
    expect(said(502, 'upstream connect error')).toBe(
      'HTTP 502 Bad Gateway, answer: "upstream connect error"'
    )
    expect(said(400, '{"foo":1}')).toBe('HTTP 400 Bad Request, answer: "{"foo":1}"')
    expect(said(400, '  ')).toBe('HTTP 400 Bad Request')
  })
})

// redact skips its pattern when a quick look finds that no form of a secret can be in the text:
// every occurrence, in any mix of forms, must still be found.
describe('redact finds every mix of forms (the quick look misses none)', () => {
  const FORMS: Array<(ch: string) => string> = [
    ch => ch,
    ch =>
      [...Array(ch.length).keys()]
        .map(i => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`)
        .join(''),
    ch =>
      [...Array(ch.length).keys()]
        .map(i => `\\\\u${ch.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')}`)
        .join(''),
    ch =>
      [...new TextEncoder().encode(ch)].map(b => `%${b.toString(16).padStart(2, '0')}`).join(''),
    ch => `&#${ch.codePointAt(0)};`,
    ch => `&#x${(ch.codePointAt(0) ?? 0).toString(16)};`,
    ch =>
      /^[!-/:-@[-`{-~]$/.test(ch) ? `${'\\'.repeat(1 + ((ch.codePointAt(0) ?? 0) % 3))}${ch}` : ch
  ]
  // A small deterministic generator: the same cases on every run.
  let seed = 42
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed % n
  }
  const secrets = [TOKEN, 'pt-a/b"c\\d', 'p@ss:w0rd&%', 'ghp_ABC-123.xyz', 'é-ü-✓']
  const cases: Array<[string, string]> = []
  for (const secret of secrets) {
    for (let i = 0; i < 40; i++) {
      // Mostly literal, with a few characters in another form (or none, every 8th case).
      const written = [...secret]
        .map(ch => (i % 8 === 0 || next(4) ? ch : FORMS[next(FORMS.length)](ch)))
        .join('')
      cases.push([secret, `see \\"x\\" ${written} and 100% & more`])
      cases.push([secret, `${written}`])
    }
  }
  it.each(cases)('%s in %s', (secret, text) => {
    expect(redact(text, [secret])).toContain(REDACTED)
  })

  it('leaves text without any form of the secret as it is', () => {
    const text = 'workflow \\"Deploy\\" run #42 https://flow.aliyun.com/pipelines/1/builds/1'
    expect(redact(text, [TOKEN])).toBe(text)
  })
})
