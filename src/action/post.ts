// The post step: a backstop for a main step that ended without finishing the run it started,
// e.g. killed outright (its SIGINT/SIGTERM handling never ran) or unable to stop it. It acts only on
// the run main recorded (run-record.ts) and only ever stops it; with no record, an unreadable one,
// or a finished one, it does nothing. It cannot start a run: nothing here leads to CreatePipelineRun.
// It runs in every job that uses the action, so it starts small: the Flow client is loaded only when
// there is a run to stop, and logging is plain workflow commands (no @actions/core).
import { addMask, debug, info, warning } from './commands.js'
import { readInput } from './inputs.js'
import { runUrl } from './links.js'
import { recordFromEnv } from './run-record.js'

/** The post step's own bound: it gives up (and says so) after this long, whatever is under way. */
export const POST_DEADLINE_MS = 25_000

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const record = recordFromEnv(env)
  if (!record) {
    debug('Nothing to do: the main step recorded no Yunxiao run.')
    return
  }
  if (record.phase === 'finished') {
    debug(`Nothing to do: the main step was done with Yunxiao run #${record.runId}.`)
    return
  }
  const url = runUrl(record.consoleUrl, record.pipelineId, record.runId)
  if (!record.stop) {
    info(`Yunxiao run #${record.runId} may still be running (stop-on-cancel is false): ${url}`)
    return
  }
  const token = readInput('token', env)
  if (!token) {
    warning(
      `Could not stop Yunxiao run #${record.runId}: the token input is empty. Stop it by hand: ${url}`
    )
    return
  }
  addMask(token)
  try {
    const { stopLeftRun } = await import('./post-stop.js')
    await stopLeftRun({ record, token, deadlineMs: POST_DEADLINE_MS })
  } catch (error) {
    // Not expected (stopping never throws); said without the token all the same.
    const text = error instanceof Error ? error.message : String(error)
    warning(
      `Could not stop Yunxiao run #${record.runId}: ${text.split(token).join('***')} Stop it by hand: ${url}`
    )
  }
}
