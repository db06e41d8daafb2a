// The built bundle (dist/) as Node loads it. dist/index.js is CommonJS; an import() in it would start
// Node's ES module loader and its CommonJS export lexer on every run that reaches it (about +80 ms and
// +10 MiB): the post step's work is loaded with require(). The files are parsed with
// the TypeScript parser rather than searched as text, since minified code may hold "import(" inside
// a string and may write a call in any spacing.
import { beforeAll, describe, it, expect } from '@jest/globals'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { builtinModules, createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { build } from 'esbuild'
import ts from 'typescript'
import { COMMON } from '../scripts/esbuild-options.js'
import { ROOT, actionEntries, runStep } from '../simulator/runner.js'
import { escapeData } from '../src/action/output/commands.js'
import { oneLine } from '../src/common/logger.js'

const DIST = join(ROOT, 'dist')

interface Load {
  kind: 'import()' | 'require'
  /** The argument as written (a string literal's value, or the expression's text). */
  target: string
  literal: boolean
}

/** Every dynamic import() and every require(...) call in a JavaScript text. */
export function loadsIn(code: string): Load[] {
  const file = ts.createSourceFile('x.js', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS)
  const found: Load[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require'
      if (isImport || isRequire) {
        const arg = node.arguments[0]
        const literal = !!arg && ts.isStringLiteralLike(arg)
        found.push({
          kind: isImport ? 'import()' : 'require',
          target: arg ? (literal ? arg.text : arg.getText(file)) : '',
          literal
        })
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(file)
  return found
}

const bundles = readdirSync(DIST).filter(f => f.endsWith('.js'))

describe('the detector', () => {
  it('finds import() in minified code, in any spacing, and not in strings or comments', () => {
    const code =
      'async function q(e){let t=await import("./yaml-mapping.js"),n=await import ( `./b.js` );' +
      'const s="await import(\'./c.js\')";/* import("./d.js") */return import(e)}' +
      'var D=M((l,j)=>{j.exports=require("./yaml-mapping.js")});'
    expect(loadsIn(code)).toEqual([
      { kind: 'import()', target: './yaml-mapping.js', literal: true },
      { kind: 'import()', target: './b.js', literal: true },
      { kind: 'import()', target: 'e', literal: false },
      { kind: 'require', target: './yaml-mapping.js', literal: true }
    ])
  })
})

describe('dist/', () => {
  it("has action.yml's entries", () => {
    const { main, post } = actionEntries()
    expect([main, post]).toEqual([join(DIST, 'index.js'), join(DIST, 'post.js')])
    expect(bundles).toEqual(expect.arrayContaining(['index.js', 'post.js']))
  })

  it("bundles exactly package.json's dependencies, at their versions (dist/licenses.txt lists them)", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>
    }
    const listed = readFileSync(join(DIST, 'licenses.txt'), 'utf8')
      .split('\n')
      .map(line => line.match(/^((?:@[\w.-]+\/)?[\w.-]+)@(\d\S*)$/))
      .filter(m => m !== null)
      .map(m => `${m[1]}@${m[2]}`)
    const wanted = Object.entries(pkg.dependencies).map(([name, version]) => `${name}@${version}`)
    expect(listed.sort()).toEqual(wanted.sort())
  })

  it("holds the main step, the post step, the post step's work and js-yaml, nothing else to run", () => {
    expect(bundles.sort()).toEqual(['index.js', 'js-yaml.js', 'post-work.js', 'post.js'])
  })

  it.each(bundles)('%s has no dynamic import()', name => {
    const imports = loadsIn(readFileSync(join(DIST, name), 'utf8')).filter(
      l => l.kind === 'import()'
    )
    expect(imports).toEqual([])
  })

  it.each(bundles)('%s requires only Node built-ins and files that exist in dist/', name => {
    const requires = loadsIn(readFileSync(join(DIST, name), 'utf8')).filter(
      l => l.kind === 'require'
    )
    const bad = requires.filter(
      r =>
        !r.literal ||
        (r.target.startsWith('.')
          ? !existsSync(join(DIST, r.target))
          : !builtinModules.includes(r.target.replace(/^node:/, '')))
    )
    expect(bad).toEqual([])
  })
})

// The YAML reading is src/action/inputs/yaml-mapping.ts, bundled into dist/index.js (CommonJS,
// minified), with js-yaml as published in dist/js-yaml.js. Bundled and as sources, it must read every
// text alike: checked here on a bundle of yaml-mapping.ts made with the build's options, and through
// dist/index.js itself.
describe('the YAML reading as bundled', () => {
  type Reading = typeof import('../src/action/inputs/yaml-mapping.js')
  let bundled: Reading
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yaml-bundle-'))
    try {
      const file = join(dir, 'yaml-mapping.cjs')
      // As the build bundles it (the same options), as a module of its own.
      await build({
        ...COMMON,
        entryPoints: [join(ROOT, 'src/action/inputs/yaml-mapping.ts')],
        outfile: file,
        metafile: false,
        logLevel: 'error'
      })
      bundled = createRequire(import.meta.url)(file) as Reading
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  const TEXTS = [
    'A: 3\nB: 1.0\nC: 0x10\nD: +12\nE: 1e3\nF: .inf\nG: 007\nH: 12345678901234567890',
    'A: false\nB: True\nC: ~\nD: null\nE:\nF: ""\nG: yes\nH: 2024-01-01',
    'A: "a: b"\nB: \'it\'\'s\'\nC: "\\u00e9t\\u00e9"\nD: !!str 12\nE: 1 # note',
    'A: |\n  line 1\n  line 2\nB: >-\n  folded\n  text\nC: ${{ secrets.X }}\nD: |+\n  kept\n\n',
    '{"A": 1.0, "B": 10, "C": true, "D": null, "E": "a\\nb"}',
    String.raw`A: "\0\a\b\t\n\v\f\r\e\ \"\/\\\N\_\L\P\x41\u00e9\U0001F600"`,
    String.raw`A: "\q"`,
    '{A: 1.0}',
    'b: 1\n1.0: 2\n"quoted key": 3\ntrue: 4\nhttps://codeup.aliyun.com/o/r.git: main',
    '__proto__: x\nB: y',
    'A: &v 1.0\nB: *v\nC: &m {x: 1}\nD: *m',
    'a:\n  b: [1, two, {c: null}]\nd: ~',
    '# nothing here\n',
    '',
    '---',
    '...',
    'A:\n  - 1\n? [a]\n: 1',
    'A: 1\nA: 2',
    '{"A": 1, "A": 2}',
    '- a\n- b',
    'just text',
    'A: "unterminated',
    'A: "bad \\q escape"',
    '{"A": 1',
    'A: 1\n---\nB: 2',
    'A: 1\n...\nB: 2',
    'A: b: c',
    '\tA: 1',
    'A:\n\tB: 1',
    'list: [\n  1\n]',
    'b: &a a: c',
    'a:\n- {} b: 1',
    '%YAML 1.1\n---\nA: 1',
    '%TAG !e! tag:example.com,2000:\n---\nA: !e!x 1',
    'A: !unknown x\nB: !!binary aGk=\nC: !!binary "@@ not base64"',
    'A: !!timestamp 2024-01-01\nB: !!set {x}\nC: !!int 12\nD: !!int x',
    `a: &a x\n${Array.from({ length: 100 }, (_, i) => `b${i}: *a`).join('\n')}`,
    'a: &a [1, *a]',
    'A: *nope',
    `a: ${'['.repeat(101)}${']'.repeat(101)}`
  ]
  const view = (read: (text: string) => unknown, text: string): unknown => {
    try {
      return { value: read(text) }
    } catch (error) {
      return { error: (error as Error).message }
    }
  }

  it('has what mapping.ts takes from it', () => {
    const source = readFileSync(join(ROOT, 'src/action/inputs/mapping.ts'), 'utf8')
    const taken = [...source.matchAll(/yaml\.(read\w+)\(/g)]
    expect(taken.map(m => m[1]).sort()).toEqual(['readDataMapping', 'readStringMapping'])
    for (const [, name] of taken) expect(typeof bundled[name as keyof Reading]).toBe('function')
  })

  it.each(TEXTS)('reads %j as the sources do', async text => {
    const source = await import('../src/action/inputs/yaml-mapping.js')
    for (const name of ['readStringMapping', 'readDataMapping'] as const) {
      expect(view(bundled[name], text)).toStrictEqual(view(source[name], text))
    }
  })

  it('no tag makes it build anything but text (a string mapping) or refuse (data)', () => {
    const text = 'A: !!binary aGk=\nB: !!timestamp 2024-01-01\nC: !!js/function "() => 1"\nD: !x y'
    expect(bundled.readStringMapping(text)).toStrictEqual({
      A: 'aGk=',
      B: '2024-01-01',
      C: '() => 1',
      D: 'y'
    })
    for (const line of text.split('\n')) {
      expect(() => bundled.readDataMapping(line)).toThrow(/is not supported here/)
    }
  })

  it('dist/index.js holds the reading and requires js-yaml from dist/js-yaml.js, which holds it', () => {
    const index = readFileSync(join(DIST, 'index.js'), 'utf8')
    const yaml = readFileSync(join(DIST, 'js-yaml.js'), 'utf8')
    // (Checked with includes: a failing toMatch would print the whole bundle.)
    const jsYamlText = 'end of the stream or a document separator is expected'
    expect([index.includes(jsYamlText), yaml.includes(jsYamlText)]).toEqual([false, true])
    expect(index.includes('refused as an alias bomb')).toBe(true)
    const ours = loadsIn(index).filter(l => l.target.startsWith('.'))
    expect([...new Set(ours.map(l => l.target))]).toEqual(['./js-yaml.js'])
    expect(loadsIn(yaml)).toEqual([])
  })

  /** dist/index.js with dry-run: nothing is sent. */
  const DRY_RUN = {
    token: 'pt-distYamlToken01',
    'organization-id': 'org',
    'pipeline-id': '1',
    'dry-run': 'true'
  }

  // What a start parses: a plain trigger never loads dist/js-yaml.js (docs/performance.md), a
  // mapping input does. The files Node loaded are read from require.cache as the process exits.
  it.each([
    { name: 'a plain trigger', extra: {}, loads: false },
    { name: 'envs', extra: { envs: 'A: 1' }, loads: true },
    { name: 'params', extra: { params: '{"A": 1}' }, loads: true }
  ])('$name: dist/index.js loads dist/js-yaml.js: $loads', async ({ extra, loads }) => {
    const dir = mkdtempSync(join(tmpdir(), 'yaml-load-'))
    try {
      const [probe, out] = [join(dir, 'probe.cjs'), join(dir, 'loaded.json')]
      writeFileSync(
        probe,
        `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(Object.keys(require.cache))))`
      )
      const result = await runStep({
        inputs: { ...DRY_RUN, ...extra },
        env: { NODE_OPTIONS: `--require ${probe}` }
      })
      expect(result.code).toBe(0)
      const loaded = (JSON.parse(readFileSync(out, 'utf8')) as string[]).map(f => basename(f))
      expect(loaded).toContain('index.js')
      expect(loaded.includes('js-yaml.js')).toBe(loads)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  // dist/index.js itself, as the runner runs it (dry-run: nothing is sent): envs (a string mapping)
  // and params (data) read as the sources read them, or refused with the sources' words. (Inputs
  // are trimmed, as @actions/core's getInput trims them: src/action/inputs/inputs.ts.) The params sent
  // hold every key read, with its value: envs under `envs`, params at the top, beside what the
  // action adds of its own (a comment).
  const INPUTS = [
    { input: 'envs', reader: 'readStringMapping', sentOf: (p: Sent) => (p.envs ?? {}) as Sent },
    { input: 'params', reader: 'readDataMapping', sentOf: (p: Sent) => p }
  ] as const
  type Sent = Record<string, unknown>

  it.each(INPUTS.flatMap(how => TEXTS.map(text => ({ ...how, text }))))(
    '$input: $text, through dist/index.js',
    async ({ input, reader, sentOf, text }) => {
      const source = await import('../src/action/inputs/yaml-mapping.js')
      const expected = view(source[reader], text.trim()) as { value?: Sent; error?: string }
      const result = await runStep({ inputs: { ...DRY_RUN, [input]: text } })
      if (expected.error !== undefined) {
        expect(result.code).toBe(1)
        expect(result.stdout).toContain(`Input "${input}": ${escapeData(oneLine(expected.error))}`)
      } else {
        expect(result.code).toBe(0)
        const sent = sentOf(JSON.parse(result.outputs.params || '{}') as Sent)
        for (const [key, value] of Object.entries(expected.value ?? {}))
          expect([key, sent[key]]).toStrictEqual([key, value])
        if (input === 'envs') expect(Object.keys(sent)).toEqual(Object.keys(expected.value ?? {}))
      }
    }
  )
})
