// The inputs of run control: pipeline-name, run-id and on-manual-gate, and what they rule out.
import type { ManualGateMode } from '../follow/gates.js'
import { CONTROL, InputError, quote, type InputName } from './inputs.js'

/** run-id: the run to follow instead of starting one. */
export type FollowTarget = { runId: number } | { latest: true }

export interface RunControlInputs {
  pipelineName?: string
  follow?: FollowTarget
  onManualGate?: ManualGateMode
}

/** Longest pipeline-name accepted; longer is surely not a name. */
const PIPELINE_NAME_LIMIT = 256

const MANUAL_GATE_MODES: readonly ManualGateMode[] = ['wait', 'fail', 'approve']

/**
 * Inputs that only make sense for starting a run, with the value that means "not set": with run-id
 * nothing is started, so setting one of them is a mistake worth naming.
 */
const START_ONLY_INPUTS: ReadonlyArray<[InputName, string]> = [
  ['branches', ''],
  ['branch', ''],
  ['tag', ''],
  ['envs', ''],
  ['running-branches', ''],
  ['running-tags', ''],
  ['pipeline-artifacts', ''],
  ['acr-artifacts', ''],
  ['package-artifacts', ''],
  ['params', ''],
  ['comment', ''],
  ['dry-run', 'false'],
  ['context-envs', 'false']
]

function pipelineName(value: string, problems: InputError[]): string | undefined {
  if (
    CONTROL.test(value) ||
    /[\u2028\u2029]/.test(value) ||
    [...value].length > PIPELINE_NAME_LIMIT
  ) {
    problems.push(
      new InputError(
        'pipeline-name',
        `Input "pipeline-name": expected the pipeline's exact name, on one line and at most ${PIPELINE_NAME_LIMIT} characters; got ${quote(value)}.`
      )
    )
    return undefined
  }
  return value
}

function followTarget(value: string, problems: InputError[]): FollowTarget | undefined {
  if (value === 'latest') return { latest: true }
  const id = /^\d+$/.test(value) ? Number(value) : NaN
  if (Number.isSafeInteger(id) && id > 0) return { runId: id }
  problems.push(
    new InputError(
      'run-id',
      `Input "run-id": expected a run number (the number after /builds/ in the run's console URL, or the run-id output of the step that started it) or latest; got ${quote(value)}.`
    )
  )
  return undefined
}

function followConflicts(
  get: (name: InputName) => string,
  follow: FollowTarget,
  problems: InputError[]
): void {
  const runId = 'latest' in follow ? 'latest' : String(follow.runId)
  for (const [name, unset] of START_ONLY_INPUTS) {
    const value = get(name)
    if (value === unset || (unset === 'false' && /^false$/i.test(value))) continue
    // envs and params may hold secrets: name them, never quote them.
    const shown = name === 'envs' || name === 'params' ? 'set' : quote(value)
    problems.push(
      new InputError(
        name,
        `Inputs "run-id" and "${name}": ${name} only applies when the step starts a run, and run-id (${quote(runId)}) follows a run that exists; remove ${name} (${shown}) or run-id.`
      )
    )
  }
  if ('latest' in follow && /^true$/i.test(get('stop-on-timeout'))) {
    problems.push(
      new InputError(
        'stop-on-timeout',
        'Inputs "run-id" and "stop-on-timeout": a run followed with run-id: latest was not started by this step, so it is never stopped; remove stop-on-timeout or give the run\'s number in run-id.'
      )
    )
  }
}

/**
 * pipeline-name (never with pipeline-id), run-id (and the inputs it rules out), on-manual-gate
 * (fail and approve only while following). `wait`: as getSettings decided it, undefined when bad.
 */
export function checkRunControlInputs(
  get: (name: InputName) => string,
  wait: boolean | undefined,
  problems: InputError[]
): RunControlInputs {
  const result: RunControlInputs = {}
  const idText = get('pipeline-id')
  const nameText = get('pipeline-name')
  if (idText && nameText) {
    problems.push(
      new InputError(
        'pipeline-name',
        `Inputs "pipeline-id" and "pipeline-name": give one of them, not both; got pipeline-id ${quote(idText)} and pipeline-name ${quote(nameText)}.`
      )
    )
  } else if (nameText) {
    result.pipelineName = pipelineName(nameText, problems)
  }
  if (get('run-id')) {
    result.follow = followTarget(get('run-id'), problems)
    if (result.follow) followConflicts(get, result.follow, problems)
  }
  const mode = get('on-manual-gate')
  if (!(MANUAL_GATE_MODES as readonly string[]).includes(mode)) {
    problems.push(
      new InputError(
        'on-manual-gate',
        `Input "on-manual-gate": expected wait, fail or approve; got ${quote(mode)}.`
      )
    )
  } else {
    result.onManualGate = mode as ManualGateMode
    if (mode !== 'wait' && wait === false) {
      problems.push(
        new InputError(
          'on-manual-gate',
          `Input "on-manual-gate": ${mode} acts on a manual gate while the step follows the run, and wait is false; set wait: true (or run-id), or remove on-manual-gate.`
        )
      )
    }
  }
  return result
}
