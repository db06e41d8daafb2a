// `npm run demo` exits with the step's exit code, as the runner would see it: 0 for the run that
// succeeds, 1 for `--fail` (the step fails on the failed run). It runs the committed dist/ against
// the simulator in a child process, as a user runs it.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

function demo(...args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, 'simulator/demo.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000
  })
  return { code: result.status, stdout: result.stdout }
}

describe('npm run demo', () => {
  it('exits 0 for the run that succeeds', () => {
    const { code, stdout } = demo()
    expect(stdout).toContain('exit code: 0')
    expect(stdout).toContain('status = SUCCESS')
    expect(stdout).toContain('The token appears nowhere but in the ::add-mask:: command.')
    expect(code).toBe(0)
  }, 60_000)

  it('exits 1 with --fail, as the step fails, with the failed job log shown', () => {
    const { code, stdout } = demo('--fail')
    expect(stdout).toContain('exit code: 1')
    expect(stdout).toContain('status = FAIL')
    expect(stdout).toContain('CartTest.totalWithCoupon')
    expect(code).toBe(1)
  }, 60_000)
})
