// `npm run bench`: what the action costs to start, as users run it, measured against a baseline in
// the same run. The machine may be shared and noisy, so only medians and ratios are compared, and
// every action run is paired with a bare `node -e 0` of the same Node right before or after it.
//
// Part 1, start-up. Under both Node 20 (this process) and Node 24 (what GitHub runs, installed by
// scripts/ensure-node24.mjs), each round runs every set below once, each paired with `node -e 0`
// (the order within a pair alternates from round to round). Every step gets what the runner passes:
// an INPUT_<NAME> variable for every input of action.yml (its default unless the set gives a value),
// PATH and the runner's variables, the GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files,
// and STATE_<name> for a post step. The Flow simulator answers on loopback.
//   envs+branches   `envs` (YAML, a few keys) and `branches`
//   branch+envs     `branch` (GetPipeline, then the create) with `envs` and `running-branches`
//   plain           no mapping input
//   post-idle       the post step after a run that was not followed: nothing to do
//   post-stop       the post step stopping a run the main step left running
// and two references: `floor`, a minimal CommonJS client (node:http, one POST to the simulator),
// and, over HTTPS (a second simulator with a certificate made by openssl at bench time, trusted
// through NODE_EXTRA_CA_CERTS), `floor-tls` (the same client with node:https) and `plain-tls` (the
// plain trigger over TLS, as users run it against Yunxiao). The sets above talk plain HTTP on
// loopback, where the action loads no TLS: they measure the action. Over HTTPS, Node's TLS stack
// and the handshake cost more than the action does (README "Performance"); `plain-tls` shows it.
// "over floor": what a set costs above the floor of its transport (time, peak RSS).
// Printed per set and Node: the median of the per-round ratios (action / bare node), the median
// wall time of each, the peak RSS of each process (the OS's: wait4's ru_maxrss through GNU time's
// %M; the median over the rounds, and the highest), and the size of each file in dist/.
//
// Part 2, wait: a run of known length, followed with poll-interval 1s: status reads made, and how
// long after the run's end the action saw it.
//
// Budgets (the bench exits 1 when one is missed), every set, both Nodes: ratio <= 2.0 (the post step
// with nothing to do: <= 1.3), peak RSS <= bare node's + 8 MiB, dist/index.js <= 500 KiB, the end
// of a waited run seen within one poll interval.
//
// Options: --rounds N (default 21), --warmup N (default 2), --sets a,b (some sets only), --node
// this|24 (only the Node running the bench, or only Node 24), --entry FILE / --post-entry FILE (other bundles, e.g. one built with ncc),
// --no-wait (skip part 2), --modules (no timing: list the built-in modules and files each set loads
// beyond what `node -e 0` loads, from process.moduleLoadList).
import { execFileSync, spawn } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync
} from 'node:fs'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, relative, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { hasOpenssl, makeCertificates } from '../simulator/certs.js'
import { startFlowSimulator } from '../simulator/flow-simulator.js'
import {
  ROOT,
  inputEnv,
  parseCommandFile,
  runnerEnv,
  runStep,
  startStep
} from '../simulator/runner.js'
import { node24Path } from './ensure-node24.mjs'

const args = process.argv.slice(2)
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : fallback
}
const ROUNDS = Number(opt('rounds', 21))
const WARMUP = Number(opt('warmup', 2))
const BUDGET = { ratio: 2.0, idlePostRatio: 1.3, rssOverBareMiB: 8, entryKiB: 500, lagMs: 1000 }
const TOKEN = 'pt-benchToken0123456789'
const TIME = '/usr/bin/time'
const MODULES = args.includes('--modules')

// What the runner runs: action.yml's runs.main and runs.post (the post entry may be its own file).
const action = parseYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8'))
const MAIN_ENTRY = resolve(opt('entry', join(ROOT, action.runs.main)))
const POST_ENTRY = resolve(opt('post-entry', join(ROOT, action.runs.post ?? action.runs.main)))
const INPUT_DEFAULTS = Object.fromEntries(
  Object.entries(action.inputs).map(([name, spec]) => [name, spec.default ?? ''])
)

const NODES = [
  { label: `Node ${process.versions.node}`, major: 'this', path: process.execPath },
  { label: 'Node 24', major: '24', path: node24Path }
].filter(n => !opt('node') || opt('node') === n.major)

const median = xs => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Runs argv under GNU time; resolves { ms, rssKiB, code, stderr }. */
function timed(argv, env, cwd) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    // %M: the child's ru_maxrss from wait4, in KiB. On a line of its own, after anything it printed.
    // stdout is a pipe, read and let go, as the runner's is (Node writes to a pipe through a
    // socket, and to /dev/null through another stream: they do not cost the same).
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
      resolve({ ms, rssKiB: Number(m[1]), code, stderr: stderr.slice(0, m.index) })
    })
  })
}

const work = mkdtempSync(join(tmpdir(), 'flow-bench-'))
// Where the runner puts an action: `_actions/<owner>/<repo>/<ref>/` in its work folder, itself in
// the runner user's home (a path of about 75 characters to dist/index.js). The bundle
// (and the floor) run from such a path, not from wherever this clone lives: on Node 24 a file at
// a path this long costs about 2 MiB more peak RSS than one at a short path (Node's own path
// functions get hot while it resolves the entry, and V8 compiles them), and the bench must not
// depend on the clone's location. Node 20 shows no such difference.
const RUNNER_DIR = join(
  work,
  ...['home', 'runner', 'work', '_actions', 'your-org', 'yunxiao-flow-action', 'v1']
)
/** A copy of the directory of `entry` under RUNNER_DIR; gives the copied entry's path. */
function atRunnerPath(entry) {
  const to = join(RUNNER_DIR, basename(join(entry, '..')))
  if (!existsSync(to)) cpSync(join(entry, '..'), to, { recursive: true })
  return join(to, basename(entry))
}
mkdirSync(RUNNER_DIR, { recursive: true })
const MAIN_RUN = atRunnerPath(MAIN_ENTRY)
const POST_RUN = atRunnerPath(POST_ENTRY)
const FLOOR_RUN = join(RUNNER_DIR, 'floor.cjs')
const certs = makeCerts(work)
const simOptions = {
  token: TOKEN,
  organizationId: 'bench-org',
  pipelines: {
    1: {
      name: 'bench',
      sources: [
        { repo: 'https://codeup.aliyun.com/bench/app.git', branch: 'master' },
        { repo: 'https://codeup.aliyun.com/bench/web.git', branch: 'master' }
      ],
      stages: [{ name: 'Build', jobs: [{ name: 'build', durationMs: 1000, result: 'SUCCESS' }] }]
    },
    2: {
      name: 'bench wait',
      sources: [],
      stages: [
        // 4.75 s in all: not a whole number of poll intervals, so the end falls between two reads
        { name: 'Build', jobs: [{ name: 'compile', durationMs: 2300, result: 'SUCCESS' }] },
        { name: 'Deploy', jobs: [{ name: 'deploy', durationMs: 2450, result: 'SUCCESS' }] }
      ]
    },
    3: {
      name: 'bench long',
      sources: [],
      stages: [{ name: 'Deploy', jobs: [{ name: 'deploy', durationMs: 3600_000 }] }]
    }
  }
}
const sim = await startFlowSimulator(simOptions)
// The same Yunxiao over HTTPS, for the TLS sets (none without openssl).
const simTls = certs
  ? await startFlowSimulator({ ...simOptions, tls: { key: certs.key, cert: certs.cert } })
  : undefined
const tlsEnv = certs ? { NODE_EXTRA_CA_CERTS: certs.caFile } : {}

const ENVS =
  'APP_ENV: staging\nVERSION: 1.4.0\nREPLICAS: 3\nDEBUG: false\nRELEASE_NOTE: "fix: login"'
const base = { token: TOKEN, 'organization-id': 'bench-org', 'pipeline-id': '1', domain: sim.url }

const RUN_ID = Symbol('run id')
let idleState

/**
 * Runs the main step (Node 20) with these inputs and gives what it left in GITHUB_STATE, as the
 * runner gives it to the post step (STATE_<name>). With `kill`, the step is killed with SIGKILL as
 * soon as it has read the status of the run it started once. The run id is kept under RUN_ID.
 */
async function mainState(inputs, kill) {
  const before = sim.requests.length
  const step = startStep({ entry: MAIN_RUN, inputs: { ...INPUT_DEFAULTS, ...inputs } })
  if (kill) {
    const read = () =>
      sim.requests.slice(before).some(q => q.method === 'GET' && /\/runs\/\d+$/.test(q.path))
    const started = Date.now()
    while (!read()) {
      if (Date.now() - started > 10_000) throw new Error('the main step read no run status')
      await new Promise(resolve => setTimeout(resolve, 2))
    }
    step.child.kill('SIGKILL')
  }
  const result = await step.done
  if (!kill && result.code !== 0) throw new Error(`the main step failed:\n${result.stdout}`)
  const read = sim.requests
    .slice(before)
    .map(q => q.method === 'GET' && q.path.match(/\/runs\/(\d+)$/))
    .find(Boolean)
  const runId = kill ? read?.[1] : result.outputs['run-id']
  if (!runId) throw new Error('the main step started no run')
  return { ...result.state, [RUN_ID]: runId }
}

// A reference, not the action: a CommonJS file that loads node:http (node:https for an https:// URL)
// and sends one POST to the simulator. What is left above it is the action's.
const FLOOR_SCRIPT = `const client = require(process.env.BENCH_URL.startsWith('https:') ? 'node:https' : 'node:http')
const req = client.request(process.env.BENCH_URL, { method: 'POST', headers: { 'x-yunxiao-token': process.env.BENCH_TOKEN, 'content-type': 'application/json' } }, res => res.resume())
req.end('{}')
`

/** A CA and a certificate for 127.0.0.1 signed by it (openssl), or undefined without openssl. */
function makeCerts(dir) {
  if (!hasOpenssl()) return undefined
  const made = makeCertificates(dir, 'bench CA', { leaf: 'IP:127.0.0.1' })
  return { caFile: made.caFile, key: made.leaves.leaf.key, cert: made.leaves.leaf.cert }
}

const createUrl = server => `${server.url}/oapi/v1/flow/organizations/bench-org/pipelines/1/runs`

const SETS = [
  {
    name: 'floor',
    what: 'reference, not the action: node:http, one POST (no budget)',
    reference: true,
    inputs: {},
    env: { BENCH_URL: createUrl(sim), BENCH_TOKEN: TOKEN },
    check: () => true
  },
  {
    name: 'envs+branches',
    what: '`envs` (5 keys, YAML) + `branches`',
    inputs: { ...base, envs: ENVS, branches: 'main, release/1.4' },
    check: r => r.outputs['run-id'] && JSON.parse(r.outputs.params).envs?.VERSION === '1.4.0'
  },
  {
    name: 'branch+envs',
    what: '`branch` (GetPipeline, then create) + `envs` + `running-branches`',
    inputs: {
      ...base,
      branch: 'release/1.4',
      envs: ENVS,
      'running-branches': 'https://codeup.aliyun.com/bench/web.git: hotfix/login'
    },
    check: r =>
      r.outputs['run-id'] &&
      JSON.parse(r.outputs.params).runningBranchs?.['https://codeup.aliyun.com/bench/web.git'] ===
        'hotfix/login'
  },
  {
    name: 'plain',
    what: 'no mapping input',
    inputs: base,
    check: r => r.outputs['run-id'] && !JSON.parse(r.outputs.params).envs
  },
  {
    name: 'post-idle',
    what: 'post step, nothing to do (the run was not followed)',
    post: true,
    idle: true,
    inputs: base,
    // What a main step that triggered and did not wait leaves in GITHUB_STATE (taken from one).
    state: () => (idleState ??= mainState({ ...base }, false)),
    check: () => true
  },
  {
    name: 'post-stop',
    what: 'post step stopping a run main left running',
    post: true,
    inputs: { ...base, 'pipeline-id': '3' },
    // A main step that follows a run of an hour, killed outright (SIGKILL, as when a runner dies)
    // once it reads the run's status: its GITHUB_STATE is what this post step gets.
    state: () => mainState({ ...base, 'pipeline-id': '3', wait: 'true', logs: 'none' }, true),
    check: (r, state) => {
      const stops = sim.requests.filter(
        q => q.method === 'PUT' && q.path.endsWith(`/pipelines/3/runs/${state[RUN_ID]}`)
      )
      return stops.length === 1
    }
  },
  ...(simTls
    ? [
        {
          name: 'floor-tls',
          what: 'reference, not the action: node:https, one POST over TLS (no budget)',
          reference: true,
          tls: true,
          inputs: {},
          env: { BENCH_URL: createUrl(simTls), BENCH_TOKEN: TOKEN, ...tlsEnv },
          check: () => true
        },
        {
          name: 'plain-tls',
          what: 'no mapping input, over HTTPS (as users run it; no budget: see README)',
          noBudget: true,
          tls: true,
          inputs: { ...base, domain: simTls.url },
          env: tlsEnv,
          check: r => r.outputs['run-id'] && !JSON.parse(r.outputs.params).envs
        }
      ]
    : [])
].filter(s => !opt('sets') || opt('sets').split(',').includes(s.name))

const bareEnv = runnerEnv(work)
writeFileSync(FLOOR_RUN, FLOOR_SCRIPT)

/** The environment of one step of a set, and where its command files are. */
async function stepEnv(set) {
  const files = {
    GITHUB_OUTPUT: join(work, 'output'),
    GITHUB_STATE: join(work, 'state'),
    GITHUB_STEP_SUMMARY: join(work, 'summary')
  }
  for (const f of Object.values(files)) writeFileSync(f, '')
  const state = set.state ? await set.state() : {}
  const env = {
    ...runnerEnv(work),
    ...inputEnv({ ...INPUT_DEFAULTS, ...set.inputs }),
    ...Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v])),
    ...files,
    ...set.env
  }
  return { env, files, state }
}

function readResult(files, run) {
  return {
    ...run,
    outputs: parseCommandFile(readFileSync(files.GITHUB_OUTPUT, 'utf8'))
  }
}

const entryOf = set => (set.reference ? FLOOR_RUN : set.post ? POST_RUN : MAIN_RUN)

const fmtMs = ms => `${ms.toFixed(1)} ms`
const fmtMiB = kib => `${(kib / 1024).toFixed(1)} MiB`

async function measureStartup() {
  /** results[node.label][set.name] = { ratios, bareMs, actionMs, bareRss, actionRss } */
  const results = {}
  for (const node of NODES) {
    results[node.label] = {}
    for (const set of SETS)
      results[node.label][set.name] = { ratios: [], bareMs: [], ms: [], bareRss: [], rss: [] }
  }
  const total = WARMUP + ROUNDS
  for (let round = 0; round < total; round++) {
    if (process.stderr.isTTY)
      process.stderr.write(`\rround ${round + 1}/${total}${round < WARMUP ? ' (warm-up)' : ''}   `)
    for (const node of NODES) {
      for (const set of SETS) {
        const { env, files, state } = await stepEnv(set)
        const entry = entryOf(set)
        const runBare = () => timed([node.path, '-e', '0'], bareEnv, work)
        const runAction = () => timed([node.path, entry], env, work)
        let bare, run
        // Alternate the order so that neither command always runs second.
        if (round % 2) {
          run = await runAction()
          bare = await runBare()
        } else {
          bare = await runBare()
          run = await runAction()
        }
        if (run.code !== 0 || bare.code !== 0)
          throw new Error(`${set.name} on ${node.label} failed:\n${run.stderr.slice(-2000)}`)
        if (!set.check(readResult(files, run), state))
          throw new Error(`${set.name} on ${node.label} did not do its work`)
        if (round < WARMUP) continue
        const r = results[node.label][set.name]
        r.ratios.push(run.ms / bare.ms)
        r.bareMs.push(bare.ms)
        r.ms.push(run.ms)
        r.bareRss.push(bare.rssKiB)
        r.rss.push(run.rssKiB)
      }
    }
  }
  if (process.stderr.isTTY) process.stderr.write('\r' + ' '.repeat(40) + '\r')
  return results
}

/** Built-in modules and files a set loads beyond `node -e 0` (one run each, no timing). */
async function listModules() {
  const hook = join(work, 'modules-hook.cjs')
  const out = join(work, 'modules.json')
  writeFileSync(
    hook,
    `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify({ list: process.moduleLoadList, files: Object.keys(require.cache) })))\n`
  )
  const loaded = async (argv, env) => {
    const run = await timed([argv[0], '--require', hook, ...argv.slice(1)], env, work)
    if (run.code !== 0) throw new Error(`${argv.join(' ')} failed:\n${run.stderr}`)
    return JSON.parse(readFileSync(out, 'utf8'))
  }
  for (const node of NODES) {
    const bare = await loaded([node.path, '-e', '0'], bareEnv)
    const seen = new Set(bare.list)
    for (const set of SETS) {
      const { env } = await stepEnv(set)
      const mod = await loaded([node.path, entryOf(set)], env)
      const extra = mod.list.filter(m => !seen.has(m))
      const builtins = extra.filter(m => m.startsWith('NativeModule ')).map(m => m.slice(13))
      const files = mod.files
        .filter(f => f !== hook)
        .map(f => (relative(ROOT, f).startsWith('..') ? basename(f) : relative(ROOT, f)))
      const pub = builtins.filter(m => !m.startsWith('internal/'))
      console.log(
        `${node.label}, ${set.name}: ${files.join(', ') || 'no file'}; ${builtins.length} built-in modules beyond node -e 0 (${builtins.length - pub.length} internal), public: ${pub.join(' ') || 'none'}`
      )
    }
  }
}

function distSizes() {
  const dir = join(MAIN_ENTRY, '..')
  return readdirSync(dir)
    .filter(f => /\.(m?js|cjs)$/.test(f))
    .map(f => ({ file: relative(ROOT, join(dir, f)), kib: statSync(join(dir, f)).size / 1024 }))
}

async function measureWait() {
  const before = sim.requests.length
  const waited = await runStep({
    node: NODES[0].path,
    entry: MAIN_RUN,
    inputs: {
      ...INPUT_DEFAULTS,
      ...base,
      'pipeline-id': '2',
      wait: 'true',
      'poll-interval': '1s',
      logs: 'none'
    }
  })
  if (waited.code !== 0) throw new Error(`the waited run failed:\n${waited.stdout}`)
  const run = JSON.parse(waited.outputs['run-json'])
  const runId = waited.outputs['run-id']
  const ends = run.stages.flatMap(s => s.stageInfo.jobs.map(j => j.endTime))
  const starts = run.stages.flatMap(s => s.stageInfo.jobs.map(j => j.startTime))
  const endedAt = Math.max(...ends)
  const reads = sim.requests
    .slice(before)
    .filter(r => r.method === 'GET' && r.path.endsWith(`/runs/${runId}`))
  const seen = reads.find(r => r.time >= endedAt)
  const lag = seen ? seen.time - endedAt : NaN
  const created = sim.requests.slice(before).find(r => r.method === 'POST')
  const runMs = endedAt - created.time
  return {
    runS: (endedAt - Math.min(...starts)) / 1000,
    runMs,
    reads: reads.length,
    firstReadMs: reads[0].time - created.time,
    lag
  }
}

const verdict = ok => (ok ? 'ok' : 'OVER BUDGET')
let ok = true

try {
  if (!existsSync(TIME)) {
    console.error(
      `${TIME} (GNU time) is missing: it gives the peak RSS of each process. Install it (Debian: apt-get install time).`
    )
    process.exit(1)
  }
  for (const node of NODES) {
    if (!existsSync(node.path)) {
      console.error(
        `${node.label} is missing at ${node.path}: run "node scripts/ensure-node24.mjs".`
      )
      process.exit(1)
    }
    node.label = `Node ${execFileSync(node.path, ['--version'], { encoding: 'utf8' }).trim().slice(1)}`
  }
  console.log(
    `main: ${relative(ROOT, MAIN_ENTRY)}, post: ${relative(ROOT, POST_ENTRY)} (action.yml runs.main / runs.post), run from a copy at a path like the runner's (${relative(work, MAIN_RUN)})`
  )
  console.log(
    `every step gets all ${Object.keys(INPUT_DEFAULTS).length} INPUT_ variables, ${Object.keys(bareEnv).length} runner variables and the command files`
  )
  if (MODULES) {
    await listModules()
    process.exit(0)
  }
  console.log(
    `${ROUNDS} rounds after ${WARMUP} warm-up rounds; every action run paired with node -e 0\n`
  )
  const results = await measureStartup()
  const rows = []
  for (const node of NODES) {
    for (const set of SETS) {
      const r = results[node.label][set.name]
      const ratio = median(r.ratios)
      const ratioBudget = set.idle ? BUDGET.idlePostRatio : BUDGET.ratio
      const rss = median(r.rss)
      const bareRss = median(r.bareRss)
      const overMiB = (rss - bareRss) / 1024
      const budgeted = !set.reference && !set.noBudget
      const ratioOk = !budgeted || ratio <= ratioBudget
      const rssOk = !budgeted || overMiB <= BUDGET.rssOverBareMiB
      ok &&= ratioOk && rssOk
      const floor = results[node.label][set.tls ? 'floor-tls' : 'floor']
      const overFloor =
        floor && !set.name.startsWith('floor') && !set.post
          ? `+${(median(r.ms) - median(floor.ms)).toFixed(1)} ms, +${((rss - median(floor.rss)) / 1024).toFixed(1)} MiB`
          : '-'
      rows.push([
        node.label,
        set.name,
        `${ratio.toFixed(2)}x ${ratioOk ? '' : '!'}`.trim(),
        budgeted ? `<= ${ratioBudget}` : '-',
        fmtMs(median(r.ms)),
        fmtMs(median(r.bareMs)),
        fmtMiB(rss),
        fmtMiB(Math.max(...r.rss)),
        fmtMiB(bareRss),
        `+${overMiB.toFixed(1)} MiB ${rssOk ? '' : '!'}`.trim(),
        overFloor
      ])
    }
  }
  const head = [
    'Node',
    'set',
    'ratio',
    'budget',
    'action',
    'node -e 0',
    'RSS',
    'RSS max',
    'bare RSS',
    'RSS - bare',
    'over floor'
  ]
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)))
  const line = cells => cells.map((c, i) => c.padEnd(widths[i])).join('  ')
  console.log(line(head))
  for (const r of rows) console.log(line(r))
  console.log(
    `\nratio: median of the per-round ratios (action / node -e 0); action, node -e 0: median wall times;`
  )
  console.log(
    `RSS: median of the peak RSS of each run (RSS max: the highest); budget: RSS - bare <= ${BUDGET.rssOverBareMiB} MiB; ! = over budget`
  )
  console.log(
    `over floor: median time and RSS above the floor of the same transport (floor, or floor-tls for plain-tls)`
  )
  for (const set of SETS) console.log(`  ${set.name.padEnd(14)} ${set.what}`)
  if (!simTls) console.log('  (openssl is missing: the TLS sets were skipped)')

  console.log('\nBundle:')
  for (const { file, kib } of distSizes()) {
    const isEntry = resolve(ROOT, file) === MAIN_ENTRY
    const entryOk = !isEntry || kib <= BUDGET.entryKiB
    ok &&= entryOk
    console.log(
      `  ${file.padEnd(20)} ${kib.toFixed(1).padStart(6)} KiB${isEntry ? `   budget <= ${BUDGET.entryKiB}  ${verdict(entryOk)}` : ''}`
    )
  }

  if (!args.includes('--no-wait')) {
    const w = await measureWait()
    console.log(`\nWait (${NODES[0].label}), poll-interval 1s, a run of ${w.runS.toFixed(1)} s:`)
    console.log(
      `  status reads                ${w.reads} (the run took ${(w.runMs / 1000).toFixed(2)} s from the trigger: at most ${Math.ceil(w.runMs / 1000) + 1} reads at one a second)`
    )
    console.log(`  first read after trigger    ${w.firstReadMs.toFixed(0)} ms`)
    const lagOk = w.lag <= BUDGET.lagMs
    ok &&= lagOk
    console.log(
      `  end seen after the run end  ${w.lag.toFixed(0)} ms   budget <= ${BUDGET.lagMs} (one interval)  ${verdict(lagOk)}`
    )
  }
  console.log(ok ? '\nAll budgets met.' : '\nSome budget is not met.')
  process.exitCode = ok ? 0 : 1
} finally {
  await sim.close()
  await simTls?.close()
  rmSync(work, { recursive: true, force: true })
}
