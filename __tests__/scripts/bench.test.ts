// `npm run bench` itself, in one round: every set runs and does its work (the bench checks the
// params each trigger sent, and stops on the first run that fails), on both Nodes, and a figure
// for every set, the size of dist/index.js and a verdict are printed. No figure is asserted:
// timings on a shared machine say nothing in one round (budgets are the bench's job).
import { describe, it, expect } from '@jest/globals'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { ROOT } from '../../simulator/runner.js'

const SETS = ['plain', 'envs+branches', 'post-idle']

function bench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'bench.mjs'), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', c => (stdout += c))
    child.stderr.setEncoding('utf8').on('data', c => (stderr += c))
    child.on('error', reject)
    child.on('close', code => resolve({ code, stdout, stderr }))
  })
}

describe('npm run bench', () => {
  it('runs every set on every Node and prints its figures, the bundle and a verdict', async () => {
    const nodeArgs = process.env.SKIP_NODE24 === '1' ? ['--node', 'this'] : []
    const result = await bench([
      ...['--rounds', '1', '--warmup', '0', '--follow-seconds', '4'],
      ...nodeArgs
    ])
    // 0: every budget met; 1: some missed (likely in one round on a busy machine). Anything else,
    // or an exception, is the bench failing.
    expect({ code: result.code, stderr: result.stderr }).toEqual({
      code: expect.any(Number),
      stderr: ''
    })
    expect([0, 1]).toContain(result.code)
    const rows = result.stdout.split('\n').filter(line => /^Node v\d+\.\d+\.\d+ /.test(line))
    const nodes = [...new Set(rows.map(line => line.split(/\s+/)[1]))]
    expect(nodes.length).toBe(nodeArgs.length ? 1 : 2)
    for (const node of nodes) {
      const own = rows.filter(line => line.split(/\s+/)[1] === node)
      expect(own.map(l => l.split(/\s+/)[2])).toEqual(SETS)
      // A figure for each: time and peak RSS over the floor, or the post step's ratio.
      for (const row of own)
        expect(row).toMatch(/ [+-]\d+\.\d ms .* [+-]\d+\.\d+ MiB |\d\.\d\dx node -e 0/)
    }
    expect(result.stdout).toMatch(/^dist\/index\.js \d+\.\d KiB \(<= 300\)/m)
    // The following figure of logs: live, on each Node: requests, then its three checks.
    const follows = result.stdout.split('Following 3 parallel jobs').slice(1)
    expect(follows.length).toBe(nodes.length)
    for (const part of follows) {
      expect(part).toMatch(/requests: \d+ \(\d+ per minute\)/)
      expect(part).toMatch(/(ok {2}|MISS) peak RSS [\d.]+ MiB/)
      expect(part).toMatch(/(ok {2}|MISS) lines copied per job/)
    }
    expect(result.stdout).toMatch(/^(All budgets met\.|Some budget is not met\.)$/m)
  })
})
