// The following figure: what `logs: live` costs while a run is followed. A simulated run with three
// parallel jobs, each writing 5 MB of log (50,000 lines of 100 bytes) over 30 s, is followed by
// dist/index.js as the runner runs it (wait: true, logs: live, poll-interval 2s) against the Flow
// simulator on loopback. Printed: the requests per minute the step sent, its CPU seconds and its
// peak RSS (getrusage, through scripts/usage-preload.cjs), and the lines copied.
// Budgets (exit 1 when one is missed): peak RSS <= 120 MiB, CPU <= 10% of the followed time, and
// every line of every job copied once.
//   node scripts/bench-follow.mjs [--node <path>] [--seconds N]
// --seconds shortens the run (and the log, in proportion) for a smoke run; the budgets are set for 30.
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startFlowSimulator } from '../simulator/flow-simulator.js'
import { ROOT, runStep } from '../simulator/runner.js'

const BUDGET = { rssMiB: 120, cpuShare: 0.1 }
const { values } = parseArgs({
  options: { node: { type: 'string' }, seconds: { type: 'string', default: '30' } }
})
const JOBS = 3
const DURATION_MS = Number(values.seconds) * 1000
const LINES = Math.round((50_000 * DURATION_MS) / 30_000)
const LINE_BYTES = 100
const token = 'pt-bench-follow-token'
const jobs = Array.from({ length: JOBS }, (_, i) => ({
  name: `job-${i + 1}`,
  durationMs: DURATION_MS,
  steps: [{ name: 'write', lineCount: LINES, lineBytes: LINE_BYTES }]
}))
const sim = await startFlowSimulator({
  token,
  organizationId: 'bench-org',
  pipelines: { 1: { name: 'follow-bench', stages: [{ name: 'Build', jobs }] } }
})

let result
const started = Date.now()
try {
  result = await runStep({
    ...(values.node ? { node: values.node } : {}),
    env: { NODE_OPTIONS: `--require ${join(ROOT, 'scripts', 'usage-preload.cjs')}` },
    inputs: {
      token,
      'organization-id': 'bench-org',
      'pipeline-id': '1',
      domain: sim.url,
      wait: 'true',
      'poll-interval': '2s',
      logs: 'live'
    }
  })
} finally {
  await sim.close()
}
const followedMs = Date.now() - started
const usage = /usage maxrss=(\d+) cpu=(\d+)/.exec(result.stderr)
if (result.code !== 0 || !usage) {
  console.error(`The followed step failed (exit ${result.code}):\n${result.stderr.slice(-2000)}`)
  process.exit(1)
}
const rssMiB = Number(usage[1]) / 1024
const cpuS = Number(usage[2]) / 1e6
const perMinute = (sim.requests.length / followedMs) * 60_000
const copied = Array.from(
  { length: JOBS },
  (_, i) =>
    result.stdout.split('\n').filter(l => l.startsWith(`[Build / job-${i + 1} / write] `)).length
)
const cpuShare = cpuS / (followedMs / 1000)
const checks = [
  [`peak RSS ${rssMiB.toFixed(1)} MiB <= ${BUDGET.rssMiB} MiB`, rssMiB <= BUDGET.rssMiB],
  [
    `CPU ${cpuS.toFixed(2)} s = ${(cpuShare * 100).toFixed(1)}% of ${(followedMs / 1000).toFixed(1)} s followed <= ${BUDGET.cpuShare * 100}%`,
    cpuShare <= BUDGET.cpuShare
  ],
  [`lines copied per job ${copied.join(', ')} = ${LINES}`, copied.every(n => n === LINES)]
]
console.log(
  `Following ${JOBS} parallel jobs writing ${((LINES * LINE_BYTES) / 1e6).toFixed(1)} MB each, logs: live`
)
console.log(`  requests: ${sim.requests.length} (${perMinute.toFixed(0)} per minute)`)
for (const [text, ok] of checks) console.log(`  ${ok ? 'ok  ' : 'MISS'} ${text}`)
process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1
