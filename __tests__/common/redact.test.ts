import { describe, expect, it } from '@jest/globals'
import { excerpt, parseErrorBody } from '../../src/flow/errors.js'
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

describe('parseErrorBody redacts what a server echoes', () => {
  it('in JSON error fields', () => {
    const parsed = parseErrorBody(
      JSON.stringify({
        errorCode: 'InvalidTokenError',
        errorMessage: `token ${TOKEN} is invalid`,
        requestId: 'R1'
      }),
      [TOKEN]
    )
    expect(parsed).toEqual({
      errorCode: 'InvalidTokenError',
      errorMessage: 'token *** is invalid',
      requestId: 'R1',
      html: false
    })
  })

  it('in an HTML page', () => {
    const parsed = parseErrorBody(
      `<!DOCTYPE html><html><body>Login required for ${TOKEN}</body></html>`,
      [TOKEN]
    )
    expect(parsed.html).toBe(true)
    expect(parsed.excerpt).toContain('Login required for ***')
    expect(parsed.excerpt).not.toContain(TOKEN)
  })

  it('reads the other seen shapes: traceId/code/errorDescription and message', () => {
    expect(
      parseErrorBody(
        JSON.stringify({ traceId: 'T9', code: 'Forbidden', errorDescription: 'no access' }),
        []
      )
    ).toEqual({ errorCode: 'Forbidden', errorMessage: 'no access', requestId: 'T9', html: false })
    expect(parseErrorBody(JSON.stringify({ message: 'm' }), [])).toEqual({
      errorCode: undefined,
      errorMessage: 'm',
      requestId: undefined,
      html: false
    })
  })

  it('quotes plain text and JSON without error fields, and says nothing about an empty body', () => {
    expect(parseErrorBody('upstream connect error', [])).toEqual({
      html: false,
      excerpt: 'upstream connect error'
    })
    expect(parseErrorBody('{"foo":1}', [])).toEqual({ html: false, excerpt: '{"foo":1}' })
    expect(parseErrorBody('  ', [])).toEqual({ html: false })
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
