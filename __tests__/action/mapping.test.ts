import { describe, it, expect } from '@jest/globals'
import { parseDataMapping, parseStringMapping, setOwn } from '../../src/action/mapping.js'

describe('parseStringMapping: scalar values become strings as written', () => {
  it.each([
    ['A: 3', '3'],
    ['A: 1.0', '1.0'],
    ['A: 1.50', '1.50'],
    ['A: 0x10', '0x10'],
    ['A: 0o14', '0o14'],
    ['A: +12', '+12'],
    ['A: 1e3', '1e3'],
    ['A: .inf', '.inf'],
    ['A: .NaN', '.NaN'],
    ['A: 007', '007'],
    ['A: 12345678901234567890', '12345678901234567890'],
    ['A: false', 'false'],
    ['A: True', 'True'],
    ['A: ~', ''],
    ['A: null', ''],
    ['A: Null', ''],
    ['A:', ''],
    ['A: ""', ''],
    ["A: ''", ''],
    ['A: plain text', 'plain text'],
    ['A: 2024-01-01', '2024-01-01'],
    ['A: "a: b"', 'a: b'],
    ["A: 'it''s'", "it's"],
    ['A: "\\u00e9t\\u00e9"', 'été'],
    ['A: "3"', '3'],
    ['A: !!str 12', '12'],
    ['A: yes', 'yes'],
    ['A: 1 # a comment', '1'],
    ['A: |\n  line 1\n  line 2\n', 'line 1\nline 2\n'],
    ['A: |-\n  line 1\n  line 2\n', 'line 1\nline 2'],
    ['A: >-\n  folded\n  text\n', 'folded text'],
    ['A: ${{ secrets.X }}', '${{ secrets.X }}'],
    ['{"A": 1.0}', '1.0'],
    ['{"A": 10}', '10'],
    ['{"A": true}', 'true'],
    ['{"A": null}', ''],
    ['{"A": "x"}', 'x'],
    ['{"A": "a\\nb"}', 'a\nb'],
    ['{A: 1.0}', '1.0']
  ])('%j -> A = %j', async (text, value) => {
    expect(await parseStringMapping(text)).toEqual({ A: value })
  })
})

describe('parseStringMapping: keys', () => {
  it('keeps keys as written, in order (JS puts integer-like keys first, as for any object)', async () => {
    const mapping = await parseStringMapping(
      'b: 1\n1.0: 2\n"quoted key": 3\ntrue: 4\nhttps://codeup.aliyun.com/o/r.git: main'
    )
    expect(Object.keys(mapping)).toEqual([
      'b',
      '1.0',
      'quoted key',
      'true',
      'https://codeup.aliyun.com/o/r.git'
    ])
    expect(mapping['https://codeup.aliyun.com/o/r.git']).toBe('main')
  })

  it('keeps a __proto__ key as an own property instead of changing the prototype', async () => {
    const mapping = await parseStringMapping('__proto__: x\nB: y')
    expect(Object.getPrototypeOf(mapping)).toBe(Object.prototype)
    expect(Object.keys(mapping)).toEqual(['__proto__', 'B'])
    expect(JSON.stringify(mapping)).toBe('{"__proto__":"x","B":"y"}')
  })

  it('resolves aliases to scalars', async () => {
    expect(await parseStringMapping('A: &v 1.0\nB: *v')).toEqual({ A: '1.0', B: '1.0' })
  })

  it('gives {} for empty or comment-only text', async () => {
    expect(await parseStringMapping('')).toEqual({})
    expect(await parseStringMapping('# nothing here\n')).toEqual({})
    expect(await parseStringMapping('{}')).toEqual({})
  })
})

describe('parseStringMapping: keys as written', () => {
  it('keeps NULL, ~, null, true, 1 and 0x10 as keys, as written in the source', async () => {
    expect(await parseStringMapping('NULL: a\n~: b\nnull: c\ntrue: d\n1: e\n0x10: f')).toEqual({
      NULL: 'a',
      '~': 'b',
      null: 'c',
      true: 'd',
      '1': 'e',
      '0x10': 'f'
    })
  })

  it('still says which key is repeated when two are written alike', async () => {
    await expect(parseStringMapping('NULL: a\n"NULL": b')).rejects.toThrow(
      /key "NULL" appears more than once/
    )
  })
})

describe('parseStringMapping: errors', () => {
  it.each([
    ['A:\n  B: 1', /the value of "A" is a mapping, not a single value/],
    ['A: [1, 2]', /the value of "A" is a list/],
    ['A:\n  - 1', /the value of "A" is a list/],
    ['{"A": {"B": 1}}', /the value of "A" is a mapping/],
    ['A: &m {x: 1}\nB: *m', /the value of "A" is a mapping/],
    ['A: 1\nA: 2', /not valid YAML or JSON: Map keys must be unique/],
    ['{"A": 1, "A": 2}', /Map keys must be unique/],
    ['1: a\n"1": b', /key "1" appears more than once/],
    ['- a\n- b', /it is a list, not a mapping/],
    ['just text', /it is a string, not a mapping/],
    ['42', /it is a number, not a mapping/],
    ['~', /it is an empty value, not a mapping/],
    ['"": x', /keys must be non-empty strings; found an empty key/],
    [': x', /keys must be non-empty strings; found an empty key/],
    ['? [a]\n: 1', /keys must be strings; found a list as a key/],
    ['A: "unterminated', /not valid YAML or JSON/],
    ['{"A": 1', /not valid YAML or JSON/],
    [
      'A: 1\n---\nB: 2',
      /not valid YAML or JSON: it holds more than one document \(a --- line\) at line 2, column 1$/
    ],
    ['A: b: c', /not valid YAML or JSON: Nested mappings are not allowed .* at line 1, column 4$/],
    ['\tA: 1', /Tabs are not allowed as indentation at line 1, column 1$/]
  ])('%j -> %s', async (text, message) => {
    await expect(parseStringMapping(text)).rejects.toThrow(message)
  })

  it('keeps the YAML error to its first line (no code frame repeating the source)', async () => {
    const error = await parseStringMapping('A: "secret-value').catch((caught: Error) => caught)
    expect((error as Error).message).not.toContain('\n')
    expect((error as Error).message).not.toContain('secret-value')
  })
})

describe('parseDataMapping', () => {
  it('reads nested JSON or YAML as plain data', async () => {
    expect(
      await parseDataMapping('{"releaseBranch": "release/1", "needCreateBranch": true, "n": 1.5}')
    ).toEqual({
      releaseBranch: 'release/1',
      needCreateBranch: true,
      n: 1.5
    })
    expect(await parseDataMapping('a:\n  b: [1, two, {c: null}]\nd: ~')).toEqual({
      a: { b: [1, 'two', { c: null }] },
      d: null
    })
  })

  it('keeps key order', async () => {
    expect(Object.keys(await parseDataMapping('z: 1\na: 2\nm: 3'))).toEqual(['z', 'a', 'm'])
  })

  it('gives {} for empty text', async () => {
    expect(await parseDataMapping('# none')).toEqual({})
  })

  it.each([
    ['[1, 2]', /it is a list, not a mapping/],
    ['"text"', /it is a string, not a mapping/],
    ['a: 1\na: 2', /Map keys must be unique/],
    ['a:\n  b: 1\n  b: 2', /Map keys must be unique/],
    ['a:\n  ? [x]\n  : 1', /keys must be strings; found a list as a key \(under "a"\)/],
    ['a:\n  - 1: x\n    "1": y', /key "1" appears more than once \(under "a\[0\]"\)/],
    ['{"a": ', /not valid YAML or JSON/]
  ])('%j -> %s', async (text, message) => {
    await expect(parseDataMapping(text)).rejects.toThrow(message)
  })
})

describe('setOwn', () => {
  it('defines __proto__ as data, leaving the prototype alone', () => {
    const target: Record<string, unknown> = {}
    setOwn(target, '__proto__', { polluted: true })
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(JSON.stringify(target)).toBe('{"__proto__":{"polluted":true}}')
  })
})
