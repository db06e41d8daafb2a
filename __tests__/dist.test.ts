// The built bundle (dist/) as Node loads it. dist/index.js is CommonJS; an import() in it would start
// Node's ES module loader and its CommonJS export lexer on every run that reaches it (about +80 ms and
// +10 MiB, README "Performance"): split chunks are loaded with require(). The files are parsed with
// the TypeScript parser rather than searched as text, since minified code may hold "import(" inside
// a string and may write a call in any spacing.
import { describe, it, expect } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { builtinModules, createRequire } from 'node:module'
import { join } from 'node:path'
import ts from 'typescript'
import { ROOT } from '../simulator/runner.js'

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
      'async function q(e){let t=await import("./yaml.js"),n=await import ( `./b.js` );' +
      'const s="await import(\'./c.js\')";/* import("./d.js") */return import(e)}' +
      'var D=M((l,j)=>{j.exports=require("./yaml.js")});'
    expect(loadsIn(code)).toEqual([
      { kind: 'import()', target: './yaml.js', literal: true },
      { kind: 'import()', target: './b.js', literal: true },
      { kind: 'import()', target: 'e', literal: false },
      { kind: 'require', target: './yaml.js', literal: true }
    ])
  })
})

describe('dist/', () => {
  it('has the entry and the YAML chunk', () => {
    expect(bundles).toEqual(expect.arrayContaining(['index.js', 'yaml.js']))
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

  it('the YAML chunk has every yaml function the sources use', () => {
    const used = new Set<string>()
    const walk = (dir: string): void => {
      for (const f of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, f.name)
        if (f.isDirectory()) walk(path)
        else if (f.name.endsWith('.ts')) {
          const text = readFileSync(path, 'utf8')
          if (text.includes("import('yaml')") || text.includes("from 'yaml'"))
            for (const m of text.matchAll(/\byaml\.(\w+)\b/g)) used.add(m[1])
        }
      }
    }
    walk(join(ROOT, 'src'))
    expect(used.size).toBeGreaterThan(0)
    const chunk = createRequire(import.meta.url)(join(DIST, 'yaml.js')) as Record<string, unknown>
    const missing = [...used].filter(name => typeof chunk[name] !== 'function')
    expect(missing).toEqual([])
  })

  // The chunk is built from yaml's ES module build, tree-shaken (scripts/build.mjs); the sources are
  // tested against the package's CommonJS build. Both must read every text alike.
  it.each([
    'A: 3\nB: 1.0\nC: 0x10\nD: +12\nE: 1e3\nF: .inf\nG: 007\nH: 12345678901234567890',
    'A: false\nB: True\nC: ~\nD: null\nE:\nF: ""\nG: yes\nH: 2024-01-01',
    'A: "a: b"\nB: \'it\'\'s\'\nC: "\\u00e9t\\u00e9"\nD: !!str 12\nE: 1 # note',
    'A: |\n  line 1\n  line 2\nB: >-\n  folded\n  text\nC: ${{ secrets.X }}',
    '{"A": 1.0, "B": 10, "C": true, "D": null, "E": "a\\nb"}',
    '{A: 1.0}',
    'b: 1\n1.0: 2\n"quoted key": 3\ntrue: 4\nhttps://codeup.aliyun.com/o/r.git: main',
    '__proto__: x\nB: y',
    'A: &v 1.0\nB: *v\nC: &m {x: 1}\nD: *m',
    'a:\n  b: [1, two, {c: null}]\nd: ~',
    '# nothing here\n',
    '',
    'A:\n  - 1\n? [a]\n: 1',
    'A: 1\nA: 2',
    '{"A": 1, "A": 2}',
    '- a\n- b',
    'just text',
    'A: "unterminated',
    '{"A": 1',
    'A: 1\n---\nB: 2',
    'A: b: c',
    '\tA: 1',
    'A: !unknown x\nB: !!binary aGk=\nC: !!binary "@@ not base64"'
  ])('the YAML chunk reads %j as the yaml package does', text => {
    const load = createRequire(import.meta.url)
    const view = (y: typeof import('yaml')): unknown => {
      const doc = y.parseDocument(text, { prettyErrors: true, uniqueKeys: true })
      const nodes: unknown[] = []
      const walk = (node: unknown): void => {
        if (y.isScalar(node))
          nodes.push(['scalar', node.value, node.source, node.type, node.tag, node.range])
        else if (y.isAlias(node)) nodes.push(['alias', node.source])
        else if (y.isMap(node) || y.isSeq(node)) {
          nodes.push([y.isMap(node) ? 'map' : 'seq', node.range, node.flow])
          for (const item of node.items as unknown[]) {
            if (y.isMap(node)) {
              walk((item as { key: unknown }).key)
              walk((item as { value: unknown }).value)
            } else walk(item)
          }
        } else nodes.push(['other', node === null ? null : typeof node])
      }
      walk(doc.contents)
      let js: unknown
      try {
        js = JSON.stringify(doc.toJS({ maxAliasCount: 100 }))
      } catch (error) {
        js = `throws ${(error as Error).message}`
      }
      return {
        errors: doc.errors.map(e => [e.code, e.message]),
        warnings: doc.warnings.map(e => [e.code, e.message]),
        nodes,
        js
      }
    }
    expect(view(load(join(DIST, 'yaml.js')))).toEqual(view(load('yaml')))
  })

  it('index.js loads the YAML chunk with require("./yaml.js")', () => {
    const loads = loadsIn(readFileSync(join(DIST, 'index.js'), 'utf8'))
    expect(loads).toContainEqual({ kind: 'require', target: './yaml.js', literal: true })
  })
})
