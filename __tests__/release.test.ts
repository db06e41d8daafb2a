// The release flow's own pieces: CHANGELOG.md in Keep a Changelog form, the script that cuts a
// version's section out of it for the release notes (run as the release workflow runs it), the
// Dependabot config, and the rights of the release workflow's jobs. All workflows are linted with
// actionlint in readme.test.ts.
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

interface Step {
  uses?: string
  run?: string
  with?: Record<string, unknown>
}
interface Job {
  needs?: string | string[]
  permissions?: Record<string, string>
  steps: Step[]
}
interface Workflow {
  permissions?: Record<string, string>
  jobs: Record<string, Job>
}

/**
 * Problems with the release workflow's rights: a job that installs dependencies or runs the
 * project's code must hold `contents: read` at most, the job that publishes `contents: write`
 * and run nothing of the project, every checkout that pushes nothing keeps no credentials, and
 * the tag is checked to be on main.
 */
function releaseProblems(workflow: Workflow): string[] {
  const problems: string[] = []
  if (workflow.permissions?.contents !== 'read') problems.push('workflow: contents is not read')
  const runs = (job: Job) => job.steps.map(s => s.run ?? '').join('\n')
  const jobs = Object.entries(workflow.jobs)
  const builders = jobs.filter(([, job]) => /\.ci\/run|npm (ci|install)/.test(runs(job)))
  const publishers = jobs.filter(([, job]) => /gh release create/.test(runs(job)))
  if (builders.length === 0) problems.push('no job runs .ci/run')
  if (publishers.length !== 1) problems.push('not exactly one job publishes the release')
  for (const [name, job] of builders) {
    const perms = job.permissions ?? workflow.permissions ?? {}
    if (Object.values(perms).some(p => p === 'write')) problems.push(`${name}: builds with write`)
    if (perms.contents !== 'read') problems.push(`${name}: contents is not read`)
  }
  for (const [name, job] of publishers) {
    if (job.permissions?.contents !== 'write') problems.push(`${name}: contents is not write`)
    if (builders.some(([b]) => b === name)) problems.push(`${name}: publishes and builds`)
    const needs = [job.needs ?? []].flat()
    if (!builders.every(([b]) => needs.includes(b)))
      problems.push(`${name}: does not need the checks`)
    if (/node |npm |scripts\//.test(runs(job))) problems.push(`${name}: runs project code`)
  }
  for (const [name, job] of jobs) {
    const pushes = /git push/.test(runs(job))
    for (const step of job.steps) {
      if (!step.uses?.startsWith('actions/checkout@') || pushes) continue
      if (step.with?.['persist-credentials'] !== false) {
        problems.push(`${name}: checkout keeps credentials but pushes nothing`)
      }
    }
  }
  const all = jobs.map(([, job]) => runs(job)).join('\n')
  if (!/merge-base --is-ancestor "\$GITHUB_SHA" origin\/main/.test(all)) {
    problems.push('the tag is not checked to be on main')
  }
  return problems
}

describe('.github/workflows/release.yml', () => {
  const workflow = parse(read('.github/workflows/release.yml')) as Workflow

  it('builds with contents: read, publishes in a job of its own with contents: write', () => {
    expect(releaseProblems(workflow)).toEqual([])
  })

  it('fails the check when a rule is broken', () => {
    const broken = structuredClone(workflow)
    const [checkName, check] = Object.entries(broken.jobs).find(([, job]) =>
      job.steps.some(s => s.run?.includes('.ci/run'))
    )!
    check.permissions = { contents: 'write' }
    for (const step of check.steps) {
      if (step.uses?.startsWith('actions/checkout@')) delete step.with?.['persist-credentials']
      if (step.run) step.run = step.run.replace(/merge-base --is-ancestor/g, 'log')
    }
    const publish = Object.values(broken.jobs).find(job =>
      job.steps.some(s => s.run?.includes('gh release create'))
    )!
    publish.permissions = { contents: 'read' }
    publish.needs = []
    publish.steps.push({ run: 'npm ci' })
    expect(releaseProblems(broken)).toEqual(
      expect.arrayContaining([
        `${checkName}: builds with write`,
        `${checkName}: contents is not read`,
        `${checkName}: checkout keeps credentials but pushes nothing`,
        'the tag is not checked to be on main'
      ])
    )
    expect(releaseProblems(broken).some(p => p.endsWith('contents is not write'))).toBe(true)
    expect(releaseProblems(broken).some(p => p.endsWith('publishes and builds'))).toBe(true)
  })

  it('tells the tag apart from a commit that is not on main', () => {
    // The check as the workflow runs it, in a repository with a commit off main.
    const dir = mkdtempSync(join(tmpdir(), 'release-main-'))
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' }).trim()
    git('init', '-q', '-b', 'main')
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'a')
    const onMain = git('rev-parse', 'HEAD')
    git('update-ref', 'refs/remotes/origin/main', onMain)
    git('checkout', '-q', '-b', 'side')
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'b')
    const offMain = git('rev-parse', 'HEAD')
    const step = workflow.jobs.check.steps.find(s => s.run?.includes('merge-base'))!.run!
    const line = step.split('\n').find(l => l.includes('merge-base'))!
    const test = line.replace(/^\s*if ! /, '').replace(/; then\s*$/, '')
    const onMainOk = (sha: string) => {
      try {
        execFileSync('bash', ['-c', test], { cwd: dir, env: { ...process.env, GITHUB_SHA: sha } })
        return true
      } catch {
        return false
      }
    }
    expect(onMainOk(onMain)).toBe(true)
    expect(onMainOk(offMain)).toBe(false)
  })
})
