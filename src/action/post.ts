// The post step: a backstop for a main step that ended without finishing the run it started,
// e.g. killed outright (its SIGINT/SIGTERM handling never ran) or unable to stop it. It acts only on
// the run main recorded (run-record.ts) and only ever stops it; then it finishes a GitHub commit
// status or deployment main left pending. With no record, an unreadable one, or nothing left
// undone, it does nothing. It cannot start a run: nothing here leads to CreatePipelineRun.
// It runs in every job that uses the action, so it starts small: the rest (post-work.ts, the Flow
// client) is loaded only when there is work, and logging is plain workflow commands (no @actions/core).
import { addMask, debug, warning } from './commands.js'
import { isUnexpanded, readInput } from './inputs.js'
import { githubReportFromEnv, recordFromEnv } from './run-record.js'

/** The post step's own bound: it gives up (and says so) after this long, whatever is under way. */
export const POST_DEADLINE_MS = 25_000

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const record = recordFromEnv(env)
  const github = githubReportFromEnv(env)
  if (!record || (record.phase === 'finished' && !github)) {
    // Printed only with step debug logging on (the runner shows debug lines only then): printing
    // is the dearest part of a post step that has nothing to do (README "Performance").
    if (env.RUNNER_DEBUG === '1')
      debug('Nothing to do: the main step left no Yunxiao run (nor GitHub status) unfinished.')
    return
  }
  const token = readInput('token', env)
  const secrets = [token]
  if (token) addMask(token)
  if (github) {
    const githubToken = readInput('github-token', env)
    if (githubToken && !isUnexpanded(githubToken)) {
      addMask(githubToken)
      secrets.push(githubToken)
    }
  }
  try {
    const { finishInPost } = await import('./post-work.js')
    await finishInPost({ record, github, token, secrets, env, deadlineMs: POST_DEADLINE_MS })
  } catch (error) {
    // Not expected (each part says what went wrong itself); said without the tokens all the same.
    let text = error instanceof Error ? error.message : String(error)
    for (const secret of secrets) if (secret) text = text.split(secret).join('***')
    warning(`The post step failed: ${text}`)
  }
}
