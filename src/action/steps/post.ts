// The post step: a backstop for a main step that ended without finishing the run it started, e.g.
// killed outright or unable to stop it. It acts only on the run main recorded (run-record.ts) and
// only ever stops it; then it finishes a GitHub commit status or deployment main left pending. It
// cannot start a run. It runs in every job that uses the action, so it starts small: its work
// (post-work.ts) is loaded only when there is some, and it writes plain workflow commands.
import { debug, warning } from '../output/commands.js'
import { secretInputs } from '../inputs/inputs.js'
import { githubReportFromEnv, recordFromEnv } from './run-record.js'

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const record = recordFromEnv(env)
  const github = githubReportFromEnv(env)
  if (!record || (record.phase === 'finished' && !github)) {
    // Only with step debug logging on: printing is the dearest part of a post step with nothing to do.
    if (env.RUNNER_DEBUG === '1')
      debug('Nothing to do: the main step left no Yunxiao run (nor GitHub status) unfinished.')
    return
  }
  try {
    const { finishInPost } = await import('./post-work.js')
    await finishInPost({ record, github, env })
  } catch (error) {
    // Not expected (each part says what went wrong itself); said without the tokens all the same.
    let text = error instanceof Error ? error.message : String(error)
    for (const secret of secretInputs(env)) if (secret) text = text.split(secret).join('***')
    warning(`The post step failed: ${text}`)
  }
}
