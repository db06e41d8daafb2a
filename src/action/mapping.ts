// YAML or JSON mapping inputs (envs, running-branches, running-tags, the artifacts, params). The
// reading itself is action/yaml-mapping.ts, with js-yaml's parser: it is imported only when such an
// input is set (most triggers have none; in dist/index.js it is code that runs on first use). Its
// errors say what is wrong and where (line and column); the parsers below add the input's name.
import { messageOf } from '../common/logger.js'
import { setOwn } from '../common/json.js'
import { InputError, quote, type InputName } from './inputs.js'
import { plainRefName, refProblem, type RefKind } from './ref-inputs.js'

/**
 * A mapping of string to string, every scalar kept as written: `3` -> "3", `1.0` -> "1.0",
 * `0x10` -> "0x10", `false` -> "false"; `~`, `null` or nothing -> "", but a quoted "null" stays
 * "null". Keys too are kept as written (`NULL`, `~`, `null`, `true`, `1` and `0x10` are six keys);
 * an empty or repeated key is an error, and so is a nested mapping or list as a value (naming its
 * key). Aliases resolve. A tag does not change the text (`!!binary aGk=` -> "aGk="), except that
 * `!!null` on a null form is "". Empty or comment-only text gives {}; more than one document is an
 * error.
 */
export async function parseStringMapping(text: string): Promise<Record<string, string>> {
  const { readStringMapping } = await import('./yaml-mapping.js')
  return readStringMapping(text)
}

/**
 * A mapping of any data (nested mappings and lists allowed), read as plain JSON values: plain
 * scalars by the YAML 1.2 core schema (`3` -> 3, `true` -> true, `~` -> null), quoted ones as text; a
 * number JSON cannot hold (`.inf`, `.nan`, `1e400`) is an error rather than a null sent.
 * Keys anywhere are kept as written and must be unique. Only the core tags (!!str, !!int, !!float,
 * !!bool, !!null, !!map, !!seq, and `!`) are read, each only on a value it fits; any other tag
 * (!!binary, !!timestamp, !!set, a custom one) is an error: no tag builds anything but JSON data.
 * Aliases resolve, within limits against alias bombs (see yaml-mapping.ts).
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
  try {
    return await parseDataMapping(value)
  } catch (error) {
    throw new InputError(
      'params',
      `Input "params": ${messageOf(error)}; expected ${EXPECTED.params}; got ${quote(value)}.`
    )
  }
}
