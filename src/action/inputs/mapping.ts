// YAML or JSON mapping inputs (envs, running-branches, running-tags, the artifacts, params). The
// reading itself is action/inputs/yaml-mapping.ts, with js-yaml's parser: it is imported only when such an
// input is set (most triggers have none; in dist/index.js it is code that runs on first use). Its
// errors say what is wrong and where (line and column); the parsers below add the input's name.
import { messageOf } from '../../common/logger.js'
import { setOwn } from '../../common/json.js'
import { InputError, quote, type InputName } from './inputs.js'
import { checkParamsRefs, plainRefName, refProblem, type RefKind } from './ref-inputs.js'

/**
 * A mapping of string to string, keys and scalars kept as written (`0x10` -> "0x10"); a null form
 * is "" (a quoted "null" stays "null"), a tag does not change the text. An empty or repeated key or a
 * nested value is an error; empty or comment-only text gives {}.
 */
export async function parseStringMapping(text: string): Promise<Record<string, string>> {
  const { readStringMapping } = await import('./yaml-mapping.js')
  return readStringMapping(text)
}

/**
 * A mapping of JSON data: plain scalars by the YAML 1.2 core schema, keys as written and unique,
 * only the core tags, each on a value it fits. A number JSON cannot hold (`.inf`, `1e400`) is an
 * error rather than a null sent; aliases resolve within limits against alias bombs.
 */
export async function parseDataMapping(text: string): Promise<Record<string, unknown>> {
  const { readDataMapping } = await import('./yaml-mapping.js')
  return readDataMapping(text)
}

const EXPECTED: Record<string, string> = {
  envs: 'a YAML or JSON mapping of variable name to value, e.g. `VERSION: 1.2.3` lines or {"VERSION": "1.2.3"}',
  'running-branches': 'a YAML or JSON mapping of repository URL to branch',
  'running-tags': 'a YAML or JSON mapping of repository URL to tag',
  'pipeline-artifacts': 'a YAML or JSON mapping of pipeline artifact id to version',
  'acr-artifacts': 'a YAML or JSON mapping of image repository to tag',
  'package-artifacts':
    'a YAML or JSON mapping of artifact path (generic/<repo>/<artifact>) to version',
  params: 'a YAML or JSON mapping (e.g. {"releaseBranch": "release/1.0"})'
}

/** envs values may come from secrets: its error messages show keys and positions, never the text. */
function given(name: string, value: string): string {
  return name === 'envs' ? 'the value is not shown, as it may hold secrets' : `got ${quote(value)}`
}

/**
 * A string mapping input; undefined when empty. `values`: what each value names; a branch or tag
 * (`notes` gets a `refs/heads/x` taken as `x`) or another word (then it must not be empty).
 */
export async function parseStringMappingInput(
  name: InputName,
  value: string,
  values?: { ref: RefKind; notes: Set<string> } | string
): Promise<Record<string, string> | undefined> {
  if (!value) return undefined
  let mapping: Record<string, string>
  try {
    mapping = await parseStringMapping(value)
  } catch (error) {
    throw new InputError(
      name,
      `Input "${name}": ${messageOf(error)}; expected ${EXPECTED[name]}; ${given(name, value)}.`
    )
  }
  const ref = typeof values === 'object' ? values : undefined
  const what = typeof values === 'object' ? values.ref : values
  for (const [key, written] of Object.entries(mapping)) {
    const item = ref ? plainRefName(name, written, ref.ref, ref.notes) : written
    if (item !== written) setOwn(mapping, key, item)
    if (what && item === '') {
      throw new InputError(
        name,
        `Input "${name}": the ${what} for ${quote(key)} is empty; expected ${EXPECTED[name]}; ${given(name, value)}.`
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
  let params: Record<string, unknown>
  try {
    params = await parseDataMapping(value)
  } catch (error) {
    throw new InputError(
      'params',
      `Input "params": ${messageOf(error)}; expected ${EXPECTED.params}; got ${quote(value)}.`
    )
  }
  checkParamsRefs(params)
  return params
}
