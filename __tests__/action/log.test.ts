// log.ts: everything the main step says passes the foreign-text gate.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const TOKEN = 'pt-logTest/Token_01'
let out: string[]
let dir: string
const saved = process.env.GITHUB_OUTPUT

beforeEach(() => {
  jest.resetModules()
  out = []
  jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    out.push(String(chunk))
    return true
  })
  dir = mkdtempSync(join(tmpdir(), 'log-test-'))
  process.env.GITHUB_OUTPUT = join(dir, 'output')
  writeFileSync(process.env.GITHUB_OUTPUT, '')
})

afterEach(() => {
  jest.restoreAllMocks()
  if (saved === undefined) delete process.env.GITHUB_OUTPUT
  else process.env.GITHUB_OUTPUT = saved
  rmSync(dir, { recursive: true, force: true })
})

describe('log.ts', () => {
  it('masks a secret once and cleans every kind of line of it', async () => {
    const log = await import('../../src/action/output/log.js')
    log.addSecret(TOKEN)
    log.addSecret(TOKEN)
    log.addSecret('')
    const escaped = TOKEN.replace('/', '\\/')
    log.info(`a ${TOKEN}\n::error::x https://u:p@h/`)
    log.warning(`w ${escaped} ##[error]y`)
    log.error(`e ${encodeURIComponent(TOKEN)}`)
    log.notice(`n ${TOKEN}`)
    log.startGroup(`g ${TOKEN}`)
    log.endGroup()
    log.verbatim('::stop-commands::abc')
    log.setFailed(`f ${TOKEN}\nsecond line`)
    log.setOutput('o', `v ${TOKEN} https://user:pw@host/x`)
    expect(log.hide(TOKEN)).toBe('***')
    expect(log.registeredSecrets()).toEqual([TOKEN])
    expect(out.join('').split('\n').filter(Boolean)).toEqual([
      `::add-mask::${TOKEN}`,
      'a *** ::error::x https://***@h/',
      '::warning::w *** ## [error]y',
      '::error::e ***',
      '::notice::n ***',
      '::group::g ***',
      '::endgroup::',
      '::stop-commands::abc',
      '::error::f ***%0Asecond line'
    ])
    expect(readFileSync(process.env.GITHUB_OUTPUT!, 'utf8')).toContain('v *** https://***@host/x')
    expect(process.exitCode).toBe(1)
    process.exitCode = undefined
  })
})
