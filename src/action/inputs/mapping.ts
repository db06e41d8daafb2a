// YAML or JSON mapping inputs (envs, running-branches, running-tags, the artifacts, params). The
// reading itself is action/inputs/yaml-mapping.ts, with js-yaml's parser: it is imported only when such an
// input is set (most triggers have none; in dist/index.js it is code that runs on first use). Its
// errors say what is wrong and where (line and column); the parsers below add the input's name.
import { messageOf } from '../../common/logger.js'
import { setOwn } from '../../common/json.js'
import { InputError, quote } from './inputs.js'
import { checkParamsRefs, plainRefName, refProblem, type RefKind } from './ref-inputs.js'

const EXPECTED: Record<string, string> = {
  envs: ' of variable name to value, e.g. `VERSION: 1.2.3` lines or {"VERSION": "1.2.3"}',
  'running-branches': ' of repository URL to branch',
  'running-tags': ' of repository URL to tag',
  'pipeline-artifacts': ' of pipeline artifact id to version',
  'acr-artifacts': ' of image repository to tag',
  'package-artifacts': ' of artifact path (generic/<repo>/<artifact>) to version',
  params: ' (e.g. {"releaseBranch": "release/1.0"})'
}

/** envs values may come from secrets: its error messages show keys and positions, never the text. */
function given(name: string, value: string): string {
  return name === 'envs' ? 'the value is not shown, as it may hold secrets' : `got ${quote(value)}`
}

/** Input `name` read as a mapping by action/yaml-mapping.ts, loaded on first use. */
async function read<R extends 'readStringMapping' | 'readDataMapping'>(
  name: string,
  value: string,
  reader: R
): Promise<ReturnType<(typeof import('./yaml-mapping.js'))[R]>> {
  try {
    return (await import('./yaml-mapping.js'))[reader](value) as never
  } catch (error) {
    const expected = `a YAML or JSON mapping${EXPECTED[name]}; ${given(name, value)}`
    throw new InputError(name, `Input "${name}": ${messageOf(error)}; expected ${expected}.`)
  }
}

/**
 * A string mapping input; undefined when empty. `values`: what each value names; a branch or tag
 * (`notes` gets a `refs/heads/x` taken as `x`) or another word (then it must not be empty).
 */
export async function parseStringMappingInput(
  name: string,
  value: string,
  values?: { ref: RefKind; notes: Set<string> } | string
): Promise<Record<string, string> | undefined> {
  if (!value) return undefined
  const mapping = await read(name, value, 'readStringMapping')
  const ref = typeof values === 'object' ? values : undefined
  const what = typeof values === 'object' ? values.ref : values
  for (const [key, written] of Object.entries(mapping)) {
    const item = ref ? plainRefName(name, written, ref.ref, ref.notes) : written
    if (item !== written) setOwn(mapping, key, item)
    if (what && item === '') {
      throw new InputError(
        name,
        `Input "${name}": the ${what} for ${quote(key)} is empty; expected a YAML or JSON mapping${EXPECTED[name]}; ${given(name, value)}.`
      )
    }
    const problem = ref && refProblem(item, ref.ref)
    if (problem) {
      throw new InputError(
        name,
        `Input "${name}": the ${ref.ref} for ${quote(key)} is not a ${ref.ref} name: ${quote(item)} ${problem}.`
      )
    }
  }
  return Object.keys(mapping).length > 0 ? mapping : undefined
}

export async function parseParamsInput(
  value: string
): Promise<Record<string, unknown> | undefined> {
  if (!value) return undefined
  const params = await read('params', value, 'readDataMapping')
  checkParamsRefs(params)
  return params
}
