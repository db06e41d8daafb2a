// The inputs of run control: pipeline-name, run-id and on-manual-gate, and what they rule out.
import type { ManualGateMode } from '../../follow/gates.js'
import { checker, INPUT_DEFAULTS, InputError, invalid, parseOneLine, quote } from './inputs.js'

/** run-id: the run to follow instead of starting one. */
export type FollowTarget = { runId: number } | { latest: true }

/** Longest pipeline-name accepted; longer is surely not a name. */
const PIPELINE_NAME_LIMIT = 256

/** Inputs that only make sense for starting a run: with run-id, setting one is a mistake to name. */
const START_ONLY_INPUTS = [
  ...['branches', 'branch', 'tag', 'envs', 'running-branches', 'running-tags'],
  ...['pipeline-artifacts', 'acr-artifacts', 'package-artifacts', 'params', 'comment'],
  ...['dry-run', 'context-envs']
]

function parseFollowTarget(value: string): FollowTarget | undefined {
  const id = /^\d+$/.test(value) ? Number(value) : NaN
  if (!value) return undefined
  if (value === 'latest') return { latest: true }
  if (Number.isSafeInteger(id) && id > 0) return { runId: id }
  const expected = `a run number (the number after /builds/ in the run's console URL, or the run-id output of the step that started it) or latest`
  throw invalid('run-id', expected, value)
}

/** With run-id nothing is started: each start-only input set, and stop-on-timeout with latest. */
function followConflicts(
  get: (name: string) => string,
  follow: FollowTarget,
  fail: (name: string, message: string) => void
): void {
  const runId = 'latest' in follow ? 'latest' : String(follow.runId)
  for (const name of START_ONLY_INPUTS) {
    const value = get(name)
    if (value.toLowerCase() === (INPUT_DEFAULTS[name] ?? '')) continue
    // envs and params may hold secrets: name them, never quote them.
    const shown = name === 'envs' || name === 'params' ? 'set' : quote(value)
    fail(
      name,
      `Inputs "run-id" and "${name}": ${name} only applies when the step starts a run, and run-id (${quote(runId)}) follows a run that exists; remove ${name} (${shown}) or run-id.`
    )
  }
  if ('latest' in follow && /^true$/i.test(get('stop-on-timeout')))
    fail(
      'stop-on-timeout',
      'Inputs "run-id" and "stop-on-timeout": a run followed with run-id: latest was not started by this step, so it is never stopped; remove stop-on-timeout or give the run\'s number in run-id.'
    )
}

/**
 * pipeline-name (never with pipeline-id), run-id (and the inputs it rules out), on-manual-gate
 * (fail and approve only while following). `wait`: as getSettings decided it, undefined when bad.
 */
export function checkRunControlInputs(
  get: (name: string) => string,
  wait: boolean | undefined,
  problems: InputError[]
): { pipelineName?: string; follow?: FollowTarget; onManualGate?: ManualGateMode } {
  const check = checker(get, problems)
  const fail = (name: string, message: string) => void problems.push(new InputError(name, message))
  const idText = get('pipeline-id')
  const nameText = get('pipeline-name')
  if (idText && nameText)
    fail(
      'pipeline-name',
      `Inputs "pipeline-id" and "pipeline-name": give one of them, not both; got pipeline-id ${quote(idText)} and pipeline-name ${quote(nameText)}.`
    )
  const pipelineName = idText
    ? undefined
    : check('pipeline-name', value =>
        parseOneLine('pipeline-name', value, "the pipeline's exact name", PIPELINE_NAME_LIMIT)
      )
  const follow = check('run-id', parseFollowTarget)
  if (follow) followConflicts(get, follow, fail)
  const onManualGate = check('on-manual-gate', mode => {
    if (mode !== 'wait' && mode !== 'fail' && mode !== 'approve')
      throw invalid('on-manual-gate', 'wait, fail or approve', mode)
    if (mode !== 'wait' && wait === false) {
      throw new InputError(
        'on-manual-gate',
        `Input "on-manual-gate": ${mode} acts on a manual gate while the step follows the run, and wait is false; set wait: true (or run-id), or remove on-manual-gate.`
      )
    }
    return mode
  })
  return { pipelineName, follow, onManualGate }
}
