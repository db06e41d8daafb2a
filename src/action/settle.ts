// Settling a run: stop it or leave it, record the phase for the post step, and say in plain words
// what happened. The one place for this, used by the main step (a cancel while the run was being
// started), follow.ts (cancel, timeout, the end) and the post step. Free of @actions/core: the post
// entry uses it; the main step passes the function that writes the state.
import { messageOf } from '../common/logger.js'
import type { FlowRun } from '../flow/types.js'
import type { RunOutcome } from '../github/outcome.js'
import { stopFlowRun, type StopClient, type StopRunOptions } from '../follow/stop.js'
import { runUrl } from './links.js'
import type { Phase, RunRecord } from './run-record.js'

export interface Settlement {
  /** True when nothing this step meant to stop is left running. */
  done: boolean
  /**
   * - `stopped`: the run was stopped; `jobs`: its running jobs were stopped one by one;
   * - `ended`: it had ended already; `left`: left alone on purpose; `failed`: stopping it failed.
   */
  outcome: 'stopped' | 'jobs' | 'ended' | 'left' | 'failed'
  /** With `ended`: the status the run had ended with, on its own (SUCCESS, FAIL, CANCELED). */
  status?: string
  /** With `ended`: the run as read then, when it was read. */
  run?: FlowRun
  /** One sentence (or two) for the log or the step's error. */
  message: string
}

/**
 * What a cancel (or a main step that did not finish) comes to on GitHub: the run as it ended when
 * it had ended on its own before it could be stopped (a run that succeeded shows as succeeded),
 * else cancelled, the run stopped or not.
 */
export function cancelOutcome(settled: Settlement): RunOutcome {
  if (settled.outcome === 'ended' && settled.status)
    return { kind: 'ended', status: settled.status }
  return { kind: 'cancelled', stopped: settled.outcome !== 'left' && settled.done }
}

export interface SettlerOptions {
  client: StopClient
  record: RunRecord
  /** Writes the record to the step state. The main step passes one; the post step writes none. */
  save?: (record: RunRecord) => void
}

export class RunSettler {
  private current: RunRecord
  private readonly client: StopClient
  private readonly save?: (record: RunRecord) => void

  constructor(options: SettlerOptions) {
    this.client = options.client
    this.current = { ...options.record }
    this.save = options.save
  }

  get record(): RunRecord {
    return { ...this.current }
  }

  get runId(): number {
    return this.current.runId
  }

  get url(): string {
    return runUrl(this.current.consoleUrl, this.current.pipelineId, this.current.runId)
  }

  /** Records a new phase (and whether the post step should stop the run); saved at once. */
  mark(phase: Phase, stop = this.current.stop): void {
    if (this.current.phase === phase && this.current.stop === stop) return
    this.current = { ...this.current, phase, stop }
    this.save?.(this.record)
  }

  /** The run ended, or this step has no more business with it: the post step leaves it alone. */
  finished(): void {
    this.mark('finished')
  }

  /** Leaves the run going on purpose (`why`, e.g. "stop-on-cancel is false"). */
  leave(why: string): Settlement {
    this.finished()
    return {
      done: true,
      outcome: 'left',
      message: `Yunxiao run #${this.runId} goes on (${why}): ${this.url}`
    }
  }

  /**
   * Stops the run and says what happened; never throws. When nothing is left running the phase
   * becomes `finished`; when the stop failed the phase stays and the post step is told to try again.
   */
  async stop(why: string, lastRun?: FlowRun, options?: StopRunOptions): Promise<Settlement> {
    const { pipelineId, runId } = this.current
    try {
      const outcome = await stopFlowRun(this.client, pipelineId, runId, lastRun, options)
      this.finished()
      if (outcome.how === 'run') {
        return { done: true, outcome: 'stopped', message: `Stopped Yunxiao run #${runId}: ${why}.` }
      }
      if (outcome.how === 'jobs') {
        return {
          done: true,
          outcome: 'jobs',
          message: `Stopped the ${outcome.jobs} running job(s) of Yunxiao run #${runId}: ${why} (the run itself could not be stopped).`
        }
      }
      return {
        done: true,
        outcome: 'ended',
        status: outcome.status,
        run: outcome.run,
        message: `Yunxiao run #${runId} had already ended${outcome.status ? ` (${outcome.status})` : ''}.`
      }
    } catch (error) {
      this.mark(this.current.phase, true)
      return {
        done: false,
        outcome: 'failed',
        message: `Could not stop Yunxiao run #${runId}: ${messageOf(error)} Stop it by hand: ${this.url}`
      }
    }
  }

  /** `stop` when asked to, else `leave` with `leftBecause`. */
  async settle(
    stop: boolean,
    why: string,
    leftBecause: string,
    lastRun?: FlowRun,
    options?: StopRunOptions
  ): Promise<Settlement> {
    return stop ? this.stop(why, lastRun, options) : this.leave(leftBecause)
  }
}
