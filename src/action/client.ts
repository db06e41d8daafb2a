// The Flow client as the action's steps use it: made from the settings, with retries logged, and
// stopping a run described in plain words. (flow/client.ts itself knows nothing of GitHub.)
import * as core from '@actions/core'
import { formatPause } from '../common/duration.js'
import { FlowClient } from '../flow/client.js'
import type { FlowRun } from '../flow/types.js'
import type { Settings } from './settings.js'
import { stopFlowRun } from '../follow/stop.js'
import { USER_AGENT } from '../common/version.js'

export function createClient(settings: Settings): FlowClient {
  return new FlowClient({
    baseUrl: settings.baseUrl,
    token: settings.token,
    organizationId: settings.organizationId,
    userAgent: USER_AGENT,
    onRetry: event =>
      core.info(
        `${event.operation}: ${event.reason}; trying again in ${formatPause(event.delayMs)} (try ${event.attempt + 1}).`
      )
  })
}

export interface StopReport {
  /** True when the run is stopped or had already ended: nothing is left running. */
  done: boolean
  message: string
}

/** Stops the run and says what happened; never throws. */
export async function stopAndReport(
  client: FlowClient,
  pipelineId: number,
  runId: number,
  runUrl: string,
  why: string,
  lastRun?: FlowRun
): Promise<StopReport> {
  try {
    const outcome = await stopFlowRun(client, pipelineId, runId, lastRun)
    const message =
      outcome.how === 'run'
        ? `Stopped Yunxiao run #${runId}: ${why}.`
        : outcome.how === 'jobs'
          ? `Stopped the ${outcome.jobs} running job(s) of Yunxiao run #${runId}: ${why} (the run itself could not be stopped).`
          : `Yunxiao run #${runId} had already ended.`
    return { done: true, message }
  } catch (error) {
    return {
      done: false,
      message: `Could not stop Yunxiao run #${runId}: ${(error as Error).message} Stop it by hand: ${runUrl}`
    }
  }
}
