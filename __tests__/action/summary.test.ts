// The job summary Markdown. Table checks split rows the way cmark-gfm (GitHub's renderer) does:
// lines end at LF, CR or CRLF, and a pipe right after a backslash belongs to the cell.
import { describe, expect, it } from '@jest/globals'
import type { FlowJob, FlowRun, FlowStage } from '../../src/flow/types.js'
import type { Settings } from '../../src/action/inputs/settings.js'
import { code, md, resultSummary, triggerSummary } from '../../src/action/output/summary.js'
import { makeSettings } from '../support/settings.js'

const TOKEN = 'pt-summary-secret-token'
const T0 = 1_700_000_000_000
const RUN_URL = 'https://flow.aliyun.com/pipelines/42/builds/7'

function settings(overrides: Partial<Settings> = {}): Settings {
  return makeSettings({ token: TOKEN, organizationId: 'org-1', ...overrides })
}

/** resultSummary with its facts in one object, as the tests read best. */
const summarize = (f: { status: string; durationMs: number; runUrl: string; run?: FlowRun }) =>
  resultSummary(f, f.durationMs, f.runUrl)

/** CommonMark line endings: LF, CRLF and a lone CR. */
const lines = (markdown: string): string[] => markdown.split(/\r\n|\r|\n/)

/** The table's lines: the block of lines starting with a pipe. */
function tableRows(markdown: string): string[] {
  return lines(markdown).filter(line => line.startsWith('|'))
}

/** Cells of a row with leading and trailing pipes, as cmark-gfm splits them. */
function cells(row: string): string[] {
  expect(row.trimEnd().endsWith('|')).toBe(true)
  return row
    .trim()
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map(cell => cell.trim())
}

/** What a cell shows: the table's own pipe escapes removed, then Markdown backslash escapes. */
function shown(cell: string): string {
  const text = cell.replace(/\\\|/g, '|')
  const span = /^`(.*)`$/.exec(text)
  if (span) return span[1]
  return text.replace(/\\([!-/:-@[-`{-~])/g, '$1')
}

/** Every row has as many cells as the header, and the table is one block of lines. */
function expectWellFormedTable(markdown: string, columns: number): string[][] {
  const all = lines(markdown)
  const rows = tableRows(markdown)
  expect(rows.length).toBeGreaterThanOrEqual(2)
  const first = all.indexOf(rows[0])
  expect(all.slice(first, first + rows.length)).toEqual(rows)
  // The line after the table is blank or the end: nothing spilled out of a row.
  expect(all[first + rows.length] ?? '').toBe('')
  const parsed = rows.map(cells)
  for (const row of parsed) expect(row).toHaveLength(columns)
  expect(parsed[1].every(cell => /^-+$/.test(cell))).toBe(true)
  return parsed
}

function job(fields: Partial<FlowJob> & { name: string }): FlowJob {
  return { id: 1, status: 'SUCCESS', ...fields }
}

function stage(name: string, jobs: FlowJob[], status = 'SUCCESS'): FlowStage {
  return { name, stageInfo: { name, status, jobs } }
}

describe('md', () => {
  it('escapes the characters that would start Markdown or end a table cell', () => {
    expect(md('a|b')).toBe('a\\|b')
    expect(md('*bold* _em_')).toBe('\\*bold\\* \\_em\\_')
    expect(md('`tick`')).toBe('\\`tick\\`')
    expect(md('[x](y) <b>')).toBe('\\[x\\](y) \\<b\\>')
    expect(md('back\\slash')).toBe('back\\\\slash')
  })

  it('turns line breaks into spaces', () => {
    expect(md('one\ntwo\r\nthree')).toBe('one two three')
  })

  it('leaves plain text alone', () => {
    expect(md('构建 Build 1.2.3 (prod)')).toBe('构建 Build 1.2.3 (prod)')
  })
})

describe('code', () => {
  it('wraps text in a code span', () => {
    expect(code('release/1.0')).toBe('`release/1.0`')
  })

  it('turns backticks into quotes, since they cannot be escaped inside a code span', () => {
    expect(code('a`b')).toBe("`a'b`")
  })

  it('escapes pipes for the table and turns line breaks into spaces', () => {
    expect(code('a|b')).toBe('`a\\|b`')
    expect(code('a\nb\r\nc')).toBe('`a b c`')
  })
})

describe('triggerSummary', () => {
  it('names run variables but never shows their values, nor the token', () => {
    const text = triggerSummary(
      settings({ envs: { DEPLOY_KEY: 'value-one-secret', REGION: 'value-two-hz' } }),
      { envs: { DEPLOY_KEY: 'value-one-secret', REGION: 'value-two-hz' } },
      { runId: 7, runUrl: RUN_URL }
    )
    expect(text).toContain('| Run variables | `DEPLOY_KEY`, `REGION` (values not shown) |')
    expect(text).not.toContain('value-one-secret')
    expect(text).not.toContain('value-two-hz')
    expect(text).not.toContain(TOKEN)
  })

  it('titles a started run with a link to it', () => {
    const text = triggerSummary(settings(), {}, { runId: 7, runUrl: RUN_URL })
    expect(lines(text)[0]).toBe(`### Yunxiao Flow run [#7](${RUN_URL}) started`)
    expect(text).toContain('| Pipeline | 42 |')
    expect(text).toContain('| OpenAPI | https://openapi-rdc.aliyuncs.com |')
  })

  it('says a dry run started nothing, with no link', () => {
    const text = triggerSummary(settings({ dryRun: true }), {})
    expect(lines(text)[0]).toBe('### Yunxiao Flow run (dry run: nothing started)')
    expect(text).not.toContain('](')
    expect(text).not.toContain('undefined')
    expectWellFormedTable(text, 2)
  })

  it('names the center edition with its organization', () => {
    const text = triggerSummary(settings(), {}, { runId: 1, runUrl: RUN_URL })
    expect(text).toContain('| Edition | center (organization org-1) |')
  })

  it('names the Region edition when no organization is set', () => {
    const text = triggerSummary(
      settings({ organizationId: undefined, baseUrl: 'https://flow.example.com' }),
      {},
      { runId: 1, runUrl: RUN_URL }
    )
    expect(text).toContain('| Edition | Region |')
    expect(text).not.toContain('organization')
  })

  it('lists branch-mode branches, running branches and tags per repository', () => {
    const text = triggerSummary(
      settings(),
      {
        branchModeBranchs: ['feature/a', 'feature/b'],
        runningBranchs: { 'https://codeup.aliyun.com/o/backend.git': 'main' },
        runningTags: { 'https://codeup.aliyun.com/o/frontend.git': 'v1.2.3' }
      },
      { runId: 1, runUrl: RUN_URL }
    )
    expect(text).toContain('| Branches | `feature/a`, `feature/b` |')
    expect(text).toContain('| Branch of https://codeup.aliyun.com/o/backend.git | `main` |')
    expect(text).toContain('| Tag of https://codeup.aliyun.com/o/frontend.git | `v1.2.3` |')
    expectWellFormedTable(text, 2)
  })

  it('lists pipeline artifacts, images and packages with their versions', () => {
    const text = triggerSummary(
      settings(),
      {
        runningPipelineArtifacts: { '3184679': '12' },
        runningAcrArtifacts: { 'registry.cn-hangzhou.aliyuncs.com/o/app': '2.0.1' },
        runningPackagesArtifacts: { 'generic/repo/app': '1.0.0' }
      },
      { runId: 1, runUrl: RUN_URL }
    )
    expect(text).toContain('| Pipeline artifact 3184679 | `12` |')
    expect(text).toContain('| Image registry.cn-hangzhou.aliyuncs.com/o/app | `2.0.1` |')
    expect(text).toContain('| Package generic/repo/app | `1.0.0` |')
    expectWellFormedTable(text, 2)
  })

  it('leaves out rows for what was not sent', () => {
    const text = triggerSummary(
      settings(),
      { branchModeBranchs: [], envs: {} },
      { runId: 1, runUrl: RUN_URL }
    )
    const labels = expectWellFormedTable(text, 2)
      .slice(2)
      .map(row => row[0])
    expect(labels).toEqual(['Pipeline', 'Edition', 'OpenAPI'])
  })

  it('keeps the table whole when names hold pipes, backticks, stars or line breaks', () => {
    const repo = 'https://codeup.aliyun.com/o/a|b.git'
    const text = triggerSummary(
      settings(),
      {
        branchModeBranchs: ['feat|x', 'we`ird'],
        runningBranchs: { [repo]: 'fix|*1*' },
        envs: { 'NAME|ONE': 'v', 'TWO`\nLINES': 'v' },
        runningAcrArtifacts: { 'img|*x*\nnext': 'tag|1' }
      },
      { runId: 1, runUrl: RUN_URL }
    )
    const rows = expectWellFormedTable(text, 2)
    const byLabel = new Map(rows.map(([label, value]) => [shown(label), value]))
    expect(shown(byLabel.get('Branches') ?? '')).toBe("feat|x`, `we'ird")
    expect(shown(byLabel.get(`Branch of ${repo}`) ?? '')).toBe('fix|*1*')
    expect(byLabel.get('Run variables')).toBe("`NAME\\|ONE`, `TWO' LINES` (values not shown)")
    expect(shown(byLabel.get('Image img|*x* next') ?? '')).toBe('tag|1')
  })
})

describe('resultSummary', () => {
  const run: FlowRun = {
    status: 'FAIL',
    stages: [
      stage('Build', [
        job({ id: 1, name: 'Java build', startTime: T0, endTime: T0 + 65_000 }),
        job({ id: 2, name: 'Node build', startTime: T0, endTime: T0 + 3_723_000 })
      ]),
      stage(
        'Test',
        [job({ id: 3, name: 'Unit tests', status: 'FAIL', startTime: T0, endTime: T0 + 9_000 })],
        'FAIL'
      ),
      stage('Deploy', [job({ id: 4, name: 'Deploy to staging', status: 'INIT' })], 'INIT')
    ]
  }

  it('heads with the status, the duration and the link', () => {
    const text = summarize({ status: 'FAIL', durationMs: 125_000, run, runUrl: RUN_URL })
    const [title, blank, duration] = lines(text)
    expect(title).toBe('### ❌ Yunxiao Flow run FAIL')
    expect(blank).toBe('')
    expect(duration).toBe(`Duration 2m 5s. [Open the run](${RUN_URL})`)
  })

  it('tables every job by stage with its status and duration', () => {
    const text = summarize({ status: 'FAIL', durationMs: 125_000, run, runUrl: RUN_URL })
    const rows = expectWellFormedTable(text, 4)
    expect(rows[0]).toEqual(['Stage', 'Job', 'Status', 'Duration'])
    expect(rows.slice(2)).toEqual([
      ['Build', 'Java build', '✅ SUCCESS', '1m 5s'],
      ['Build', 'Node build', '✅ SUCCESS', '1h 2m 3s'],
      ['Test', 'Unit tests', '❌ FAIL', '9s'],
      ['Deploy', 'Deploy to staging', '• INIT', '']
    ])
  })

  it('shows no duration for a job without both times, or with times out of order', () => {
    const text = summarize({
      status: 'CANCELED',
      durationMs: 1000,
      runUrl: RUN_URL,
      run: {
        status: 'CANCELED',
        stages: [
          stage('S', [
            job({ id: 1, name: 'running', status: 'RUNNING', startTime: T0 }),
            job({ id: 2, name: 'odd', status: 'CANCELED', startTime: T0, endTime: T0 - 1 }),
            job({ id: 3, name: 'waiting', status: 'WAITING' })
          ])
        ]
      }
    })
    expect(lines(text)[0]).toBe('### ⏹️ Yunxiao Flow run CANCELED')
    expect(expectWellFormedTable(text, 4).slice(2)).toEqual([
      ['S', 'running', '🔄 RUNNING', ''],
      ['S', 'odd', '⏹️ CANCELED', ''],
      ['S', 'waiting', '⏸️ WAITING', '']
    ])
  })

  it('gives a stage without jobs one row with the stage status', () => {
    const text = summarize({
      status: 'SUCCESS',
      durationMs: 0,
      runUrl: RUN_URL,
      run: {
        status: 'SUCCESS',
        stages: [{ name: 'Outer name', stageInfo: { status: 'SUCCESS' } }, { name: 'Bare' }]
      }
    })
    expect(lines(text)[2]).toBe(`Duration 0s. [Open the run](${RUN_URL})`)
    expect(expectWellFormedTable(text, 4).slice(2)).toEqual([
      ['Outer name', '', '✅ SUCCESS', ''],
      ['Bare', '', '•', '']
    ])
  })

  it('has no table for a run without stages, or when no run was read', () => {
    for (const r of [{ status: 'SUCCESS', stages: [] }, { status: 'SUCCESS' }, undefined]) {
      const text = summarize({ status: 'SUCCESS', durationMs: 5000, run: r, runUrl: RUN_URL })
      expect(lines(text)[0]).toBe('### ✅ Yunxiao Flow run SUCCESS')
      expect(text).toContain(`Duration 5s. [Open the run](${RUN_URL})`)
      expect(tableRows(text)).toEqual([])
    }
  })

  it('marks a timeout and an unknown status', () => {
    expect(lines(summarize({ status: 'TIMEOUT', durationMs: 0, runUrl: RUN_URL }))[0]).toBe(
      '### ⌛ Yunxiao Flow run TIMEOUT'
    )
    expect(lines(summarize({ status: 'PAUSED', durationMs: 0, runUrl: RUN_URL }))[0]).toBe(
      '### • Yunxiao Flow run PAUSED'
    )
  })

  it('keeps the table whole when Yunxiao names hold pipes, stars, backticks or line breaks', () => {
    const stageName = 'Build | *fast* `x`'
    const jobName = 'step|1\n**two** _under_ [link](u) <b> back\\slash'
    const text = summarize({
      status: 'SUCCESS',
      durationMs: 1000,
      runUrl: RUN_URL,
      run: {
        status: 'SUCCESS',
        stages: [
          stage(stageName, [
            job({ id: 1, name: jobName, startTime: T0, endTime: T0 + 2000 }),
            job({ id: 2, name: '|', startTime: T0, endTime: T0 + 1000 })
          ]),
          { name: 'fallback|name', stageInfo: { status: 'SUCCESS', jobs: [] } }
        ]
      }
    })
    const rows = expectWellFormedTable(text, 4).slice(2)
    expect(rows.map(row => row.map(shown))).toEqual([
      [stageName, jobName.replace('\n', ' '), '✅ SUCCESS', '2s'],
      [stageName, '|', '✅ SUCCESS', '1s'],
      ['fallback|name', '', '✅ SUCCESS', '']
    ])
    // No markup is left active: each of these characters comes escaped.
    for (const row of tableRows(text).slice(2)) {
      expect(row).not.toMatch(/(?<!\\)(?:\\\\)*[*_`[\]<>]/)
    }
  })

  // A lone CR is a line ending in CommonMark, so it ends the table row in the middle of a cell.
  // md() and code() only replace \n and \r\n (src/summary.ts, md() and code()).
  it('keeps the table whole when a name holds a lone carriage return', () => {
    const text = summarize({
      status: 'SUCCESS',
      durationMs: 1000,
      runUrl: RUN_URL,
      run: { status: 'SUCCESS', stages: [stage('Build\rnext', [job({ id: 1, name: 'a\rb' })])] }
    })
    expectWellFormedTable(text, 4)
  })
})

describe('triggerSummary: the GitHub side', () => {
  it('names the commit status context and the deployment environment, nothing when off', () => {
    const github = {
      token: 'ghs_secret',
      statusContext: 'ci/yun`xiao',
      deploymentEnvironment: 'prod|eu',
      contextEnvs: false
    }
    const text = triggerSummary(makeSettings({ github }), {}, { runId: 1, runUrl: 'u' })
    expect(text).toContain("| GitHub commit status | `ci/yun'xiao` |")
    expect(text).toContain('| GitHub deployment | `prod\\|eu` |')
    expect(text).not.toContain('ghs_secret')
    const off = triggerSummary(makeSettings(), {}, { runId: 1, runUrl: 'u' })
    expect(off).not.toContain('GitHub')
  })
})
