// The run record: what the main step writes to the GITHUB_STATE file and the post step reads back
// from STATE_run, as the runner hands it over.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseCommandFile } from '../../simulator/runner.js'
import {
  encodeRecord,
  githubReportFromEnv,
  recordFromEnv,
  type RunRecord
} from '../../src/action/steps/run-record.js'

const decodeRecord = (text?: string) => recordFromEnv({ STATE_run: text })

const RECORD: RunRecord = {
  phase: 'following',
  pipelineId: 42,
  runId: 7,
  baseUrl: 'https://openapi-rdc.aliyuncs.com',
  organizationId: 'org-1',
  consoleUrl: 'https://flow.aliyun.com',
  stop: true
}

describe('recordFromEnv (STATE_run)', () => {
  it('reads back what encodeRecord wrote', () => {
    expect(decodeRecord(encodeRecord(RECORD))).toEqual(RECORD)
    const region = { ...RECORD, organizationId: undefined, phase: 'started' as const }
    expect(decodeRecord(encodeRecord(region))).toEqual({
      phase: 'started',
      pipelineId: 42,
      runId: 7,
      baseUrl: RECORD.baseUrl,
      consoleUrl: RECORD.consoleUrl,
      stop: true
    })
  })

  it.each([
    ['nothing', undefined],
    ['an empty value', ''],
    ['not JSON', '{phase: following'],
    ['a list', '[]'],
    ['null', 'null'],
    ['the old flag format', 'true'],
    ['an unknown phase', encodeRecord({ ...RECORD, phase: 'running' as never })],
    ['run id 0', encodeRecord({ ...RECORD, runId: 0 })],
    ['a fractional run id', encodeRecord({ ...RECORD, runId: 1.5 })],
    ['a run id in quotes', JSON.stringify({ ...RECORD, runId: '7' })],
    ['no pipeline id', JSON.stringify({ ...RECORD, pipelineId: undefined })],
    ['a base URL that is not http(s)', encodeRecord({ ...RECORD, baseUrl: 'file:///etc' })],
    ['a base URL with credentials', encodeRecord({ ...RECORD, baseUrl: 'https://u:p@h' })],
    ['no stop decision', JSON.stringify({ ...RECORD, stop: 'true' })],
    ['an empty organization id', encodeRecord({ ...RECORD, organizationId: '' })]
  ])('is undefined for %s', (_, text) => {
    expect(decodeRecord(text)).toBeUndefined()
  })

  it('is undefined without STATE_run', () => {
    expect(recordFromEnv({})).toBeUndefined()
  })
})

describe('saveRecord', () => {
  let dir: string
  let stateFile: string
  const saved: Record<string, string | undefined> = {}
  let stdout: string[]

  beforeEach(() => {
    saved.GITHUB_STATE = process.env.GITHUB_STATE
    dir = mkdtempSync(join(tmpdir(), 'state-test-'))
    stateFile = join(dir, 'state')
    writeFileSync(stateFile, '')
    process.env.GITHUB_STATE = stateFile
    stdout = []
    jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      stdout.push(String(chunk))
      return true
    })
    jest.resetModules()
  })

  afterEach(() => {
    jest.restoreAllMocks()
    if (saved.GITHUB_STATE === undefined) delete process.env.GITHUB_STATE
    else process.env.GITHUB_STATE = saved.GITHUB_STATE
    chmodSync(dir, 0o700)
    rmSync(dir, { recursive: true, force: true })
  })

  const load = () => import('../../src/action/steps/state.js')

  it('appends the record as one name<<delimiter entry, the last one winning', async () => {
    const { saveRecord } = await load()
    saveRecord(RECORD, 'https://x/1')
    const first = readFileSync(stateFile, 'utf8')
    saveRecord({ ...RECORD, phase: 'finished' }, 'https://x/1')
    const text = readFileSync(stateFile, 'utf8')
    expect(text.startsWith(first)).toBe(true)
    expect([...text.matchAll(/^run<<ghadelimiter_\S+$/gm)].length).toBe(2)
    const state = parseCommandFile(text)
    expect(decodeRecord(state.run)).toEqual({ ...RECORD, phase: 'finished' })
    expect(stdout.join('')).toBe('')
  })

  it('warns once, and does not throw, when the state file cannot be written', async () => {
    const { saveRecord } = await load()
    process.env.GITHUB_STATE = join(dir, 'missing', 'state')
    expect(() => saveRecord(RECORD, 'https://x/pipelines/42/builds/7')).not.toThrow()
    saveRecord({ ...RECORD, phase: 'finished' }, 'https://x/pipelines/42/builds/7')
    const warnings = stdout
      .join('')
      .split('\n')
      .filter(l => l.startsWith('::warning::'))
    expect(warnings.length).toBe(1)
    expect(warnings[0]).toContain('run #7')
    expect(warnings[0]).toContain('https://x/pipelines/42/builds/7')
    expect(warnings[0]).toMatch(/post step cannot stop the run/)
  })
})

describe('githubReportFromEnv', () => {
  const SHA = 'a'.repeat(40)
  it('reads what main left pending', () => {
    expect(
      githubReportFromEnv({
        STATE_githubSha: SHA,
        STATE_githubStatusPending: 'true',
        STATE_deploymentId: '12'
      })
    ).toEqual({ sha: SHA, statusPending: true, deploymentId: 12 })
    expect(githubReportFromEnv({ STATE_githubSha: SHA, STATE_deploymentId: '3' })).toEqual({
      sha: SHA,
      statusPending: false,
      deploymentId: 3
    })
  })

  it.each([
    ['nothing', {}],
    ['nothing pending', { STATE_githubSha: SHA, STATE_githubStatusPending: 'false' }],
    ['a bad commit id', { STATE_githubSha: 'xyz', STATE_githubStatusPending: 'true' }],
    ['a bad deployment id', { STATE_githubSha: SHA, STATE_deploymentId: '-1' }]
  ])('is undefined for %s', (_, env) => {
    expect(githubReportFromEnv(env)).toBeUndefined()
  })
})
