// Stopping a Yunxiao run: UpdatePipelineRun first; where the server refuses it, stop each job
// that has not ended with StopPipelineJobRun. Knows nothing of GitHub.
import type { FlowRunClient, CallOptions } from '../flow/client.js'
import { FlowApiError } from '../flow/errors.js'
import { jobsOf, stagesOf } from '../flow/names.js'
import { isFinalStatus, type FlowRun } from '../flow/types.js'

/** The post step's client has these and nothing that starts a run. */
export type StopClient = Pick<FlowRunClient, 'stopRun' | 'stopJob' | 'getRun'>

export interface StopRunOptions {
  /** For the status reads. */
  read?: Pick<CallOptions, 'signal' | 'timeoutMs'>
  /**
   * Read the run once after a stop it took: a server may answer `true` to the stop of a run that
   * had just ended, and one that reads SUCCESS then ended on its own ('ended').
   */
  confirm?: boolean
}

export interface StopOutcome {
  /** 'run': the run was stopped; 'jobs': N jobs were stopped one by one; 'ended': nothing to stop. */
  how: 'run' | 'jobs' | 'ended'
  jobs: number
  /** With 'ended'. */
  status?: string
  run?: FlowRun
}

/** Jobs that can be stopped: those under way. Jobs not yet started end with the run. */
export function activeJobIds(run: FlowRun | undefined): number[] {
  return stagesOf(run)
    .flatMap(stage => jobsOf(stage))
    .filter(job => job.status === 'RUNNING' || job.status === 'WAITING')
    .flatMap(job => (typeof job.id === 'number' ? [job.id] : []))
}

/**
 * The server understood and declined to stop the run: a 4xx other than auth and rate limiting (those
 * would fail the job stops the same way), or an answer of `false`.
 */
function isRefusal(error: unknown): boolean {
  if (!(error instanceof FlowApiError) || error.status === undefined) return false
  const { status } = error
  if (status === 200) return error.kind === 'bad-answer'
  return status >= 400 && status < 500 && ![401, 403, 429].includes(status)
}

/** `lastRun`: the newest seen, for when the run stop is refused and a fresh read fails. */
export async function stopFlowRun(
  client: StopClient,
  pipelineId: number,
  runId: number,
  lastRun?: FlowRun,
  options: StopRunOptions = {}
): Promise<StopOutcome> {
  try {
    await client.stopRun(pipelineId, runId)
  } catch (runError) {
    if (!isRefusal(runError)) throw runError
    let run = lastRun
    try {
      run = await client.getRun(pipelineId, runId, { ...options.read, attempts: 1 })
    } catch {
      // keep the last run seen
    }
    if (run && isFinalStatus(run.status)) return { how: 'ended', jobs: 0, status: run.status, run }
    const ids = activeJobIds(run)
    if (ids.length === 0) throw runError
    for (const id of ids) await client.stopJob({ pipelineId, runId, jobId: id })
    return { how: 'jobs', jobs: ids.length }
  }
  if (options.confirm) {
    const run = await client
      .getRun(pipelineId, runId, { ...options.read, attempts: 1 })
      .catch(() => undefined)
    // Only SUCCESS is certain: how a server shows a run it stopped (CANCELED, FAIL?) is not
    // documented, and no stop makes a run succeed.
    if (run?.status === 'SUCCESS') return { how: 'ended', jobs: 0, status: run.status, run }
  }
  return { how: 'run', jobs: 0 }
}
