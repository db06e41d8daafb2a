// The post step's work, loaded by post.ts only when main left something undone: read the run and
// stop it if it has not ended, then finish the GitHub report, all within the post step's bound.
import { formatDuration, formatPause } from '../common/duration.js'
import { clean, safeLine } from '../common/foreign-text.js'
import { USER_AGENT } from '../common/version.js'
import { FlowRunClient } from '../flow/client.js'
import { isFinalStatus } from '../flow/types.js'
import type { RunOutcome } from '../github/outcome.js'
import { info, warning } from './commands.js'
import type { RunRecord, SavedGithubReport } from './run-record.js'
import { RunSettler, cancelOutcome } from './settle.js'

export interface PostWork {
  record: RunRecord
  /** What the GitHub report left pending, if anything. */
  github?: SavedGithubReport
  /** The Yunxiao token ('' when the input is empty). */
  token: string
  /** Removed from every line. */
  secrets: string[]
  env: NodeJS.ProcessEnv
  /** The whole post step's bound: at it the step says so and ends. */
  deadlineMs: number
  /** Ends the process at the bound (tests replace it). */
  exit?: (code: number) => void
}

/** Reads must end this long before the bound, so that what happened is still told. */
const READ_MARGIN_MS = 2_000
/** The read before the stop is short: a hung read must leave time to stop the run. */
const FIRST_READ_TIMEOUT_MS = 5_000

export async function finishInPost(work: PostWork): Promise<void> {
  const { record, github, token, deadlineMs } = work
  const exit = work.exit ?? ((code: number) => process.exit(code))
  const hide = (text: string): string => clean(text, work.secrets)
  const say = (line: string): void => info(safeLine(line, work.secrets))
  const client = new FlowRunClient({
    baseUrl: record.baseUrl,
    token,
    secrets: work.secrets,
    organizationId: record.organizationId,
    userAgent: USER_AGENT,
    onRetry: event =>
      say(
        `${event.operation}: ${event.reason}; trying again in ${formatPause(event.delayMs)} (try ${event.attempt + 1}).`
      )
  })
  const settler = new RunSettler({ client, record })
  // A hung request cannot hold the step past its bound: the timer ends the process.
  const bound = setTimeout(() => {
    warning(
      `The post step gave up after ${formatDuration(deadlineMs)} (its bound); Yunxiao run #${record.runId} may still be running: ${settler.url}`
    )
    exit(0)
  }, deadlineMs)
  const reads = new AbortController()
  const readsEnd = setTimeout(() => reads.abort(), Math.max(0, deadlineMs - READ_MARGIN_MS))
  try {
    let outcome: RunOutcome = { kind: 'unknown', why: 'the GitHub step ended before the run did' }
    if (record.phase !== 'finished') {
      outcome = await stopLeftRun(work, client, settler, reads.signal, hide, say)
    } else if (token) {
      // Main was done with the run but not with GitHub: say how the run stands now.
      const run = await client
        .getRun(record.pipelineId, record.runId, { attempts: 1, signal: reads.signal })
        .catch(() => undefined)
      if (run && isFinalStatus(run.status)) outcome = { kind: 'ended', status: run.status }
    }
    if (github) {
      const { finishGithub } = await import('./post-github.js')
      await finishGithub(github, record, settler.url, outcome, work.env)
    }
  } finally {
    clearTimeout(bound)
    clearTimeout(readsEnd)
  }
}

async function stopLeftRun(
  work: PostWork,
  client: FlowRunClient,
  settler: RunSettler,
  reads: AbortSignal,
  hide: (text: string) => string,
  say: (line: string) => void
): Promise<RunOutcome> {
  const { record, token } = work
  if (!record.stop) {
    say(
      `Yunxiao run #${record.runId} may still be running (stop-on-cancel is false): ${settler.url}`
    )
    return { kind: 'cancelled', stopped: false }
  }
  if (!token) {
    warning(
      `Could not stop Yunxiao run #${record.runId}: the token input is empty. Stop it by hand: ${settler.url}`
    )
    return { kind: 'cancelled', stopped: false }
  }
  // The run is read first, and only a run that has not ended is stopped: a server may answer
  // `true` to the stop of an ended run, and GitHub must be told how the run really ended.
  const run = await client
    .getRun(record.pipelineId, record.runId, {
      attempts: 1,
      signal: reads,
      timeoutMs: FIRST_READ_TIMEOUT_MS
    })
    .catch(() => undefined)
  if (run && isFinalStatus(run.status)) {
    say(`Yunxiao run #${record.runId} had already ended (${run.status}).`)
    return { kind: 'ended', status: run.status }
  }
  say(`The main step ended without finishing Yunxiao run #${record.runId}; stopping it.`)
  // A status read is made again only if the stop is refused, within the bound.
  const settled = await settler.stop('the main step did not finish it', run, {
    read: { signal: reads }
  })
  if (settled.done) say(settled.message)
  else warning(hide(settled.message))
  return cancelOutcome(settled)
}
