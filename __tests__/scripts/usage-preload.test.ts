// scripts/usage-preload.cjs, which the live-log memory test and the follow bench read: the peak it
// reports is the child's own, even when its parent is large when it spawns it (on Linux the
// child's ru_maxrss starts at the parent's RSS at the fork).
import { describe, it, expect } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { ROOT } from '../../simulator/runner.js'

describe('scripts/usage-preload.cjs', () => {
  it("reports the child's own peak RSS, not its large parent's", () => {
    const preload = join(ROOT, 'scripts', 'usage-preload.cjs')
    // A parent holding 200 MiB spawns a small Node child with the preload.
    const parent = `
      const held = Buffer.alloc(200 * 1024 * 1024, 1)
      const r = require('node:child_process').spawnSync(process.execPath, ['--require', ${JSON.stringify(preload)}, '-e', '0'], { encoding: 'utf8' })
      process.stdout.write(r.stderr + held.length)`
    const r = spawnSync(process.execPath, ['-e', parent], { encoding: 'utf8' })
    expect(r.status).toBe(0)
    const kib = Number(/usage maxrss=(\d+) cpu=\d+/.exec(r.stdout)?.[1])
    expect(kib).toBeGreaterThan(1024)
    expect(kib / 1024).toBeLessThan(120)
  })
})
