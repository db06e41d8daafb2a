import { describe, it, expect } from '@jest/globals'
import { parse as yamlParse } from 'yaml'
import { readDataMapping, readStringMapping } from '../../src/action/inputs/yaml-mapping.js'

// Async, as the tests read a rejection: the readers throw.
const parseStringMapping = async (text: string) => readStringMapping(text)
const parseDataMapping = async (text: string) => readDataMapping(text)

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
    [
      String.raw`A: "\0\a\b\t\n\v\f\r\e\ \"\/\\\N\_\L\P\x41\U0001F600"`,
      '\0\x07\b\t\n\v\f\r\x1b "/\\\x85\xa0\u2028\u2029A\u{1F600}'
    ],
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

  it('takes a key with the non-specific tag `!` as written', async () => {
    expect(await parseStringMapping('! k: v')).toEqual({ k: 'v' })
    expect(await parseDataMapping('{! a: 1}')).toEqual({ a: 1 })
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
    ['A: 1\nA: 2', /^key "A" appears more than once at line 2, column 1$/],
    ['{"A": 1, "A": 2}', /^key "A" appears more than once at line 1, column 11$/],
    ['1: a\n"1": b', /key "1" appears more than once/],
    ['- a\n- b', /it is a list, not a mapping/],
    ['just text', /it is a string, not a mapping/],
    ['42', /it is a number, not a mapping/],
    ['~', /it is an empty value, not a mapping/],
    ['"": x', /keys must be non-empty strings; found an empty key at line 1, column 2$/],
    [': x', /keys must be non-empty strings; found an empty key at line 1, column 1$/],
    ['? [a]\n: 1', /keys must be strings; found a list as a key at line 1, column 1$/],
    ['*a : 1', /the alias \*a has no anchor &a before it/],
    ['A: "unterminated', /not valid YAML or JSON/],
    ['{"A": 1', /not valid YAML or JSON/],
    ['A: 1\n---\nB: 2', /^not valid YAML or JSON: it holds more than one document \(a --- line\)$/],
    ['A: b: c', /^not valid YAML or JSON: bad indentation of a mapping entry at line 1, column 5$/],
    ['A:\n\tB: 1', /tab characters must not be used in indentation at line 2, column 1 \(this/],
    ['\tA: 1', /at line 1, column 3 \(this line is indented with a tab: indent with spaces\)$/]
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
    ['a: 1\na: 2', /key "a" appears more than once at line 2, column 1/],
    ['a:\n  b: 1\n  b: 2', /key "b" appears more than once at line 3, column 3/],
    ['a:\n  ? [x]\n  : 1', /keys must be strings; found a list as a key at line \d+/],
    ['a:\n  - 1: x\n    "1": y', /key "1" appears more than once at line 3/],
    ['{"a": ', /not valid YAML or JSON/]
  ])('%j -> %s', async (text, message) => {
    await expect(parseDataMapping(text)).rejects.toThrow(message)
  })
})

describe('parseDataMapping: values by the YAML 1.2 core schema, as the yaml package read them', () => {
  // The action read mappings with the `yaml` package before; its core schema is the reference.
  const scalars = [
    ...['3', '-0', '+12', '007', '0o17', '0o8', '0x1F', '+0x10', '0b11', '1_000'],
    ...['12345678901234567890', '9'.repeat(400), '1.0', '1.', '.5', '+.5', '-1.5e3', '1e400'],
    ...['.inf', '-.Inf', '+.INF', '.nan', '.NaN', '-.nan', '.', '1e', '1e+'],
    ...['true', 'True', 'TRUE', 'tRUE', 'false', 'yes', 'on', 'null', 'Null', 'NULL', 'nULL'],
    ...['~', '', '2024-01-01', 'x1', '"3"', "'true'", '"~"']
  ]
  it.each(scalars)('A: %s', async scalar => {
    const expected = (yamlParse(`A: ${scalar}`) as { A: unknown }).A
    if (typeof expected === 'number' && !Number.isFinite(expected)) {
      // .inf, .nan, 1e400: no JSON number holds them (JSON.stringify would send null): refused.
      await expect(parseDataMapping(`A: ${scalar}`)).rejects.toThrow(
        'the value of "A" is a number JSON cannot hold (infinite, not a number, or too large), so it would be sent as null; quote it to send it as text at line 1, column 1'
      )
    } else {
      expect((await parseDataMapping(`A: ${scalar}`)).A).toStrictEqual(expected)
    }
  })

  it('refuses such a number anywhere, also behind a tag; as text it is kept', async () => {
    for (const text of ['a:\n  b: [1, -.inf]', 'a: !!float .nan', 'a: {b: 1e999}'])
      await expect(parseDataMapping(text)).rejects.toThrow(/a number JSON cannot hold/)
    expect(await parseDataMapping('a: ".inf"\nb: !!str .nan')).toEqual({ a: '.inf', b: '.nan' })
  })

  it('keeps keys as written, as string mappings do (not the key read as a number or null)', async () => {
    expect(await parseDataMapping('1.0: a\n0x10: b\n~: c\nNULL: d\ntrue: e')).toEqual({
      '1.0': 'a',
      '0x10': 'b',
      '~': 'c',
      NULL: 'd',
      true: 'e'
    })
  })

  it('keeps __proto__ as an own property, at any depth', async () => {
    const data = await parseDataMapping('__proto__: {polluted: 1}\na:\n  - __proto__: x')
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(JSON.stringify(data)).toBe('{"__proto__":{"polluted":1},"a":[{"__proto__":"x"}]}')
  })

  it('reads YAML 1.2 only', async () => {
    expect(await parseDataMapping('%YAML 1.2\n---\na: yes')).toEqual({ a: 'yes' })
    await expect(parseDataMapping('%YAML 1.1\n---\na: yes')).rejects.toThrow(
      /^it asks for YAML 1\.1 \(a %YAML line\); it is read as YAML 1\.2 only$/
    )
  })
})

describe('tags', () => {
  it('in a string mapping, a tag does not change the text (only !!null on a null form is empty)', async () => {
    expect(
      await parseStringMapping(
        'A: !!binary aGk=\nB: !!int 0x10\nC: !custom x\nD: !!null ~\nE: !!null x\nF: !!str ~\nG: ! 12'
      )
    ).toEqual({ A: 'aGk=', B: '0x10', C: 'x', D: '', E: 'x', F: '~', G: '12' })
  })

  it('in a data mapping, the core tags give plain JSON values when they fit', async () => {
    expect(
      await parseDataMapping(
        'a: !!int 0x10\nb: !!str 12\nc: ! 12\nd: !!float 1\ne: !!bool "true"\nf: !!null\ng: !!map {x: 1}\nh: !!seq [1]\n!!str 1: i'
      )
    ).toStrictEqual({
      a: 16,
      b: '12',
      c: '12',
      d: 1,
      e: true,
      f: null,
      g: { x: 1 },
      h: [1],
      1: 'i'
    })
  })

  it.each([
    ['a: !!binary aGk=', /the tag "!!binary" is not supported here .* at line 1, column 4$/],
    ['a: !!timestamp 2024-01-01', /the tag "!!timestamp" is not supported/],
    ['a: !!set {x, y}', /the tag "!!set" is not supported/],
    ['a: !!omap [x: 1]', /the tag "!!omap" is not supported/],
    ['a: !custom {x: 1}', /the tag "!custom" is not supported/],
    ['%TAG !e! tag:example.com,2000:\n---\na: !e!x 1', /the tag "tag:example.com,2000:x"/],
    ['!!binary aGk=: 1', /the tag "!!binary" is not supported/],
    ['a: !!int x', /the tag !!int does not fit its value at line 1, column 4$/],
    ['a: !!null x', /the tag !!null does not fit its value/],
    ['a: !!str [x]', /the tag "!!str" is not supported here/],
    ['a: !!seq {x: 1}', /the tag "!!seq" is not supported here/],
    ['a: !! x', /the tag "!!" is not supported here .* at line 1, column 4$/]
  ])('in a data mapping, %j is refused', async (text, message) => {
    await expect(parseDataMapping(text)).rejects.toThrow(message)
  })
})

describe('aliases', () => {
  const uses = (n: number): string =>
    `a: &a x\n${Array.from({ length: n }, (_, i) => `b${i}: *a`).join('\n')}`

  it('resolve in both kinds of mapping', async () => {
    expect(await parseStringMapping(uses(2))).toEqual({ a: 'x', b0: 'x', b1: 'x' })
    expect(await parseDataMapping('a: &l [1, {b: 2}]\nc: *l')).toEqual({
      a: [1, { b: 2 }],
      c: [1, { b: 2 }]
    })
  })

  it('an anchor may be used 99 times, not 100', async () => {
    await expect(parseDataMapping(uses(99))).resolves.toBeDefined()
    await expect(parseStringMapping(uses(99))).resolves.toBeDefined()
    const bomb =
      /^more than 99 aliases: refused as a resource exhaustion attack \(alias bomb\) at line 101, column 7$/
    await expect(parseDataMapping(uses(100))).rejects.toThrow(bomb)
    await expect(parseStringMapping(uses(100))).rejects.toThrow(bomb)
  })

  it('refuses a tree of few aliases that expands to more than 100,000 values (an alias bomb)', async () => {
    const tree = (leaves: string): string => {
      const levels = [`a: &a [${leaves}]`]
      for (const name of 'bcde') {
        const previous = String.fromCharCode(name.charCodeAt(0) - 1)
        levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`)
      }
      return levels.join('\n')
    }
    // 40 aliases: a holds 10 values and 1 list (11), b 111, c 1,111, d 11,111, e 111,111.
    await expect(parseDataMapping(tree(Array(10).fill('[]').join(', ')))).rejects.toThrow(
      /^the aliases expand to more than 100000 values: refused as an alias bomb at line 5, column 45$/
    )
    // The same with a holding 7 values: e holds 81,111, the whole document 90,123.
    const data = await parseDataMapping(tree(Array(7).fill('x').join(', ')))
    expect(JSON.stringify(data).length).toBeGreaterThan(100_000)
  })

  it('refuses an alias inside the node it stands for', async () => {
    await expect(parseDataMapping('a: &a [1, *a]')).rejects.toThrow(
      /^the alias \*a is inside the node it stands for: a loop at line 1, column 12$/
    )
    await expect(parseDataMapping('a: &a {b: *a}')).rejects.toThrow(/a loop/)
  })

  it('refuses an alias with no anchor before it (the old string mappings read it as "")', async () => {
    const message = /^the alias \*nope has no anchor &nope before it at line 1, column 5$/
    await expect(parseStringMapping('A: *nope')).rejects.toThrow(message)
    await expect(parseDataMapping('A: *nope')).rejects.toThrow(message)
    await expect(parseStringMapping('A: *b\nB: &b x')).rejects.toThrow(/has no anchor &b before/)
  })
})

describe('documents', () => {
  it.each([
    ['---', /^it is an empty value, not a mapping/],
    ['A: 1\n...\nB: 2', /^not valid YAML or JSON: it holds more than one document \(a --- line\)$/],
    ['A: 1\n---\nB: 2', /^not valid YAML or JSON: it holds more than one document \(a --- line\)$/]
  ])('%j -> %s', async (text, message) => {
    await expect(parseStringMapping(text)).rejects.toThrow(message)
    await expect(parseDataMapping(text)).rejects.toThrow(message)
  })

  it('reads a document that starts with --- or ends with ...', async () => {
    expect(await parseStringMapping('---\nA: 1\n...\n')).toEqual({ A: '1' })
    expect(await parseStringMapping('%YAML 1.2\n--- {A: 1}')).toEqual({ A: '1' })
  })

  it('reads compact forms YAML allows', async () => {
    expect(await parseDataMapping('a:\n- b: 1\n  c: 2\n- - x\n  - y\n? k\n: &m d: 3')).toEqual({
      a: [{ b: 1, c: 2 }, ['x', 'y']],
      k: { d: 3 }
    })
  })
})

describe('limits and messages', () => {
  it('refuses nesting deeper than 100', async () => {
    await expect(parseDataMapping(`a: ${'['.repeat(99)}${']'.repeat(99)}`)).resolves.toBeDefined()
    await expect(parseDataMapping(`a: ${'['.repeat(100)}${']'.repeat(100)}`)).rejects.toThrow(
      /^not valid YAML or JSON: nesting exceeded maxDepth \(100\) at line 1/
    )
  })

  it('says that a closing bracket under its key is too little indented (the yaml package let it be)', async () => {
    await expect(parseDataMapping('list: [\n  1\n]')).rejects.toThrow(
      /^not valid YAML or JSON: deficient indentation at line 3, column 1 \(a closing \] or \} must be indented more than the key it belongs to\)$/
    )
    expect(await parseDataMapping('list: [\n  1\n ]')).toEqual({ list: [1] })
    expect(await parseDataMapping('{\n  "list": [\n    1\n  ]\n}')).toEqual({ list: [1] })
  })

  it.each([
    'A: "secret-value',
    'A: "secret\\q-value"',
    'A: secret-value\n- x',
    'A: [secret-value',
    'A: secret-value\n B: x'
  ])('does not quote the text in the message for %j', async text => {
    const error = await parseStringMapping(text).catch((caught: Error) => caught)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).not.toMatch(/secret|\n/)
    expect((error as Error).message).toMatch(/ at line \d+, column \d+/)
  })
})
