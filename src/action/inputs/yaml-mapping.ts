// A mapping input's text read by js-yaml's `load`, as published (JSON is YAML 1.2). Scalars keep
// their text; collections check each pair or item as it is added, so each problem has its line and
// column. Errors quote keys, never values (envs values may be secrets).
import { NOT_RESOLVED, Schema, YAMLException, load, type TagDefinition } from './js-yaml.js'
import { defineMappingTag, defineScalarTag, defineSequenceTag } from './js-yaml.js'
import { boolCoreTag, floatCoreTag, intCoreTag, nullCoreTag } from './js-yaml.js'
import { setOwn } from '../../common/json.js'

const YAML_TAGS = 'tag:yaml.org,2002:'
const CORE_TAGS = [nullCoreTag, boolCoreTag, intCoreTag, floatCoreTag]
/** Values a document may hold once its aliases are expanded: what an alias bomb runs into. */
const MAX_VALUES = 100_000

/** A scalar: its text as written (quotes and escapes decoded), and its value. */
class Scalar {
  constructor(
    readonly text: string,
    readonly value: unknown
  ) {}
}

/** A decimal number too large for js-yaml's core tags (`1e400`): a number all the same. */
const BIG_NUMBER = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/

/** A plain scalar by the YAML 1.2 core schema: null, true/false, a number, or its text. */
function core(text: string): unknown {
  for (const tag of CORE_TAGS) {
    const value = tag.resolve(text, false, tag.tagName)
    if (value !== NOT_RESOLVED) return value
  }
  return BIG_NUMBER.test(text) ? Number(text) : text
}

const never = (): boolean => false
const scalarTag = (name: string, resolve: (text: string) => unknown, prefix = false) =>
  defineScalarTag(name, {
    matchByTagPrefix: prefix,
    implicit: name === 'plain',
    identify: never,
    resolve: (text: string) => {
      const value = resolve(text)
      return value === NOT_RESOLVED ? NOT_RESOLVED : new Scalar(text, value)
    }
  })

/** Mappings and lists that check what js-yaml adds: `check` says why a mapping's value may not be. */
function schema(scalars: TagDefinition[], check: (v: unknown, key: string) => string) {
  // The weight of a collection: the values it holds once its aliases are expanded.
  const weight = new WeakMap<object, number>()
  const add = (carrier: object, v: unknown): string => {
    const total = (weight.get(carrier) ?? 1) + (typeof v === 'object' ? (weight.get(v!) ?? 1) : 1)
    weight.set(carrier, total)
    const bomb = `the aliases expand to more than ${MAX_VALUES} values: refused as an alias bomb`
    return total > MAX_VALUES ? bomb : ''
  }
  // With a finalize step, js-yaml refuses an alias inside the node it stands for (a loop).
  const finalize = <T>(carrier: T): T => carrier
  const map = defineMappingTag(`${YAML_TAGS}map`, {
    create: (): Record<string, unknown> => ({}),
    finalize,
    addPair(carrier, key, v) {
      // A key tagged `!` (non-specific) comes as a string.
      const name = key instanceof Scalar ? key.text : typeof key === 'string' ? key : undefined
      if (name === undefined) return `keys must be strings; found ${describe(key)} as a key`
      if (name === '') return 'keys must be non-empty strings; found an empty key'
      if (Object.hasOwn(carrier, name)) return `key "${name}" appears more than once`
      setOwn(carrier, name, v instanceof Scalar ? v.value : v)
      return check(v, name) || add(carrier, v)
    },
    has: never,
    keys: carrier => Object.keys(carrier),
    get: (carrier, key) => carrier[key as string],
    identify: never
  })
  const seq = defineSequenceTag(`${YAML_TAGS}seq`, {
    create: (): unknown[] => [],
    finalize,
    addItem(carrier, item) {
      const error = nonFinite(item, 'an item of a list')
      carrier.push(item instanceof Scalar ? item.value : item)
      return error || add(carrier, item)
    },
    identify: never
  })
  return new Schema([...scalars, map, seq])
}

/** Whether a value is a number JSON cannot hold (it would be sent as null): what to say then. */
function nonFinite(v: unknown, what: string): string {
  return v instanceof Scalar && typeof v.value === 'number' && !Number.isFinite(v.value)
    ? `${what} is a number JSON cannot hold (infinite, not a number, or too large), so it would be sent as null; quote it to send it as text`
    : ''
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'string') return 'a string'
  if (!(v instanceof Scalar)) return 'a mapping'
  const value = core(v.text)
  return value === null ? 'an empty value' : `a ${typeof value}`
}

// Strings as written: a tag does not change the text; a null form is "" (plain, or tagged !!null).
const orEmpty = (text: string) => (core(text) === null ? '' : text)
const STRINGS = schema(
  [
    scalarTag('plain', orEmpty),
    scalarTag(`${YAML_TAGS}str`, text => text),
    scalarTag(`${YAML_TAGS}null`, orEmpty),
    scalarTag('', t => t, true)
  ],
  (v, key) =>
    v instanceof Scalar || typeof v === 'string'
      ? ''
      : `the value of "${key}" is ${describe(v)}, not a single value`
)
// JSON data: plain scalars by the core schema; the core tags only, each on a value it fits.
const DATA = schema(
  [
    scalarTag('plain', core),
    scalarTag(`${YAML_TAGS}str`, text => text),
    ...CORE_TAGS.map(tag => scalarTag(tag.tagName, text => tag.resolve(text, true, tag.tagName)))
  ],
  (v, key) => nonFinite(v, `the value of "${key}"`)
)

/** js-yaml's reason as this action says it (`!!x` for a core tag). */
function reason({ reason }: YAMLException): string {
  const tag = /!<(.*)>/.exec(reason)?.[1] ?? ''
  const name = tag.startsWith(YAML_TAGS) ? `!!${tag.slice(YAML_TAGS.length)}` : tag
  const alias = /alias "(.*)"/.exec(reason)?.[1]
  if (/^unknown \w+ tag/.test(reason))
    return `the tag "${name}" is not supported here (only !!str, !!int, !!float, !!bool, !!null, !!map and !!seq)`
  if (reason.startsWith('cannot resolve')) return `the tag ${name} does not fit its value`
  if (reason.startsWith('unidentified alias'))
    return `the alias *${alias} has no anchor &${alias} before it`
  if (reason.startsWith('recursive alias'))
    return `the alias *${alias} is inside the node it stands for: a loop`
  if (reason.startsWith('aliases exceeded'))
    return 'more than 99 aliases: refused as a resource exhaustion attack (alias bomb)'
  // What the collections above said.
  if (/^(key "|keys must|the value of "|an item of a list|the aliases expand)/.test(reason))
    return reason
  return `not valid YAML or JSON: ${reason.startsWith('expected a single document') ? 'it holds more than one document (a --- line)' : reason}`
}

function read(text: string, schema: Schema): Record<string, unknown> {
  const version = /^%YAML\s+(\S+)/m.exec(text)?.[1]
  if (version && version !== '1.2')
    throw new Error(`it asks for YAML ${version} (a %YAML line); it is read as YAML 1.2 only`)
  let root: unknown
  try {
    root = load(text, { schema, maxAliases: 99 })
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error
    if (error.reason.startsWith('expected a document, but the input is empty')) return {}
    const at = error.mark ? ` at line ${error.mark.line + 1}, column ${error.mark.column + 1}` : ''
    const line = text.split(/\r\n?|\n/)[error.mark?.line ?? -1] ?? ''
    const hint = line.startsWith('\t')
      ? ' (this line is indented with a tab: indent with spaces)'
      : /^\s*[\]}]/.test(line.slice(error.mark?.column))
        ? ' (a closing ] or } must be indented more than the key it belongs to)'
        : ''
    // No `cause`: js-yaml's error holds a code frame of the text, and envs values may be secrets.
    // eslint-disable-next-line preserve-caught-error
    throw new Error(`${reason(error)}${at}${hint}`)
  }
  if (typeof root !== 'object' || root === null || Array.isArray(root) || root instanceof Scalar)
    throw new Error(`it is ${describe(root)}, not a mapping (key: value lines, or a JSON object)`)
  return root as Record<string, unknown>
}

export const readStringMapping = (text: string) => read(text, STRINGS) as Record<string, string>
export const readDataMapping = (text: string) => read(text, DATA)
