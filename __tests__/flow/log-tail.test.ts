// The job-log reader keeps the end of `content` however long the answer, and reads everything
// else as JSON.parse would.
import { describe, expect, it } from '@jest/globals'
import { JobLogTail } from '../../src/flow/log-tail.js'

function read(text: string, limit: number, chunkSize = 7): Record<string, unknown> | string {
  const tail = new JobLogTail(limit)
  const bytes = Buffer.from(text, 'utf8')
  for (let i = 0; i < bytes.length; i += chunkSize) tail.write(bytes.subarray(i, i + chunkSize))
  const result = tail.result()
  try {
    return JSON.parse(result) as Record<string, unknown>
  } catch {
    return result
  }
}

const TRICKY = 'line 1\nquote " backslash \\ slash / tab \t é 中文 😀 \u2028 \u0000 end'

describe('JobLogTail', () => {
  it('a short log comes back exactly as JSON.parse reads it, byte by byte or in chunks', () => {
    const answer = { last: 12, content: TRICKY, more: false }
    for (const size of [1, 3, 1000]) {
      expect(read(JSON.stringify(answer), 1024, size)).toEqual(answer)
    }
    // \u escapes and an escaped slash, as some servers write them.
    const escaped = '{"content":"\\u00e9\\ud83d\\ude00\\/\\u4e2d","more":true}'
    expect(read(escaped, 1024, 1)).toEqual(JSON.parse(escaped))
  })

  it('keeps the end of a long log, on a whole character, and says how much was cut', () => {
    const unit = 'ab é 中 😀 "q" \\\n'
    const content = unit.repeat(200_000)
    const sent = (text: string) => Buffer.byteLength(JSON.stringify(text).slice(1, -1))
    for (const order of ['first', 'last']) {
      const answer =
        order === 'first' ? { content, more: false, last: 5 } : { more: false, last: 5, content }
      const log = read(JSON.stringify(answer), 1000, 4096) as {
        content: string
        cutBytes: number
        more: boolean
        last: number
      }
      expect(log.more).toBe(false)
      expect(log.last).toBe(5)
      expect(sent(log.content)).toBeGreaterThan(900)
      expect(sent(log.content)).toBeLessThan(1000 + 4096)
      expect(content.endsWith(log.content)).toBe(true)
      // Bytes of the content as sent: what was cut and what was kept make the whole.
      expect(log.cutBytes + sent(log.content)).toBe(sent(content))
    }
  })

  it('a long answer whose content ends early, or is not the long part, is not taken for a log', () => {
    const pad = 'x'.repeat(300_000)
    expect(typeof read(JSON.stringify({ content: 'short', pad }), 1000, 4096)).toBe('string')
    const twice = JSON.stringify({ content: pad, other: pad })
    expect(typeof read(twice, 1000, 4096)).toBe('string')
  })

  it('only the top-level content is the log; field order does not matter', () => {
    const answer = {
      meta: { content: 'not this' },
      list: ['content', { content: 'x' }],
      content: 'y'
    }
    expect(read(JSON.stringify(answer), 1024, 1)).toEqual(answer)
    const first = { content: 'z', 'con"tent': 'q', n: null }
    expect(read(JSON.stringify(first), 1024, 2)).toEqual(first)
  })

  it('a content that is not a string stays as it is', () => {
    expect(read('{"content":null,"more":false}', 10)).toEqual({ content: null, more: false })
    expect(read('{"content":["a"]}', 10)).toEqual({ content: ['a'] })
  })

  it('an answer that is not a JSON object comes back as its start, for the error message', () => {
    const html = '<html><body>' + 'x'.repeat(200_000) + '</body></html>'
    const result = read(html, 100) as string
    expect(typeof result).toBe('string')
    expect(html.startsWith(result)).toBe(true)
    expect(result.length).toBe(64 * 1024)
    expect(read('[1,2]', 100)).toEqual([1, 2])
    expect(typeof read('{"content":"unterminated', 100)).toBe('string')
  })
})
