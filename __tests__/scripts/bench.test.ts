// `npm run bench` itself, in one short round: every set runs and does its work (the bench checks
// the outputs, the params sent and the stop request of each run, and stops on the first that
// fails), on both Nodes, and the table, the bundle sizes and a verdict are printed. No figure is
// asserted: timings on a shared machine say nothing in one round (budgets are the bench's job).
import { describe, it, expect } from '@jest/globals'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { hasOpenssl } from '../../simulator/certs.js'
import { ROOT } from '../../simulator/runner.js'

// The TLS sets run when openssl can make the simulator's certificate (the bench says when not).
const HAS_OPENSSL = hasOpenssl()
const SETS = [
  'floor',
  'envs+branches',
  'branch+envs',
  'plain',
  'post-idle',
  'post-stop',
  ...(HAS_OPENSSL ? ['floor-tls', 'plain-tls'] : [])
]

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
  it('runs every set on every Node and prints the table, the bundle and a verdict', async () => {
    const nodeArgs = process.env.SKIP_NODE24 === '1' ? ['--node', 'this'] : []
    const result = await bench(['--rounds', '1', '--warmup', '0', '--no-wait', ...nodeArgs])
    // 0: every budget met; 1: some missed (likely in one round on a busy machine). Anything else,
    // or an exception, is the bench failing.
    expect({ code: result.code, stderr: result.stderr }).toEqual({
      code: expect.any(Number),
      stderr: ''
    })
    expect([0, 1]).toContain(result.code)
    const rows = result.stdout.split('\n').filter(line => /^Node \d+\.\d+\.\d+ /.test(line))
    const nodes = [...new Set(rows.map(line => line.split(/\s+/)[1]))]
    expect(nodes.length).toBe(nodeArgs.length ? 1 : 2)
    for (const node of nodes) {
      const sets = rows.filter(line => line.split(/\s+/)[1] === node).map(l => l.split(/\s+/)[2])
      expect(sets).toEqual(SETS)
    }
    expect(result.stdout).toMatch(/main: dist\/index\.js, post: dist\/post\.js/)
    expect(result.stdout).toMatch(/^ {2}dist\/index\.js +\d+\.\d KiB {3}budget <= 500/m)
    expect(result.stdout).toMatch(/^(All budgets met\.|Some budget is not met\.)$/m)
  })
})
