// The inputs of run control: pipeline-name, run-id and on-manual-gate, and what they rule out.
// Imported lazily by settings.ts, only when one of them is set. It returns its problems as plain
// objects, which settings.ts turns into its InputError.
import { quote, type InputName } from './inputs.js'
import type { FollowTarget, ManualGateMode, RunControlInputs } from './settings.js'

type Problem = RunControlInputs['problems'][number]

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

// Control characters and line separators, as ranges (settings.ts says why not \p{Cc}).
// eslint-disable-next-line no-control-regex
const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

function pipelineName(value: string, problems: Problem[]): string | undefined {
  if (LINE_BREAKING.test(value) || [...value].length > PIPELINE_NAME_LIMIT) {
    problems.push({
      input: 'pipeline-name',
      message: `Input "pipeline-name": expected the pipeline's exact name, on one line and at most ${PIPELINE_NAME_LIMIT} characters; got ${quote(value)}.`
    })
    return undefined
  }
  return value
}

function followTarget(value: string, problems: Problem[]): FollowTarget | undefined {
  if (value === 'latest') return { latest: true }
  const id = /^\d+$/.test(value) ? Number(value) : NaN
  if (Number.isSafeInteger(id) && id > 0) return { runId: id }
  problems.push({
    input: 'run-id',
    message: `Input "run-id": expected a run number (the number after /builds/ in the run's console URL, or the run-id output of the step that started it) or latest; got ${quote(value)}.`
  })
  return undefined
}

function followConflicts(
  get: (name: InputName) => string,
  follow: FollowTarget,
  problems: Problem[]
): void {
  const runId = 'latest' in follow ? 'latest' : String(follow.runId)
  for (const [name, unset] of START_ONLY_INPUTS) {
    const value = get(name)
    if (value === unset || (unset === 'false' && /^false$/i.test(value))) continue
    // envs and params may hold secrets: name them, never quote them.
    const shown = name === 'envs' || name === 'params' ? 'set' : quote(value)
    problems.push({
      input: name,
      message: `Inputs "run-id" and "${name}": ${name} only applies when the step starts a run, and run-id (${quote(runId)}) follows a run that exists; remove ${name} (${shown}) or run-id.`
    })
  }
  if ('latest' in follow && /^true$/i.test(get('stop-on-timeout'))) {
    problems.push({
      input: 'stop-on-timeout',
      message:
        'Inputs "run-id" and "stop-on-timeout": a run followed with run-id: latest was not started by this step, so it is never stopped; remove stop-on-timeout or give the run\'s number in run-id.'
    })
  }
}

/**
 * pipeline-name (never with pipeline-id), run-id (and the inputs it rules out), on-manual-gate
 * (fail and approve only while following). `wait` is the wait input as read, undefined when bad.
 */
export function checkRunControlInputs(
  get: (name: InputName) => string,
  wait: boolean | undefined
): RunControlInputs {
  const problems: Problem[] = []
  const result: RunControlInputs = { problems }
  const idText = get('pipeline-id')
  const nameText = get('pipeline-name')
  if (idText && nameText) {
    problems.push({
      input: 'pipeline-name',
      message: `Inputs "pipeline-id" and "pipeline-name": give one of them, not both; got pipeline-id ${quote(idText)} and pipeline-name ${quote(nameText)}.`
    })
  } else if (nameText) {
    result.pipelineName = pipelineName(nameText, problems)
  }
  const runIdText = get('run-id')
  if (runIdText) {
    result.follow = followTarget(runIdText, problems)
    if (result.follow) followConflicts(get, result.follow, problems)
  }
  const mode = get('on-manual-gate')
  if (!(MANUAL_GATE_MODES as readonly string[]).includes(mode)) {
    problems.push({
      input: 'on-manual-gate',
      message: `Input "on-manual-gate": expected wait, fail or approve; got ${quote(mode)}.`
    })
  } else {
    result.onManualGate = mode as ManualGateMode
    if (mode !== 'wait' && !result.follow && !runIdText && wait === false) {
      problems.push({
        input: 'on-manual-gate',
        message: `Input "on-manual-gate": ${mode} acts on a manual gate while the step follows the run, and wait is false; set wait: true (or run-id), or remove on-manual-gate.`
      })
    }
  }
  return result
}
