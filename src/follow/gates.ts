// Manual gates (人工卡点): which jobs wait at one, and what on-manual-gate does about it
// (docs/run-control.md, "Manual gates"). A gate is known by its job id and by its place, so a job
// whose id comes later is the same gate.
import { FlowApiError } from '../flow/errors.js'
import { isFinalStatus, type FlowJob, type FlowRun } from '../flow/types.js'
import { isJsonObject } from '../common/json.js'
import { messageOf, type Logger } from '../common/logger.js'
import { jobName, jobsOf, stageName, stagesOf } from '../flow/names.js'
import { jobIdentity } from './progress.js'

export type ManualGateMode = 'wait' | 'fail' | 'approve'

export interface Gate {
  jobId?: number
  job: string
  /** `Stage / Job` */
  label: string
  key: string
  /** `stage/job` positions */
  place: string
  passable: boolean
  validators: string[]
}

function passAction(job: FlowJob): Record<string, unknown> | undefined {
  const actions: unknown = job.actions
  if (!Array.isArray(actions)) return undefined
  return (actions as unknown[])
    .filter(isJsonObject)
    .find(action => action.type === 'PassPipelineValidate')
}

function validatorsOf(action: Record<string, unknown>): string[] {
  const list = isJsonObject(action.params) ? action.params.validators : undefined
  return Array.isArray(list)
    ? list
        .filter((v): v is string | number => typeof v === 'string' || typeof v === 'number')
        .map(String)
    : []
}

/** The jobs of `run` that wait at a manual gate now, in stage order. */
export function waitingGates(run: FlowRun): Gate[] {
  const gates: Gate[] = []
  stagesOf(run).forEach((stage, i) => {
    jobsOf(stage).forEach((job, j) => {
      if (isFinalStatus(String(job.status))) return
      const action = passAction(job)
      // `disable: true` (the token's user may not pass it) counts only on a WAITING job.
      if (!action || (job.status !== 'WAITING' && action.disable === true)) return
      const id = job.id as unknown
      const name = jobName(job, j)
      gates.push({
        jobId: typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : undefined,
        job: name,
        label: `${stageName(stage, i)} / ${name}`,
        key: jobIdentity(stage, i, job, j),
        place: `${i}/${j}`,
        passable: action.disable !== true,
        validators: validatorsOf(action)
      })
    })
  })
  return gates
}

export interface GateKeeperOptions {
  mode: ManualGateMode
  runUrl: string
  logger: Logger
  /** This step started the run: every gate of it is reached while the step follows it. */
  startedByStep: boolean
  /** PassPipelineValidate; not abandoned on cancel: its answer tells. */
  pass: (jobId: number) => Promise<void>
  /** The GitHub job's cancel: no pass is sent after it. */
  signal?: AbortSignal
}

/** The same gate: the same key, or the same place unless both have ids and they differ. */
function sameGate(a: Gate, b: Gate): boolean {
  if (a.key === b.key) return true
  return a.place === b.place && (a.jobId === undefined || b.jobId === undefined)
}

export class GateKeeper {
  private readonly handled: Gate[] = []
  private reads = 0
  /** The job of the last gate seen (the gate-job output). */
  lastGateJob: string | undefined

  constructor(private readonly options: GateKeeperOptions) {}

  /** The message the step fails with, the run left waiting; undefined: the wait goes on. */
  async inspect(run: FlowRun): Promise<string | undefined> {
    const first = this.reads++ === 0
    if (isFinalStatus(String(run.status))) return undefined
    const { mode, logger, runUrl } = this.options
    for (const gate of waitingGates(run)) {
      this.lastGateJob = gate.job
      if (this.handled.some(seen => sameGate(seen, gate))) continue
      this.handled.push(gate)
      if (mode === 'fail')
        return `Job "${gate.label}" waits at a manual gate, and on-manual-gate is fail: the step ends here; the run is left waiting for a person to pass or refuse it: ${runUrl}`
      if (mode === 'wait') {
        logger.info(
          `Job "${gate.label}" waits at a manual gate: pass or refuse it in Yunxiao (${runUrl}); waiting on until the timeout (on-manual-gate: wait).`
        )
        continue
      }
      // A gate is handled at its first sight: one seen then was already waiting when the step began.
      const halt = await this.approve(gate, first && !this.options.startedByStep)
      if (halt !== undefined) return halt
    }
    return undefined
  }

  private async approve(gate: Gate, waitingAtStart: boolean): Promise<string | undefined> {
    const { logger, runUrl, signal } = this.options
    if (waitingAtStart) {
      logger.info(
        `Job "${gate.label}" was already waiting at a manual gate when this step began following the run; on-manual-gate: approve passes only gates reached while it follows, so this one is left to a person: ${runUrl}`
      )
      return undefined
    }
    if (!gate.passable) {
      const who = gate.validators.length ? ` (validators: ${gate.validators.join(', ')})` : ''
      return `Cannot pass the manual gate of job "${gate.label}": Yunxiao marks passing it as not allowed for the token's user (its PassPipelineValidate action has disable: true), so nothing was sent. The token's user must be one of the gate's validators${who}. The run is left waiting: ${runUrl}`
    }
    if (gate.jobId === undefined)
      return `Cannot pass the manual gate of job "${gate.label}": Yunxiao's answer gives the job no id, so nothing was sent. The run is left waiting: ${runUrl}`
    if (signal?.aborted) {
      logger.info(
        `Not passing the manual gate of job "${gate.label}": the GitHub job is being cancelled (nothing was sent).`
      )
      return undefined
    }
    logger.info(`Passing the manual gate of job "${gate.label}" (on-manual-gate: approve)…`)
    try {
      await this.options.pass(gate.jobId)
    } catch (error) {
      return this.passFailed(gate, error)
    }
    const during = signal?.aborted
      ? ' The GitHub job was cancelled while the request was under way; Yunxiao had taken it, so the gate is passed.'
      : ''
    logger.info(`Passed the manual gate of job "${gate.label}".${during}`)
    return undefined
  }

  private passFailed(gate: Gate, error: unknown): string | undefined {
    const { logger, runUrl, signal } = this.options
    const failure: Partial<FlowApiError> = error instanceof FlowApiError ? error : {}
    if (signal?.aborted) {
      // The cancel goes on as at any other moment (the run is stopped unless stop-on-cancel is
      // false): a failed pass must not leave the run waiting at the gate behind a cancelled job.
      const maybe = failure.mayHaveStarted ? ' Yunxiao may have passed it all the same.' : ''
      logger.warning(
        `Passing the manual gate of job "${gate.label}" did not succeed while the GitHub job was being cancelled: ${messageOf(error)}${maybe} It was not sent again; the cancel goes on.`
      )
      return undefined
    }
    if (failure.mayHaveStarted)
      return `Passing the manual gate of job "${gate.label}" failed, and Yunxiao may have passed it all the same: ${messageOf(error)} It was not sent again. Check the run: ${runUrl}`
    if (failure.kind === 'http' && (failure.status === 400 || failure.status === 409)) {
      // The job no longer waits there (someone passed or refused it meanwhile): the next read tells.
      logger.warning(
        `Yunxiao did not take the pass of job "${gate.label}": ${messageOf(error)} It may have been passed or refused meanwhile; following on (it is not sent again).`
      )
      return undefined
    }
    const hint =
      failure.status === 403
        ? ` The token's user must be one of the gate's validators${gate.validators.length ? ` (${gate.validators.join(', ')})` : ''}, and the token needs the "Pipeline run: read/write" permission.`
        : ''
    return `Could not pass the manual gate of job "${gate.label}": ${messageOf(error)}${hint} The gate was not passed, and the run is left waiting: ${runUrl}`
  }
}
