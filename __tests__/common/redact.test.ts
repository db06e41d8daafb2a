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
