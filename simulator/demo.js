// `npm run demo`: starts the Flow simulator on 127.0.0.1 and runs dist/index.js against it as the
// GitHub runner would (inputs as INPUT_* variables, the output/state/summary files), waiting for
// the run while the simulator moves it through its stages. Prints the step's log and outputs, and
// exits with the step's exit code (1 also should the token leak).
//   npm run demo              a run that succeeds: exits 0
//   npm run demo -- --fail    a run whose test job fails (its log is shown): exits 1, as the step fails
//   npm run demo -- --live    logs: live, the jobs' step logs while they are written
import { startFlowSimulator } from './flow-simulator.js'
import { runStep } from './runner.js'

const fail = process.argv.includes('--fail')
const live = process.argv.includes('--live')
/** A step whose lines come out over its share of the job's time (with --live). */
const step = (name, ...lines) => ({ name, log: lines.join('\n') })
const liveSteps = {
  'Java build': [
    step('checkout', '[INFO] Cloning shop-api (master)', '[INFO] HEAD is now at 4f2a9c1'),
    step(
      'mvn package',
      '[INFO] Building shop-api 1.4.0',
      '[INFO] Compiling 214 source files',
      '[INFO] Tests run: 318, Failures: 0',
      '[INFO] BUILD SUCCESS'
    )
  ],
  'Node build': [
    step('npm ci', 'added 812 packages in 9s'),
    step('npm run build', 'vite v5.4.2 building for production...', '✓ 1423 modules transformed.')
  ],
  'Deploy to staging': [
    step('deploy', 'Rolling out shop-api:1.4.0 to staging', 'Waiting for 3/3 pods', 'Rollout done')
  ]
}
const token = 'pt-demoToken0123456789'
const pipelineId = 2024

const demoPipeline = {
  name: 'shop: build, test, deploy',
  sources: [
    { repo: 'https://codeup.aliyun.com/demo-org/shop-api.git', branch: 'master' },
    { repo: 'https://codeup.aliyun.com/demo-org/shop-web.git', branch: 'master' }
  ],
  stages: [
    {
      name: 'Build',
      jobs: [
        { name: 'Java build', durationMs: live ? 5000 : 2500, result: 'SUCCESS' },
        { name: 'Node build', durationMs: live ? 4000 : 1800, result: 'SUCCESS' }
      ]
    },
    {
      name: 'Test',
      jobs: [
        {
          name: 'Unit tests',
          durationMs: 2000,
          result: fail ? 'FAIL' : 'SUCCESS',
          ...(fail
            ? {
                log: '[INFO] Running com.example.shop.CartTest\n[ERROR] Tests run: 12, Failures: 1\n[ERROR] CartTest.totalWithCoupon: expected 90.00 but was 100.00\n[ERROR] BUILD FAILURE'
              }
            : {})
        }
      ]
    },
    {
      name: 'Deploy',
      jobs: [{ name: 'Deploy to staging', durationMs: live ? 3000 : 2000, result: 'SUCCESS' }]
    }
  ]
}
if (live) {
  for (const job of demoPipeline.stages.flatMap(stage => stage.jobs))
    job.steps = liveSteps[job.name]
}
const sim = await startFlowSimulator({
  token,
  organizationId: 'demo-org',
  pipelines: { [pipelineId]: demoPipeline }
})

const inputs = {
  token,
  'organization-id': 'demo-org',
  'pipeline-id': String(pipelineId),
  domain: sim.url,
  branch: 'feature/coupons',
  envs: 'RELEASE_VERSION: 1.4.0\nDEPLOY_ENV: staging',
  wait: 'true',
  'poll-interval': '1s',
  timeout: '2m',
  ...(live ? { logs: 'live' } : {})
}

console.log(`Flow simulator listening on ${sim.url} (center edition, organization demo-org)`)
console.log(`Running: node dist/index.js with`)
for (const [k, v] of Object.entries(inputs))
  console.log(`  INPUT_${k.toUpperCase()}=${k === 'token' ? '***' : JSON.stringify(v)}`)
console.log('\n---------------- step log ----------------')
let result
try {
  result = await runStep({
    inputs,
    onStdout: c => process.stdout.write(c),
    onStderr: c => process.stderr.write(c)
  })
} finally {
  await sim.close()
}
console.log('---------------- end of step log ----------------\n')
console.log(`exit code: ${result.code}`)
console.log('outputs:')
for (const [name, value] of Object.entries(result.outputs)) {
  const shown = value.length > 160 ? `${value.slice(0, 160)}… (${value.length} characters)` : value
  console.log(`  ${name} = ${shown}`)
}
console.log('\njob summary (GITHUB_STEP_SUMMARY):\n')
console.log(result.summary)
const leaked = [result.stdout, result.stderr, result.rawOutputFile, result.summary].some(t =>
  t.replace(`::add-mask::${token}`, '').includes(token)
)
console.log(leaked ? 'TOKEN LEAKED' : 'The token appears nowhere but in the ::add-mask:: command.')
process.exitCode = leaked ? 1 : result.code
