// `npm run bench`: what the action costs to start and to wait, measured against a baseline in the
// same run (this machine is shared and noisy, so only ratios and medians are compared).
//
// 1. Trigger: interleaves `node -e 0` and `node dist/index.js` triggering the Flow simulator on
//    loopback, both with the same clean environment (PATH and the runner's variables only), and
//    prints the median wall time of each, the median of the per-round ratios, peak RSS (from the
//    OS, /usr/bin/time -f %M) and the bundle size.
// 2. Wait: a run of known length, followed with poll-interval 1s: status reads made, and how long
//    after the run's end the action saw it.
//
// Options: --rounds N (default 21), --warmup N (default 3), --entry FILE (another bundle, e.g. one
// built with ncc, to compare), --no-wait (skip part 2). Exits 1 when a budget is not met.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { startFlowSimulator } from '../simulator/flow-simulator.js'
import { DIST_ENTRY, inputEnv, parseCommandFile, runnerEnv, runStep } from '../simulator/runner.js'

const args = process.argv.slice(2)
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : fallback
}
const ROUNDS = Number(opt('rounds', 21))
const WARMUP = Number(opt('warmup', 3))
const ENTRY = opt('entry', DIST_ENTRY)
const BUDGET = { ratio: 2.0, rssMiB: 50, bundleKiB: 500 }
const TOKEN = 'pt-benchToken0123456789'
const TIME = '/usr/bin/time'

const median = xs => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Runs argv under /usr/bin/time; resolves { ms, rssKiB, code }. */
function timed(argv, env) {
  return new Promise((resolve, reject) => {
    const useTime = existsSync(TIME)
    const cmd = useTime ? TIME : argv[0]
    const cmdArgs = useTime ? ['-f', '%M', ...argv] : argv.slice(1)
    const started = process.hrtime.bigint()
    const child = spawn(cmd, cmdArgs, { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', c => (stderr += c))
    child.on('error', reject)
    child.on('close', code => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      const last = stderr.trim().split('\n').at(-1)
      resolve({ ms, rssKiB: useTime ? Number(last) : NaN, code, stderr })
    })
  })
}

function bundleSize(entry) {
  const dir = join(entry, '..')
  let total = 0
  const walk = d => {
    for (const f of readdirSync(d)) {
      const p = join(d, f)
      if (statSync(p).isDirectory()) walk(p)
      else if (/\.(m?js|cjs)$/.test(f)) total += statSync(p).size
    }
  }
  walk(dir)
  return { entry: statSync(entry).size, allJs: total }
}

const sim = await startFlowSimulator({
  token: TOKEN,
  organizationId: 'bench-org',
  pipelines: {
    1: {
      name: 'bench',
      sources: [{ repo: 'https://codeup.aliyun.com/bench/app.git', branch: 'master' }],
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
    }
  }
})

const work = mkdtempSync(join(tmpdir(), 'flow-bench-'))
const baseEnv = runnerEnv(work)
const outputFile = join(work, 'output')
const actionEnv = {
  ...baseEnv,
  ...inputEnv({
    token: TOKEN,
    'organization-id': 'bench-org',
    'pipeline-id': '1',
    domain: sim.url
  }),
  GITHUB_OUTPUT: outputFile,
  GITHUB_STATE: join(work, 'state'),
  GITHUB_STEP_SUMMARY: join(work, 'summary')
}

try {
  console.log(`node ${process.version}; <entry> = ${relative(process.cwd(), ENTRY)}`)
  console.log(`clean environment: ${Object.keys(baseEnv).length} variables (PATH and the runner's)`)
  if (!existsSync(TIME)) console.log(`${TIME} not found: peak RSS is not measured`)
  const bare = []
  const action = []
  const ratios = []
  const rss = []
  const bareRss = []
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    for (const f of [outputFile, actionEnv.GITHUB_STATE, actionEnv.GITHUB_STEP_SUMMARY])
      writeFileSync(f, '')
    // Alternate the order so that neither command always runs second.
    const pair = []
    const runBare = () => timed([process.execPath, '-e', '0'], baseEnv)
    const runAction = () => timed([process.execPath, ENTRY], actionEnv)
    if (round % 2) {
      pair[1] = await runAction()
      pair[0] = await runBare()
    } else {
      pair[0] = await runBare()
      pair[1] = await runAction()
    }
    const [b, a] = pair
    if (a.code !== 0) throw new Error(`the action failed:\n${a.stderr.slice(-2000)}`)
    const outputs = parseCommandFile((await import('node:fs')).readFileSync(outputFile, 'utf8'))
    if (!outputs['run-id']) throw new Error('the action set no run-id')
    if (round < WARMUP) continue
    bare.push(b.ms)
    action.push(a.ms)
    ratios.push(a.ms / b.ms)
    rss.push(a.rssKiB)
    bareRss.push(b.rssKiB)
  }
  const size = bundleSize(ENTRY)
  const result = {
    bareMs: median(bare),
    actionMs: median(action),
    ratio: median(ratios),
    rssMiB: Math.max(...rss) / 1024,
    bareRssMiB: median(bareRss) / 1024,
    entryKiB: size.entry / 1024,
    allJsKiB: size.allJs / 1024
  }
  const verdict = ok => (ok ? 'ok' : 'OVER BUDGET')
  console.log(`\nTrigger, ${ROUNDS} rounds after ${WARMUP} warm-up rounds:`)
  console.log(
    `  node -e 0                   median ${result.bareMs.toFixed(1)} ms, peak RSS ${result.bareRssMiB.toFixed(1)} MiB`
  )
  console.log(`  node <entry> (the trigger)  median ${result.actionMs.toFixed(1)} ms`)
  console.log(
    `  ratio (median of rounds)    ${result.ratio.toFixed(2)}x   budget <= ${BUDGET.ratio}  ${verdict(result.ratio <= BUDGET.ratio)}`
  )
  console.log(
    `  action peak RSS (max)       ${result.rssMiB.toFixed(1)} MiB   budget <= ${BUDGET.rssMiB}  ${verdict(!(result.rssMiB > BUDGET.rssMiB))}`
  )
  console.log(
    `  dist/index.js               ${result.entryKiB.toFixed(1)} KiB   budget <= ${BUDGET.bundleKiB}  ${verdict(result.entryKiB <= BUDGET.bundleKiB)}`
  )
  console.log(`  all of dist/ (JS, chunks)   ${result.allJsKiB.toFixed(1)} KiB`)
  let ok =
    result.ratio <= BUDGET.ratio &&
    !(result.rssMiB > BUDGET.rssMiB) &&
    result.entryKiB <= BUDGET.bundleKiB

  if (!args.includes('--no-wait')) {
    const before = sim.requests.length
    const waited = await runStep({
      entry: ENTRY,
      inputs: {
        token: TOKEN,
        'organization-id': 'bench-org',
        'pipeline-id': '2',
        domain: sim.url,
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
    console.log(
      `\nWait, poll-interval 1s, a run of ${((endedAt - Math.min(...starts)) / 1000).toFixed(1)} s:`
    )
    const runMs = endedAt - created.time
    console.log(
      `  status reads                ${reads.length} (the run took ${(runMs / 1000).toFixed(2)} s from the trigger: at most ${Math.ceil(runMs / 1000) + 1} reads at one a second)`
    )
    console.log(`  first read after trigger    ${(reads[0].time - created.time).toFixed(0)} ms`)
    console.log(
      `  end seen after the run end  ${lag.toFixed(0)} ms   budget <= 1000 (one interval)  ${verdict(lag <= 1000)}`
    )
    ok = ok && lag <= 1000
  }
  console.log(ok ? '\nAll budgets met.' : '\nSome budget is not met.')
  process.exitCode = ok ? 0 : 1
} finally {
  await sim.close()
  rmSync(work, { recursive: true, force: true })
}
