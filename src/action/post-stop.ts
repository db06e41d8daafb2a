// The post step's work when main left a run to stop: stop it first, within the post step's bound.
// Loaded by post.ts only when there is such a run.
import { formatDuration } from '../common/duration.js'
import { redact } from '../common/redact.js'
import { USER_AGENT } from '../common/version.js'
import { FlowRunClient } from '../flow/client.js'
import { info, warning } from './commands.js'
import type { RunRecord } from './run-record.js'
import { RunSettler } from './settle.js'

export interface StopLeftRunOptions {
  record: RunRecord
  token: string
  /** The whole post step's bound; at it the step says so and ends. */
  deadlineMs: number
  /** Ends the process at the bound (tests replace it). */
  exit?: (code: number) => void
}

/** Reads made after a refused stop must end this long before the bound, so the outcome is told. */
const READ_MARGIN_MS = 2_000

export async function stopLeftRun(options: StopLeftRunOptions): Promise<void> {
  const { record, token, deadlineMs } = options
  const exit = options.exit ?? ((code: number) => process.exit(code))
  const hide = (text: string): string => redact(text, [token])
  const client = new FlowRunClient({
    baseUrl: record.baseUrl,
    token,
    organizationId: record.organizationId,
    userAgent: USER_AGENT,
    onRetry: event =>
      info(
        hide(
          `${event.operation}: ${event.reason}; trying again in ${formatDuration(event.delayMs)} (try ${event.attempt + 1}).`
        )
      )
  })
  const settler = new RunSettler({ client, record })
  // A hung request cannot hold the step past its bound: the timer ends the process.
  const bound = setTimeout(() => {
    warning(
      `The post step gave up after ${formatDuration(deadlineMs)} (its bound) while stopping Yunxiao run #${record.runId}; the run may still be running. Stop it by hand: ${settler.url}`
    )
    exit(0)
  }, deadlineMs)
  const reads = new AbortController()
  const readsEnd = setTimeout(() => reads.abort(), Math.max(0, deadlineMs - READ_MARGIN_MS))
  try {
    info(`The main step ended without finishing Yunxiao run #${record.runId}; stopping it.`)
    const settled = await settler.stop('the main step did not finish it', undefined, {
      read: { signal: reads.signal }
    })
    if (settled.done) info(hide(settled.message))
    else warning(hide(settled.message))
  } finally {
    clearTimeout(bound)
    clearTimeout(readsEnd)
  }
}
