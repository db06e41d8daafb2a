// `npm run local-action [-- <env file>]`: runs the action's main and post entries with GitHub's
// @github/local-action (which stands in for @actions/core and reads inputs from a dotenv file)
// against the Flow simulator, started here on the port of the file's INPUT_DOMAIN and stopped
// after. The env file defaults to .env.example. Exits with local-action's code: non-zero when the
// action failed (a run that ended FAIL, a bad input, ...).
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'
import {
  startFlowSimulator,
  defaultPipeline,
  failingPipeline
} from '../simulator/flow-simulator.js'

const envFile = process.argv[2] ?? '.env.example'
const env = parseEnv(readFileSync(envFile, 'utf8'))
const domain = new URL(env['INPUT_DOMAIN'] ?? '')
if (!['127.0.0.1', 'localhost', '[::1]'].includes(domain.hostname)) {
  console.error(`${envFile}: INPUT_DOMAIN must be the simulator on loopback, not ${domain.origin}`)
  process.exit(2)
}

const sim = await startFlowSimulator({
  port: Number(domain.port),
  host: domain.hostname.replace(/^\[|\]$/g, ''),
  token: env['INPUT_TOKEN'],
  organizationId: env['INPUT_ORGANIZATION-ID'] || undefined,
  pipelines: { 123: defaultPipeline(), 124: failingPipeline() }
})
console.log(`Flow simulator on ${sim.url}: pipeline 123 succeeds, 124 fails`)

const child = spawn(
  'npx',
  [
    'local-action',
    'run',
    '.',
    'src/action/steps/main.ts',
    envFile,
    '--post',
    'src/action/steps/post.ts'
  ],
  { stdio: 'inherit' }
)
const code = await new Promise(resolve =>
  child.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)))
)
await sim.close()
console.log(`local-action exited with ${code}`)
process.exit(code)
