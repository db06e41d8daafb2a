// Shared pieces of the end-to-end tests: which Node binaries run dist/index.js, and the token check.
import { expect } from '@jest/globals'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { StepResult } from '../../simulator/runner.js'
import { ROOT } from '../../simulator/runner.js'

export const TOKEN = 'pt-e2eSecretToken_0123456789abcdef'

export interface NodeBinary {
  label: string
  path: string
}

/** Node 20 (this process) and Node 24 (what GitHub runs: node24), from scripts/ensure-node24.mjs. */
export function nodeBinaries(): NodeBinary[] {
  const nodes: NodeBinary[] = [{ label: `node ${process.version}`, path: process.execPath }]
  if (process.env.SKIP_NODE24 === '1') return nodes
  const node24 = join(
    ROOT,
    '.node24',
    'node_modules',
    `node-${process.platform}-${process.arch}`,
    'bin',
    'node'
  )
  if (!existsSync(node24))
    throw new Error(
      `Node 24 is missing at ${node24}: run "node scripts/ensure-node24.mjs" (npm test does)`
    )
  nodes.push({ label: 'node 24', path: node24 })
  return nodes
}

/** The token must not appear in anything the step wrote but the ::add-mask:: command, which the runner swallows. */
export function expectNoToken(result: StepResult, token = TOKEN): void {
  const stdoutWithoutMask = result.stdout
    .split('\n')
    .filter(line => line !== `::add-mask::${token}`)
    .join('\n')
  for (const [name, text] of Object.entries({
    stdout: stdoutWithoutMask,
    stderr: result.stderr,
    outputs: result.rawOutputFile,
    state: result.rawStateFile,
    summary: result.summary
  })) {
    expect({ where: name, leaks: text.includes(token) }).toEqual({ where: name, leaks: false })
  }
}

export function errorLines(stdout: string): string[] {
  return stdout.split('\n').filter(l => l.startsWith('::error'))
}

/** A followed run of `pipelineId` on the Flow simulator at `url`, as the runner passes the inputs. */
export function followInputs(
  url: string,
  pipelineId: number,
  extra: Record<string, string> = {}
): Record<string, string> {
  return {
    token: TOKEN,
    'organization-id': 'org-1',
    'pipeline-id': String(pipelineId),
    domain: url,
    wait: 'true',
    'poll-interval': '1s',
    ...extra
  }
}
