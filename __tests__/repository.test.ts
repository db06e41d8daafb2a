// The repository stands on its own: no file names a path outside it (a shared folder or a home
// directory on one machine), so a fresh clone has everything its files point to. The API notes
// live in docs/flow-openapi.md for that reason.
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** Not part of the repository: installed, generated or git's own. */
const SKIP = new Set(['node_modules', '.git', '.node24', 'coverage'])

// Written so that this file does not match them itself.
const OUTSIDE: Array<[RegExp, string]> = [
  [/\/wor[k]\//, 'a path under /work'],
  [/share[d]\/yunxiao/, 'the shared API notes (use docs/flow-openapi.md)'],
  [/\.\.\/share[d]\//, 'a shared folder beside the repository'],
  [/(?:^|[\s'"`(=])\/(?:hom[e]|User[s]|roo[t])\/[\w.-]+/, 'a home directory'],
  [/\b[A-Z]:\\\\?[Uu]ser[s]\\/, 'a Windows user directory']
]

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    if (SKIP.has(entry.name)) return []
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return filesUnder(path)
    return entry.isFile() ? [path] : []
  })
}

/** `file:line: what` for every line that names a path outside the repository. */
function outsidePaths(name: string, text: string): string[] {
  const found: string[] = []
  text.split('\n').forEach((line, i) => {
    for (const [pattern, what] of OUTSIDE) {
      if (pattern.test(line)) found.push(`${name}:${i + 1}: ${what}`)
    }
  })
  return found
}

describe('the repository', () => {
  const files = filesUnder(ROOT)

  it('is read whole: sources, tests, docs, workflows and dist', () => {
    const names = files.map(f => relative(ROOT, f))
    expect(names).toEqual(
      expect.arrayContaining([
        'README.md',
        'action.yml',
        'docs/flow-openapi.md',
        'simulator/flow-simulator.js',
        'src/flow/client.ts',
        'dist/index.js',
        '.github/workflows/ci.yml'
      ])
    )
  })

  it('names no path outside itself', () => {
    const found = files.flatMap(f => outsidePaths(relative(ROOT, f), readFileSync(f, 'latin1')))
    expect(found).toEqual([])
  })

  it('points the simulator and the Flow client to the API notes', () => {
    for (const file of ['simulator/flow-simulator.js', 'src/flow/client.ts']) {
      expect(readFileSync(join(ROOT, file), 'utf8')).toContain('docs/flow-openapi.md')
    }
  })

  it('the check finds such paths', () => {
    const bad = [
      '// It follows /wor' + 'k/sha' + 'red/yunxiao/flow-openapi.md.',
      'see ../share' + 'd/yunxiao/notes.md',
      'cd /hom' + 'e/alice/project',
      'C:\\Use' + 'rs\\bob\\repo'
    ].join('\n')
    expect(outsidePaths('x', bad)).toEqual([
      'x:1: a path under /work',
      'x:1: the shared API notes (use docs/flow-openapi.md)',
      'x:2: the shared API notes (use docs/flow-openapi.md)',
      'x:2: a shared folder beside the repository',
      'x:3: a home directory',
      'x:4: a Windows user directory'
    ])
    // Paths inside the repository, URL paths and scratch directories are fine.
    const good =
      'docs/flow-openapi.md\n/oapi/v1/flow/pipelines\n/tmp/ncc-out\n../../src/flow/client.js'
    expect(outsidePaths('x', good)).toEqual([])
  })
})
