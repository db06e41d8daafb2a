// `npm run bench`: what the action costs to start, as users run it (docs/performance.md).
//
// On Node 20 (this process) and Node 24 (scripts/ensure-node24.mjs), the main step talks HTTPS to
// the Flow simulator on loopback, whose certificate comes from a private CA (NODE_EXTRA_CA_CERTS,
// set for both sides). Every action run is paired with a run of the "floor" from the same Node: a
// CommonJS file that sends one bare HTTPS POST to the same server. The order within a pair
// alternates from round to round. What the action costs is the median of the paired differences
// (wall time, and peak RSS: wait4's ru_maxrss through GNU time's %M):
//   plain           a trigger with no mapping input
//   envs+branches   a trigger with `envs` (YAML, three keys) and `branches`
// The post step with nothing to do (main triggered and did not wait) is paired with `node -e 0`,
// both with NODE_EXTRA_CA_CERTS (Node 20 reads it at start), and measured as the median of the per-pair ratios. Every step gets what the runner passes:
// an INPUT_ variable for every input of action.yml (its default unless the set gives a value), the
// runner's variables, the command files and, for the post step, STATE_<name>.
//
// Budgets (exit 1 when one is missed), both Nodes: see BUDGET.
// Then, on each Node, the following figure of `logs: live` (scripts/bench-follow.mjs).
// Options: --rounds N (default 41), --warmup N (default 2), --node this|24 (one Node only),
// --follow-seconds N (default 30; 0 skips the following figure).
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { makeCertificates } from '../simulator/certs.js'
import { startFlowSimulator } from '../simulator/flow-simulator.js'
import {
  DIST_ENTRY,
  DIST_POST_ENTRY,
  inputEnv,
  parseCommandFile,
  ROOT,
  runnerEnv,
  runStep
} from '../simulator/runner.js'
import { node24Path } from './ensure-node24.mjs'

const args = process.argv.slice(2)
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : fallback
}
const ROUNDS = Number(opt('rounds', 41))
const WARMUP = Number(opt('warmup', 2))
const FOLLOW_SECONDS = Number(opt('follow-seconds', 30))
/** Over the floor: ms and MiB per set; the idle post step: ratio to `node -e 0`; KiB of index.js. */
const BUDGET = {
  plain: { ms: 15, mib: 4 },
  'envs+branches': { ms: 25, mib: 6 },
  idlePostRatio: 1.15,
  entryKiB: 300
}
const TOKEN = 'pt-benchToken0123456789'
const TIME = '/usr/bin/time'

for (const [file, fix] of [
  [TIME, 'GNU time gives the peak RSS of each process (Debian: apt-get install time)'],
  [node24Path, 'run "node scripts/ensure-node24.mjs"']
]) {
  if (!existsSync(file)) {
    console.error(`${file} is missing: ${fix}.`)
    process.exit(1)
  }
}
const NODES = [
  { major: 'this', path: process.execPath },
  { major: '24', path: node24Path }
]
  .filter(n => !opt('node') || opt('node') === n.major)
  .map(n => ({ ...n, label: `Node ${execFileSync(n.path, ['-v'], { encoding: 'utf8' }).trim()}` }))

const median = xs => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Runs argv under GNU time; resolves { ms, kib, code, stderr }. */
function timed(argv, env, cwd) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    // %M: the child's ru_maxrss, in KiB, on a line of its own. stdout is a pipe, read and let go,
    // as the runner's is (Node writes to a pipe and to /dev/null through different streams).
    const child = spawn(TIME, ['-f', '\nmaxrss=%M', ...argv], {
      env,
      cwd,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    child.stdout.resume()
    let stderr = ''
    child.stderr.on('data', c => (stderr += c))
    child.on('error', reject)
    child.on('close', code => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      const m = stderr.match(/\nmaxrss=(\d+)\s*$/)
      if (!m) return reject(new Error(`no peak RSS from ${TIME}:\n${stderr.slice(-1000)}`))
      resolve({ ms, kib: Number(m[1]), code, stderr: stderr.slice(0, m.index) })
    })
  })
}

const work = mkdtempSync(join(tmpdir(), 'flow-bench-'))
// Where the runner puts an action: `_actions/<owner>/<repo>/<ref>/` under the runner user's home.
// dist/ and the floor run from a copy at such a path, not from this clone: on Node 24, a file at a
// path this long costs more peak RSS than one at a short path (Node's path functions get hot while
// it resolves the entry, and V8 compiles them), and the figures must not depend on the clone's place.
const RUNNER_DIR = join(
  work,
  ...['home', 'runner', 'work', '_actions', 'your-org', 'yunxiao-flow-action', 'v1']
)
mkdirSync(RUNNER_DIR, { recursive: true })
cpSync(join(DIST_ENTRY, '..'), join(RUNNER_DIR, 'dist'), { recursive: true })
const MAIN_RUN = join(RUNNER_DIR, 'dist', basename(DIST_ENTRY))
const POST_RUN = join(RUNNER_DIR, 'dist', basename(DIST_POST_ENTRY))
const FLOOR_RUN = join(RUNNER_DIR, 'floor.cjs')
// The floor: one bare POST over HTTPS, with what the action sends at least (a token and a body).
writeFileSync(
  FLOOR_RUN,
  `const req = require('node:https').request(process.env.BENCH_URL, { method: 'POST', headers: { 'x-yunxiao-token': process.env.BENCH_TOKEN, 'content-type': 'application/json' } }, res => res.resume())
req.end('{}')
`
)

const certs = makeCertificates(work, 'bench CA', { leaf: 'IP:127.0.0.1' })
const sim = await startFlowSimulator({
  token: TOKEN,
  organizationId: 'bench-org',
  pipelines: {
    1: {
      name: 'bench',
      sources: [{ repo: 'https://codeup.aliyun.com/bench/app.git', branch: 'master' }],
      stages: [{ name: 'Build', jobs: [{ name: 'build', durationMs: 1000, result: 'SUCCESS' }] }]
    }
  },
  tls: certs.leaves.leaf
})
const TLS = { NODE_EXTRA_CA_CERTS: certs.caFile }
const action = parseYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8'))
const INPUT_DEFAULTS = Object.fromEntries(
  Object.entries(action.inputs).map(([name, spec]) => [name, spec.default ?? ''])
)
const base = { token: TOKEN, 'organization-id': 'bench-org', 'pipeline-id': '1', domain: sim.url }
const params = files =>
  JSON.parse(parseCommandFile(readFileSync(files.GITHUB_OUTPUT, 'utf8')).params)

const SETS = [
  { name: 'plain', inputs: base, check: files => !params(files).envs },
  {
    name: 'envs+branches',
    inputs: {
      ...base,
      envs: 'APP_ENV: staging\nVERSION: 1.0\nDEBUG: false',
      branches: 'main, release/1.4'
    },
    check: files => params(files).envs?.VERSION === '1.0'
  },
  { name: 'post-idle', post: true, inputs: base, check: () => true }
]

/** The environment of one step of a set, and its command files. */
function stepEnv(set, state) {
  const files = Object.fromEntries(
    ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY'].map(k => [k, join(work, k)])
  )
  for (const f of Object.values(files)) writeFileSync(f, '')
  const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]))
  const inputs = inputEnv({ ...INPUT_DEFAULTS, ...set.inputs })
  return {
    env: { ...runnerEnv(work), ...inputs, ...(set.post ? stateEnv : {}), ...files, ...TLS },
    files
  }
}

async function measure() {
  // What a main step that triggered and did not wait leaves for its post step.
  const main = await runStep({ entry: MAIN_RUN, inputs: { ...INPUT_DEFAULTS, ...base }, env: TLS })
  if (main.code !== 0) throw new Error(`the main step failed:\n${main.stdout}`)
  const floorEnv = {
    ...runnerEnv(work),
    ...TLS,
    BENCH_URL: `${sim.url}/oapi/v1/flow/organizations/bench-org/pipelines/1/runs`,
    BENCH_TOKEN: TOKEN
  }
  const results = []
  for (const node of NODES)
    for (const set of SETS) results.push({ node, set, ms: [], kib: [], ratio: [] })
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    for (const r of results) {
      const { env, files } = stepEnv(r.set, main.state)
      const runAction = () => timed([r.node.path, r.set.post ? POST_RUN : MAIN_RUN], env, work)
      const runRef = r.set.post
        ? () => timed([r.node.path, '-e', '0'], { ...runnerEnv(work), ...TLS }, work)
        : () => timed([r.node.path, FLOOR_RUN], floorEnv, work)
      const [action, ref] =
        round % 2
          ? [await runAction(), await runRef()]
          : [await runRef(), await runAction()].reverse()
      if (action.code !== 0 || ref.code !== 0 || !r.set.check(files))
        throw new Error(`${r.set.name} on ${r.node.label} failed:\n${action.stderr}${ref.stderr}`)
      if (round < WARMUP) continue
      r.ms.push(action.ms - ref.ms)
      r.kib.push(action.kib - ref.kib)
      r.ratio.push(action.ms / ref.ms)
    }
  }
  return results
}

let ok = true
const line = cells => cells.map(([c, w]) => String(c).padEnd(w)).join('  ')
try {
  console.log(
    `${ROUNDS} rounds after ${WARMUP} warm-up; each run paired with the floor (a bare HTTPS POST), the post step with node -e 0`
  )
  const results = await measure()
  console.log(
    line([
      ['Node', 14],
      ['set', 14],
      ['time', 24],
      ['peak RSS', 24]
    ])
  )
  for (const { node, set, ms, kib, ratio } of results) {
    const mark = pass => ((ok &&= pass), pass ? '' : ' OVER')
    if (set.post) {
      const x = median(ratio)
      const cell = `${x.toFixed(2)}x node -e 0 (<= ${BUDGET.idlePostRatio})${mark(x <= BUDGET.idlePostRatio)}`
      console.log(
        line([
          [node.label, 14],
          [set.name, 14],
          [cell, 24]
        ])
      )
      continue
    }
    const b = BUDGET[set.name]
    const [dMs, dMiB] = [median(ms), median(kib) / 1024]
    console.log(
      line([
        [node.label, 14],
        [set.name, 14],
        [`${dMs >= 0 ? '+' : ''}${dMs.toFixed(1)} ms (<= ${b.ms})${mark(dMs <= b.ms)}`, 24],
        [`${dMiB >= 0 ? '+' : ''}${dMiB.toFixed(2)} MiB (<= ${b.mib})${mark(dMiB <= b.mib)}`, 24]
      ])
    )
  }
  console.log('time, peak RSS: the median of the paired differences, action minus floor')
  const kib = statSync(DIST_ENTRY).size / 1024
  const entryOk = kib <= BUDGET.entryKiB
  ok &&= entryOk
  console.log(
    `dist/index.js ${kib.toFixed(1)} KiB (<= ${BUDGET.entryKiB})${entryOk ? '' : ' OVER'}`
  )
  for (const node of FOLLOW_SECONDS > 0 ? NODES : []) {
    console.log(`${node.label}:`)
    const follow = [join(ROOT, 'scripts', 'bench-follow.mjs'), '--node', node.path]
    const run = spawnSync(process.execPath, [...follow, '--seconds', String(FOLLOW_SECONDS)], {
      stdio: ['ignore', 'inherit', 'inherit']
    })
    ok &&= run.status === 0
  }
  console.log(ok ? 'All budgets met.' : 'Some budget is not met.')
  process.exitCode = ok ? 0 : 1
} finally {
  await sim.close()
  rmSync(work, { recursive: true, force: true })
}
