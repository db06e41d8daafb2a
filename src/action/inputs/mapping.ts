// YAML or JSON mapping inputs (envs, running-branches, running-tags, the artifacts, params), read by
// yaml-mapping.ts, imported only when such an input is set (most triggers have none). Its errors say
// what is wrong and where; the parsers below add the input's name.
import { messageOf } from '../../common/logger.js'
import { setOwn } from '../../common/json.js'
import { InputError, quote } from './inputs.js'
import { checkParamsRefs, refName, type RefKind } from './ref-inputs.js'

const EXPECTED: Record<string, string> = {
  envs: ' of variable name to value, e.g. `VERSION: 1.2.3` lines or {"VERSION": "1.2.3"}',
  'running-branches': ' of repository URL to branch',
  'running-tags': ' of repository URL to tag',
  'pipeline-artifacts': ' of pipeline artifact id to version',
  'acr-artifacts': ' of image repository to tag',
  'package-artifacts': ' of artifact path (generic/<repo>/<artifact>) to version',
  params: ' (e.g. {"releaseBranch": "release/1.0"})'
}

/** An error of input `name`: `why`, then what it takes; envs values may be secrets, so not shown. */
function mappingError(name: string, value: string, why: string): InputError {
  const given =
    name === 'envs' ? 'the value is not shown, as it may hold secrets' : `got ${quote(value)}`
  const expected = `a YAML or JSON mapping${EXPECTED[name]}; ${given}`
  return new InputError(name, `Input "${name}": ${why}; expected ${expected}.`)
}

/** Input `name` read by yaml-mapping.ts (loaded on first use): values as written, or JSON data. */
async function read(name: string, value: string, strings: boolean) {
  try {
    const yaml = await import('./yaml-mapping.js')
    return strings ? yaml.readStringMapping(value) : yaml.readDataMapping(value)
  } catch (error) {
    throw mappingError(name, value, messageOf(error))
  }
}

/**
 * A string mapping input; undefined when empty. `what`: what each value names (then it must not be
 * empty); with `notes`, a branch or tag (a `refs/heads/x` taken as `x` is said in `notes`).
 */
export async function parseStringMappingInput(
  name: string,
  value: string,
  what?: string,
  notes?: Set<string>
): Promise<Record<string, string> | undefined> {
  if (!value) return undefined
  const mapping = (await read(name, value, true)) as Record<string, string>
  for (const [key, item] of Object.entries(mapping)) {
    if (what && item === '')
      throw mappingError(name, value, `the ${what} for ${quote(key)} is empty`)
    const lead = `the ${what} for ${quote(key)} is not a ${what} name:`
    if (notes) setOwn(mapping, key, refName(name, item, what as RefKind, notes, lead))
  }
  return Object.keys(mapping).length > 0 ? mapping : undefined
}

export async function parseParamsInput(
  value: string
): Promise<Record<string, unknown> | undefined> {
  if (!value) return undefined
  const params = await read('params', value, false)
  checkParamsRefs(params)
  return params
}
