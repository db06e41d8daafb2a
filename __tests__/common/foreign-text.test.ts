// The one gate for foreign text: secrets in every form, URL credentials, workflow commands.
import { describe, expect, it } from '@jest/globals'
import { clean, cleanDeep, safeLine } from '../../src/common/foreign-text.js'
import { redact } from '../../src/common/redact.js'

const TOKEN = 'pt-Ab/c_d+e"f\\g'

const hexEach = (text: string, upper: boolean) =>
  [...Buffer.from(text)]
    .map(b => `%${b.toString(16).padStart(2, '0')}`)
    .map(h => (upper ? h.toUpperCase() : h))
    .join('')
const unicodeEach = (text: string, upper: boolean) =>
  [...text]
    .map(c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .map(h => (upper ? h.toUpperCase().replace('\\U', '\\u') : h))
    .join('')

describe('redact: every form a secret can be written in', () => {
  const forms: Array<[string, string]> = [
    ['raw', TOKEN],
    ['JSON-escaped', JSON.stringify(TOKEN).slice(1, -1)],
    ['JSON-escaped with \\/', JSON.stringify(TOKEN).slice(1, -1).replace(/\//g, '\\/')],
    ['JSON-escaped twice', JSON.stringify(JSON.stringify(TOKEN)).slice(3, -3)],
    ['\\u-escaped, lower-case hex', unicodeEach(TOKEN, false)],
    ['\\u-escaped, upper-case hex', unicodeEach(TOKEN, true)],
    ['URL-encoded (encodeURIComponent)', encodeURIComponent(TOKEN)],
    ['percent-encoded, lower-case hex', hexEach(TOKEN, false)],
    ['percent-encoded, upper-case hex', hexEach(TOKEN, true)],
    ['Markdown-escaped', TOKEN.replace(/[\\`*_[\]<>|+/-]/g, c => `\\${c}`)],
    ['HTML character references', [...TOKEN].map(c => `&#${c.charCodeAt(0)};`).join('')],
    [
      'mixed within one occurrence',
      `pt\\u002dAb\\/c%5fd%2Be${JSON.stringify('"').slice(1, -1)}f\\\\g`
    ]
  ]
  it.each(forms)('%s', (_, form) => {
    expect(redact(`before ${form} after`, [TOKEN])).toBe('before *** after')
  })

  it('leaves other text alone, the secret as plain text (no pattern)', () => {
    expect(redact('pt-Ab/c_d+e"f\\h and a.b', [TOKEN, 'a.b'])).toBe('pt-Ab/c_d+e"f\\h and ***')
  })
})

describe('clean', () => {
  it('removes credentials from every URL, a password holding @ included', () => {
    expect(
      clean(
        'repos: https://user:p@ss@codeup.example/a.git, git+ssh://git@host/b.git, https://h/c@d',
        []
      )
    ).toBe('repos: https://***@codeup.example/a.git, git+ssh://***@host/b.git, https://h/c@d')
  })

  it('redacts before it strips, and both in one pass', () => {
    expect(clean(`https://${TOKEN}@host/x and ${encodeURIComponent(TOKEN)}`, [TOKEN])).toBe(
      'https://***@host/x and ***'
    )
  })
})

describe('safeLine', () => {
  it('never gives a line the runner takes for a command', () => {
    const hostile =
      'https://codeup.example/a.git\n::set-output name=pwn::1\r\n::add-mask::x\u2028::error::boom\n::stop-commands::abc'
    const line = safeLine(hostile, [])
    expect(line.split(/\r\n|\r|\n|\u2028|\u2029/)).toHaveLength(1)
    expect(line).toBe(
      'https://codeup.example/a.git ::set-output name=pwn::1 ::add-mask::x ::error::boom ::stop-commands::abc'
    )
    expect(safeLine('::error::x', [])).toBe(': :error::x')
    expect(safeLine('  \t::warning::x', [])).toBe('   : :warning::x')
    expect(safeLine('text ##[error]x ##[set-output name=a]b', [])).toBe(
      'text ## [error]x ## [set-output name=a]b'
    )
    expect(safeLine('##[group]x', [])).toBe('## [group]x')
  })

  it('cleans too', () => {
    expect(safeLine(`${TOKEN}\n::x https://u:p@h/`, [TOKEN])).toBe('*** ::x https://***@h/')
  })
})

describe('cleanDeep', () => {
  it('cleans every string, keys included, and keeps the shape', () => {
    const value = {
      name: TOKEN,
      [TOKEN]: [1, null, { repo: 'https://u:p@h/x', ok: true }],
      __proto__key: 'x'
    }
    expect(cleanDeep(value, [TOKEN])).toEqual({
      name: '***',
      '***': [1, null, { repo: 'https://***@h/x', ok: true }],
      __proto__key: 'x'
    })
  })
})
