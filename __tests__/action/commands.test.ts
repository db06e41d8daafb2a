// commands.ts: workflow commands and file commands (outputs, state) written without @actions/core,
// byte for byte as @actions/core writes them (it is a devDependency for this comparison only).
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '@actions/core'
import * as commands from '../../src/action/output/commands.js'
import { delimiterFor, fileCommand } from '../../src/action/output/commands.js'
import { parseCommandFile } from '../../simulator/runner.js'

let dir: string
let out: string[]
const saved = { output: process.env.GITHUB_OUTPUT, state: process.env.GITHUB_STATE }

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'commands-test-'))
  process.env.GITHUB_OUTPUT = join(dir, 'output')
  process.env.GITHUB_STATE = join(dir, 'state')
  writeFileSync(process.env.GITHUB_OUTPUT, '')
  writeFileSync(process.env.GITHUB_STATE, '')
  out = []
  jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    out.push(String(chunk))
    return true
  })
})

afterEach(() => {
  jest.restoreAllMocks()
  for (const [key, value] of [
    ['GITHUB_OUTPUT', saved.output],
    ['GITHUB_STATE', saved.state]
  ] as const) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  rmSync(dir, { recursive: true, force: true })
})

/** A Math.random stand-in giving these values in turn. */
function draws(...values: number[]): () => number {
  let i = 0
  return () => values[i++ % values.length]
}

describe('delimiterFor', () => {
  it('draws again while the delimiter appears in the value or the name', () => {
    const first = delimiterFor('a', 'b', draws(0.25, 0.5))
    const second = delimiterFor('a', 'b', draws(0.75, 0.125))
    expect(first).not.toBe(second)
    // The value holds the first candidate (as a line, as the runner would end the heredoc there).
    expect(delimiterFor('a', `x\n${first}\ny`, draws(0.25, 0.5, 0.75, 0.125))).toBe(second)
    expect(delimiterFor(`n${first}`, 'v', draws(0.25, 0.5, 0.75, 0.125))).toBe(second)
  })

  it('gives a different delimiter from one call to the next', () => {
    const seen = new Set(Array.from({ length: 50 }, () => delimiterFor('a', 'b')))
    expect(seen.size).toBe(50)
    for (const d of seen) expect(d).toMatch(/^ghadelimiter_[0-9a-z]{8,}$/)
  })
})

describe('fileCommand', () => {
  it('appends outputs and state as heredocs the runner reads back exactly', () => {
    const hostile = 'line 1\n::error::injected\nghadelimiter_\nname<<EOF\n%0A ${{ x }}\r\n'
    fileCommand('OUTPUT', 'params', hostile)
    fileCommand('OUTPUT', 'run-id', '42')
    fileCommand('STATE', 'run', '{"phase":"started"}')
    const outputs = parseCommandFile(readFileSync(process.env.GITHUB_OUTPUT!, 'utf8'))
    expect(outputs).toEqual({ params: hostile, 'run-id': '42' })
    expect(parseCommandFile(readFileSync(process.env.GITHUB_STATE!, 'utf8'))).toEqual({
      run: '{"phase":"started"}'
    })
    expect(out).toEqual([])
  })

  it('a value that holds the next delimiter cannot end its heredoc early', () => {
    // Whatever the value holds, the delimiter written is one it does not hold.
    const file = process.env.GITHUB_OUTPUT!
    const value = Array.from({ length: 20 }, () => delimiterFor('x', '')).join('\n')
    fileCommand('OUTPUT', 'x', value)
    const text = readFileSync(file, 'utf8')
    const delimiter = text.split('\n')[0].split('<<')[1]
    expect(value.includes(delimiter)).toBe(false)
    expect(parseCommandFile(text)).toEqual({ x: value })
  })

  it('without the runner file, falls back to the stdout command, escaped', () => {
    delete process.env.GITHUB_OUTPUT
    delete process.env.GITHUB_STATE
    fileCommand('OUTPUT', 'a:b,c', 'v\n%')
    fileCommand('STATE', 'run', 'x\ry')
    expect(out.join('')).toBe(
      '\n::set-output name=a%3Ab%2Cc::v%0A%25\n::save-state name=run::x%0Dy\n'
    )
  })

  it('throws, naming the path, when the runner file is missing', () => {
    const missing = join(dir, 'gone')
    process.env.GITHUB_STATE = missing
    expect(() => fileCommand('STATE', 'run', 'x')).toThrow(`Missing file at path: ${missing}`)
    expect(existsSync(missing)).toBe(false)
  })
})

describe('as @actions/core writes them', () => {
  // Texts a server or a user could send: line breaks of every kind, escapes already escaped, command
  // markers, property separators, non-ASCII, nothing at all.
  const texts = [
    'plain',
    '',
    'two\nlines\r\nand\rmore',
    '%0A already %25 escaped %',
    '::error::inside ::',
    'a:b,c=d',
    '云效 流水线 ✓ \u2028 \u0000',
    '##[error]old form'
  ]
  /** What `write` put on stdout, with `out` emptied for the next. */
  const said = (write: () => void): string => {
    out.length = 0
    write()
    return out.join('')
  }

  it.each(texts)('%j: every command, with and without a title', text => {
    const pairs: [() => void, () => void][] = [
      [() => commands.info(text), () => core.info(text)],
      [() => commands.debug(text), () => core.debug(text)],
      [() => commands.addMask(text), () => core.setSecret(text)],
      [() => commands.startGroup(text), () => core.startGroup(text)],
      [() => commands.endGroup(), () => core.endGroup()]
    ]
    for (const kind of ['notice', 'warning', 'error'] as const) {
      pairs.push([() => commands[kind](text), () => core[kind](text)])
      // (Never an empty title, nor an empty output name below: for those @actions/core writes a
      // stray space, `::notice ::text`, which the runner reads as the same command.)
      for (const title of [text || 'x', 'Yunxiao Flow run started'])
        pairs.push([() => commands[kind](text, { title }), () => core[kind](text, { title })])
    }
    for (const [ours, theirs] of pairs) expect(said(ours)).toBe(said(theirs))
  })

  it.each(texts)('%j: outputs and state without the runner file', text => {
    delete process.env.GITHUB_OUTPUT
    delete process.env.GITHUB_STATE
    for (const name of ['params', text || 'x']) {
      expect(said(() => fileCommand('OUTPUT', name, text))).toBe(
        said(() => core.setOutput(name, text))
      )
      expect(said(() => fileCommand('STATE', name, text))).toBe(
        said(() => core.saveState(name, text))
      )
    }
  })

  it.each(texts)('%j: outputs and state in the runner files read back alike', text => {
    const ours = { GITHUB_OUTPUT: join(dir, 'ours-output'), GITHUB_STATE: join(dir, 'ours-state') }
    const theirs = {
      GITHUB_OUTPUT: join(dir, 'core-output'),
      GITHUB_STATE: join(dir, 'core-state')
    }
    for (const files of [ours, theirs]) for (const f of Object.values(files)) writeFileSync(f, '')
    const name = text.replace(/[\s:,=%#]/g, '') || 'empty'
    Object.assign(process.env, ours)
    fileCommand('OUTPUT', name, text)
    fileCommand('STATE', name, text)
    Object.assign(process.env, theirs)
    core.setOutput(name, text)
    core.saveState(name, text)
    for (const kind of ['GITHUB_OUTPUT', 'GITHUB_STATE'] as const) {
      const read = (file: string) => parseCommandFile(readFileSync(file, 'utf8'))
      expect(read(ours[kind])).toEqual(read(theirs[kind]))
      expect(read(ours[kind])).toEqual({ [name]: text })
    }
    expect(out).toEqual([])
  })
})
