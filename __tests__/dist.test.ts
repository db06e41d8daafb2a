// The built bundle (dist/) as Node loads it. dist/index.js is CommonJS; an import() in it would start
// Node's ES module loader and its CommonJS export lexer on every run that reaches it (about +80 ms and
// +10 MiB, README "Performance"): split chunks are loaded with require(). The files are parsed with
// the TypeScript parser rather than searched as text, since minified code may hold "import(" inside
// a string and may write a call in any spacing.
import { describe, it, expect } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
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

  it('index.js loads the YAML chunk with require("./yaml.js")', () => {
    const loads = loadsIn(readFileSync(join(DIST, 'index.js'), 'utf8'))
    expect(loads).toContainEqual({ kind: 'require', target: './yaml.js', literal: true })
  })
})
