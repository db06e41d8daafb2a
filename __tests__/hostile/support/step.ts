// Runs the committed dist/index.js as the runner does, and measures its peak memory from the OS
// (VmHWM in /proc/<pid>/status, read until the process ends).
import { readFileSync } from 'node:fs'
import { startStep, type StepOptions, type StepResult } from '../../../simulator/runner.js'
import { TOKEN } from '../../support/e2e.js'

export interface Measured extends StepResult {
  /** Peak resident memory in MiB, or undefined where /proc cannot tell. */
  peakMiB?: number
  ms: number
}

function highWater(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : undefined
  } catch {
    return undefined
  }
}

export async function runMain(
  node: string,
  inputs: Record<string, string | number | boolean | undefined>,
  env: Record<string, string> = {},
  options: Partial<StepOptions> = {}
): Promise<Measured> {
  const started = Date.now()
  const { child, done } = startStep({
    node,
    inputs: { token: TOKEN, 'pipeline-id': 1, ...inputs },
    env,
    ...options
  })
  let peak: number | undefined
  const poll = setInterval(() => {
    const now = highWater(child.pid)
    if (now !== undefined) peak = Math.max(peak ?? 0, now)
  }, 20)
  try {
    const result = await done
    return { ...result, peakMiB: peak, ms: Date.now() - started }
  } finally {
    clearInterval(poll)
  }
}
