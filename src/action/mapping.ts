// YAML or JSON mapping inputs (envs, running-branches, artifacts, params).
// JSON is YAML 1.2, so one parser reads both. `yaml` is imported only when such an input is set:
// most triggers have none, and start-up stays fast.
// Errors are plain Errors describing the problem; settings.ts adds the input's name.
import type { Document, Node as YamlNode, Pair, ParsedNode, Scalar } from 'yaml'

type Yaml = typeof import('yaml')

/** Defines an own property even for keys such as `__proto__`, which plain assignment would swallow. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true
  })
}

async function parseMappingDocument(text: string): Promise<{ yaml: Yaml; doc: Document.Parsed }> {
  const yaml = await import('yaml')
  // uniqueKeys makes a repeated key an error rather than "last one wins". Keys are compared as
  // written (see keyText), not by value: `NULL` and `~` are two keys, though both mean null.
  const written = (key: unknown): unknown =>
    yaml.isScalar(key) && (key.value === null || key.value === undefined)
      ? `\u0000${key.source ?? ''}`
      : yaml.isScalar(key)
        ? key.value
        : key
  const doc = yaml.parseDocument(text, {
    prettyErrors: true,
    uniqueKeys: (a, b) => written(a) === written(b)
  })
  const [error] = doc.errors
  if (error) {
    // Only the first line ("... at line L, column C:"): the rest is a code frame repeating the source.
    const where = error.message.split('\n')[0].replace(/:$/, '')
    const detail =
      error.code === 'MULTIPLE_DOCS'
        ? `it holds more than one document (a --- line)${where.replace(/^.*( at line \d+, column \d+)$/, '$1')}`
        : where
    throw new Error(`not valid YAML or JSON: ${detail}`)
  }
  const contents = doc.contents
  if (contents !== null && !yaml.isMap(contents)) {
    throw new Error(
      `it is ${describe(yaml, contents)}, not a mapping (key: value lines, or a JSON object)`
    )
  }
  return { yaml, doc }
}

function describe(yaml: Yaml, node: unknown): string {
  if (yaml.isSeq(node)) return 'a list'
  if (yaml.isMap(node)) return 'a mapping'
  if (yaml.isScalar(node)) return node.value === null ? 'an empty value' : `a ${typeof node.value}`
  return 'something else'
}

/** A key as written: plain scalars keep their source (`1.0: x` -> "1.0"), quoted ones their value. */
function keyText(yaml: Yaml, pair: Pair<unknown, unknown>, path = ''): string {
  const key = pair.key
  const where = path ? ` (under ${JSON.stringify(path)})` : ''
  if (!yaml.isScalar(key)) {
    throw new Error(
      `keys must be strings; found ${key === null ? 'an empty key' : `${describe(yaml, key)} as a key`}${where}`
    )
  }
  // A key is kept as written: `NULL`, `~`, `true` and `1` are names like any other (a value `NULL`
  // is empty, a key `NULL` is the text NULL). Only a key with no text at all is empty.
  const text = key.value === null || key.value === undefined ? (key.source ?? '') : scalarText(key)
  if (text === '') throw new Error(`keys must be non-empty strings; found an empty key${where}`)
  return text
}

/** A scalar as written: strings keep their value, other plain scalars their source text, null is "". */
function scalarText(node: Scalar): string {
  if (typeof node.value === 'string') return node.value
  if (node.value === null || node.value === undefined) return ''
  if (node.source !== undefined) return node.source
  const value = node.value
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint'
    ? String(value)
    : JSON.stringify(value)
}

function seenOnce(seen: Set<string>, key: string, path = ''): void {
  // yaml compares keys by value; "1" and 1 differ there but are the same key once written as text.
  const where = path ? ` (under ${JSON.stringify(path)})` : ''
  if (seen.has(key)) throw new Error(`key ${JSON.stringify(key)} appears more than once${where}`)
  seen.add(key)
}

/**
 * A mapping of string to string, every scalar value kept as written: `3` -> "3", `1.0` -> "1.0",
 * `0x10` -> "0x10", `false` -> "false", `~` / `null` / nothing -> "". A nested mapping or list is an error
 * naming its key. Empty or comment-only text gives {}.
 */
export async function parseStringMapping(text: string): Promise<Record<string, string>> {
  const { yaml, doc } = await parseMappingDocument(text)
  const result: Record<string, string> = {}
  if (!doc.contents) return result
  const seen = new Set<string>()
  for (const pair of (doc.contents as unknown as { items: Pair<unknown, unknown>[] }).items) {
    const key = keyText(yaml, pair)
    seenOnce(seen, key)
    let value = pair.value as YamlNode | null
    if (yaml.isAlias(value)) value = (value.resolve(doc) as YamlNode | undefined) ?? null
    if (value === null) {
      setOwn(result, key, '')
    } else if (yaml.isScalar(value)) {
      setOwn(result, key, scalarText(value))
    } else {
      throw new Error(
        `the value of ${JSON.stringify(key)} is ${describe(yaml, value)}, not a single value (text, number or boolean)`
      )
    }
  }
  return result
}

/**
 * A mapping of any data (nested mappings and lists allowed), read as plain JSON-like values.
 * Keys anywhere must be scalars; a repeated key is an error.
 */
export async function parseDataMapping(text: string): Promise<Record<string, unknown>> {
  const { yaml, doc } = await parseMappingDocument(text)
  if (!doc.contents) return {}
  checkKeys(yaml, doc.contents, '')
  return doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>
}

// yaml would turn a mapping used as a key into "[ a ]" with a process warning; refuse it instead.
function checkKeys(yaml: Yaml, node: ParsedNode | null, path: string): void {
  if (yaml.isMap(node)) {
    const seen = new Set<string>()
    for (const pair of node.items) {
      const key = keyText(yaml, pair, path)
      seenOnce(seen, key, path)
      checkKeys(yaml, pair.value, path ? `${path}.${key}` : key)
    }
  } else if (yaml.isSeq(node)) {
    node.items.forEach((item, index) => checkKeys(yaml, item, `${path}[${index}]`))
  }
}
