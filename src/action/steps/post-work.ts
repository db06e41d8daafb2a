// The post step's work, loaded only when main left something undone: stop the run if it has not
// ended (settle.ts), then finish the GitHub report, within the step's bound.
import { formatDuration } from '../../common/duration.js'
import { messageOf } from '../../common/logger.js'
import { POST_FIRST_READ_MS, POST_READ_MARGIN_MS, POST_STEP_BOUND_MS } from '../../common/timing.js'
import { FlowRunClient } from '../../flow/client.js'
import { isFinalStatus } from '../../flow/types.js'
import type { RunOutcome } from '../../github/outcome.js'
import { clientOptions } from './client.js'
import { readInput, secretInputs } from '../inputs/inputs.js'
import { getSettings } from '../inputs/settings.js'
import * as log from '../output/log.js'
import type { RunRecord, SavedGithubReport } from './run-record.js'
import { RunSettler } from './settle.js'

export interface PostWork {
  record: RunRecord
  github?: SavedGithubReport
  env: NodeJS.ProcessEnv
  /** The step's bound: at it the step says so and ends (tests shorten it). */
  deadlineMs?: number
  /** Ends the process at the bound (tests replace it). */
  exit?: (code: number) => void
}

export async function finishInPost(work: PostWork): Promise<void> {
  const { record, github, env } = work
  const deadlineMs = work.deadlineMs ?? POST_STEP_BOUND_MS
  for (const secret of secretInputs(env)) log.addSecret(secret)
  const token = readInput('token', env)
  const client = new FlowRunClient(clientOptions({ ...record, token }))
  // Finishes what main left on GitHub (a pending status, an in_progress deployment). Never throws.
  const report = async (outcome: RunOutcome): Promise<void> => {
    if (!github) return
    try {
      // All the inputs, read as the main step did (the tokens are known to log.ts already).
      const settings = await getSettings(name => readInput(name, env), env)
      const { openGithub } = await import('./github.js')
      const side = await openGithub(settings, env, github)
      const run = { pipelineId: record.pipelineId, runId: record.runId, runUrl: settler.url }
      await side?.report?.finished(run, outcome)
    } catch (error) {
      log.warning(`Could not finish the GitHub commit status or deployment: ${messageOf(error)}`)
    }
  }
  const settler = new RunSettler(client, record, report)
  // A hung request cannot hold the step past its bound: the timer ends the process.
  const bound = setTimeout(() => {
    log.warning(
      `The post step gave up after ${formatDuration(deadlineMs)} (its bound); Yunxiao run #${record.runId} may still be running: ${settler.url}`
    )
    ;(work.exit ?? (code => process.exit(code)))(0)
  }, deadlineMs)
  const reads = new AbortController()
  const readsEnd = setTimeout(() => reads.abort(), Math.max(0, deadlineMs - POST_READ_MARGIN_MS))
  const read = (timeoutMs?: number) =>
    client
      .getRun(record.pipelineId, record.runId, { attempts: 1, signal: reads.signal, timeoutMs })
      .catch(() => undefined)
  try {
    if (record.phase === 'finished') {
      // Main was done with the run but not with GitHub: say how the run stands now.
      const status = token ? (await read())?.status : undefined
      const why = 'the GitHub step ended before the run did'
      await report(
        isFinalStatus(status) ? { kind: 'ended', status: status! } : { kind: 'unknown', why }
      )
      return
    }
    // Only a run that has not ended is stopped: it is read first, briefly.
    const run = record.stop && token ? await read(POST_FIRST_READ_MS) : undefined
    await settler.end({ kind: 'orphaned', token: !!token, run, read: { signal: reads.signal } })
  } finally {
    clearTimeout(bound)
    clearTimeout(readsEnd)
  }
}
