// Reads the YAML or JSON text of a mapping input (envs, running-branches, artifacts, params); the
// rules are in action/mapping.ts, which loads this module, and with it js-yaml, only when such an
// input is set (bundled into dist/index.js with only js-yaml's parser: scripts/js-yaml-parser.js).
// JSON is YAML 1.2, so one parser reads both: js-yaml's event parser (parseEvents). It checks the
// syntax and reports every node with its place in the text; this module builds the mapping from
// those events, so that a scalar can be kept as written (`1.0` stays "1.0") and each rule is in one
// place. Errors are plain Errors saying what is wrong and where (line and column); settings.ts adds
// the input's name. They quote keys, never values (envs values may be secrets).
import * as jsYaml from 'js-yaml'
import type { Event } from 'js-yaml'
import { setOwn } from '../common/json.js'

type JsYaml = typeof jsYaml

// A node of the one document, built from the parser's events. `at` is its offset in the text
// (-1 for an empty node, which has no text); `tag` its explicit tag, resolved ('' when none).
interface Scalar {
  kind: 'scalar'
  text: string
  plain: boolean
  tag: string
  at: number
}
interface Mapping {
  kind: 'mapping'
  pairs: { key: YamlNode; value: YamlNode }[]
  tag: string
  at: number
  /** Block style (key: value lines), not flow ({...}). */
  block: boolean
  /** While reading: the key whose value comes next. */
  key?: YamlNode
}
interface List {
  kind: 'list'
  items: YamlNode[]
  tag: string
  at: number
  /** Block style (- lines), not flow ([...]). */
  block: boolean
}
interface Alias {
  kind: 'alias'
  name: string
  /** The node of the last `&name` before the alias, if any. */
  target: YamlNode | undefined
  at: number
}
type YamlNode = Scalar | Mapping | List | Alias

interface YamlDocument {
  text: string
  root: YamlNode | null
  /** The `%YAML` directive's version, if any. */
  version?: string
}

/** " at line L, column C" for an offset in the text (lines end at \n, \r\n or \r, as js-yaml counts). */
function where(text: string, at: number): string {
  if (at < 0) return ''
  let line = 1
  let lineStart = 0
  for (let i = 0; i < at && i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 10 || c === 13) {
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++
      line++
      lineStart = i + 1
    }
  }
  return ` at line ${line}, column ${at - lineStart + 1}`
}

const YAML_TAGS = 'tag:yaml.org,2002:'

/** A tag as written (`!!str`, `!e!x`, `!<tag:...>`, `!`) as its full name. */
function tagName(raw: string, handles: Record<string, string>): string {
  if (raw === '' || raw === '!') return raw
  if (raw.startsWith('!<')) return raw.slice(2, -1)
  const handle = /^![\w-]*!/.exec(raw)?.[0] ?? '!'
  const prefix = Object.hasOwn(handles, handle)
    ? handles[handle]
    : handle === '!!'
      ? YAML_TAGS
      : handle
  return prefix + raw.slice(handle.length)
}

/** The one document of a YAML or JSON text as nodes; null when there is none (empty or comments). */
function readDocument(text: string): YamlDocument {
  let events: Event[]
  try {
    events = jsYaml.parseEvents(text, {})
  } catch (error) {
    const { reason, mark } = error as { reason?: unknown; mark?: { line: number; column: number } }
    if (typeof reason !== 'string') throw error
    // js-yaml's message also holds a code frame quoting the text: only its reason and place are kept.
    const place = mark ? ` at line ${mark.line + 1}, column ${mark.column + 1}` : ''
    const line = mark ? (text.split(/\r\n|\r|\n/)[mark.line] ?? '') : ''
    const hint = /tab/i.test(reason)
      ? ''
      : /^ *\t/.test(line)
        ? ' (this line is indented with a tab: indent with spaces)'
        : /^ *[\]}]/.test(line) && /indentation/.test(reason)
          ? ' (a closing ] or } must be indented more than the key it belongs to)'
          : ''
    // No `cause`: js-yaml's error holds that code frame, and envs values may be secrets.
    // eslint-disable-next-line preserve-caught-error
    throw new Error(`not valid YAML or JSON: ${reason.split('\n')[0]}${place}${hint}`)
  }
  const { DOCUMENT, SCALAR, MAPPING, SEQUENCE, ALIAS } = jsYaml.EVENT_ID
  const documents = events.flatMap((event, index) => (event.type === DOCUMENT ? [index] : []))
  if (documents.length > 1) {
    const at = secondDocumentAt(jsYaml, text, events, documents[1])
    throw new Error(
      `not valid YAML or JSON: it holds more than one document (a --- line)${where(text, at)}`
    )
  }
  checkMarkers(jsYaml, text, events, documents.length)
  const document: YamlDocument = { text, root: null }
  const handles: Record<string, string> = {}
  const anchors = new Map<string, YamlNode>()
  const open: (Mapping | List)[] = []
  const add = (node: YamlNode): void => {
    const parent = open[open.length - 1]
    if (parent?.block && node.at >= 0) {
      // In a block collection each key after the first, and each item, starts a line (after `?`
      // or `-`). js-yaml 5.5.0 reads `- {} b: 1` as a list item then a key `b` of the mapping
      // around the list; YAML does not allow it.
      const line = text.slice(
        Math.max(text.lastIndexOf('\n', node.at - 1), text.lastIndexOf('\r', node.at - 1)) + 1,
        node.at
      )
      const starts =
        parent.kind === 'list'
          ? parent.items.length === 0 || /^[ \t]*(?:-[ \t]+)?$/.test(line)
          : parent.key !== undefined ||
            parent.pairs.length === 0 ||
            /^[ \t]*(?:\?[ \t]+)?$/.test(line)
      if (!starts) {
        throw new Error(
          `not valid YAML or JSON: ${parent.kind === 'list' ? 'a list item' : 'a key'} must start a line of its own${where(text, node.at)}`
        )
      }
    }
    if (!parent) document.root = node
    else if (parent.kind === 'list') parent.items.push(node)
    else if (parent.key) {
      parent.pairs.push({ key: parent.key, value: node })
      parent.key = undefined
    } else parent.key = node
  }
  for (const event of events) {
    if (event.type === DOCUMENT) {
      for (const directive of event.directives) {
        if (directive.kind === 'tag') handles[directive.handle] = directive.prefix
        else document.version = directive.version
      }
    } else if (event.type === ALIAS) {
      const name = text.slice(event.anchorStart, event.anchorEnd)
      add({ kind: 'alias', name, target: anchors.get(name), at: event.anchorStart - 1 })
    } else if (event.type === SCALAR || event.type === MAPPING || event.type === SEQUENCE) {
      const rawTag = event.tagStart < 0 ? '' : text.slice(event.tagStart, event.tagEnd)
      if (rawTag.length > 1 && rawTag.endsWith('!')) {
        // js-yaml takes `!!` alone as the tag "tag:yaml.org,2002:"; YAML wants a name after it.
        throw new Error(
          `not valid YAML or JSON: the tag ${rawTag} has no name after it${where(text, event.tagStart)}`
        )
      }
      const tag = tagName(rawTag, handles)
      // Where the node starts: its tag or anchor (`&` before the name), else its text (a quote
      // before a quoted scalar's value).
      const starts = [
        event.tagStart,
        event.anchorStart < 0 ? -1 : event.anchorStart - 1,
        event.type !== SCALAR
          ? event.start
          : event.valueStart < 0 || event.style === jsYaml.SCALAR_STYLE.PLAIN
            ? event.valueStart
            : event.style === jsYaml.SCALAR_STYLE.SINGLE_QUOTED ||
                event.style === jsYaml.SCALAR_STYLE.DOUBLE_QUOTED
              ? event.valueStart - 1
              : event.valueStart
      ].filter(at => at >= 0)
      const at = starts.length ? Math.min(...starts) : -1
      const block = event.type !== SCALAR && event.style === jsYaml.COLLECTION_STYLE.BLOCK
      const node: YamlNode =
        event.type === SCALAR
          ? {
              kind: 'scalar',
              text: jsYaml.getScalarValue(text, event),
              plain: event.style === jsYaml.SCALAR_STYLE.PLAIN,
              tag,
              at
            }
          : event.type === MAPPING
            ? { kind: 'mapping', pairs: [], tag, at, block }
            : { kind: 'list', items: [], tag, at, block }
      if (event.anchorStart >= 0) anchors.set(text.slice(event.anchorStart, event.anchorEnd), node)
      const parent = open[open.length - 1]
      if (
        node.kind === 'mapping' &&
        event.type === MAPPING &&
        event.style === jsYaml.COLLECTION_STYLE.BLOCK &&
        parent?.kind === 'mapping' &&
        parent.key &&
        parent.key.at >= 0 &&
        !/[\r\n]/.test(text.slice(parent.key.at, event.start))
      ) {
        // js-yaml reads `key: &anchor a: b` (or with a tag) as a mapping in a mapping on one line,
        // which YAML does not allow (nor without the anchor, which js-yaml refuses itself).
        throw new Error(
          `not valid YAML or JSON: a mapping in a mapping must start on a line of its own${where(text, at)}`
        )
      }
      add(node)
      if (node.kind !== 'scalar') open.push(node)
    } else {
      open.pop()
    }
  }
  return document
}

/**
 * The `yaml` package, which this action used before, and YAML count documents where js-yaml does
 * not: a `...` line before any content ends an (empty) document, and `---` only marks a document at
 * the start of a line. What it refused stays refused.
 */
function checkMarkers(jsYaml: JsYaml, text: string, events: Event[], documents: number): void {
  const markers = [...text.matchAll(/(?:^\ufeff?|[\r\n])(---|\.\.\.)(?=[ \t\r\n]|$)/g)].map(m => ({
    kind: m[1],
    at: m.index + m[0].length - 3
  }))
  if (documents === 0) {
    if (markers.some(m => m.kind === '...'))
      throw new Error('it is an empty value, not a mapping (key: value lines, or a JSON object)')
    return
  }
  if (documents > 1) return
  let first = text.length
  for (const event of events) {
    for (const at of nodeOffsets(jsYaml, event)) if (at >= 0) first = Math.min(first, at)
  }
  const before = markers.filter(m => m.at < first)
  const end = before.findIndex(m => m.kind === '...')
  const start = before.findIndex(m => m.kind === '---')
  if (end >= 0 && (start < 0 || end < start)) {
    const next = before.slice(end).find(m => m.kind === '---')
    throw new Error(
      `not valid YAML or JSON: it holds more than one document (a --- line)${where(text, next ? next.at : first)}`
    )
  }
  const document = events[0]
  if (document.type === jsYaml.EVENT_ID.DOCUMENT && document.explicitStart && start < 0) {
    const indented = /[ \t]+---(?=[ \t\r\n]|$)/.exec(text)
    const at = indented ? indented.index + indented[0].length - 3 : -1
    throw new Error(
      `not valid YAML or JSON: a --- line must start at the beginning of the line${where(text, at)}`
    )
  }
}

/** The offsets an event gives (-1 for none). */
function nodeOffsets(jsYaml: JsYaml, event: Event): number[] {
  return event.type === jsYaml.EVENT_ID.SCALAR
    ? [
        event.valueStart,
        event.valueEnd,
        event.tagStart,
        event.tagEnd,
        event.anchorStart,
        event.anchorEnd
      ]
    : event.type === jsYaml.EVENT_ID.ALIAS
      ? [event.anchorStart, event.anchorEnd]
      : 'start' in event
        ? [event.start, event.tagStart, event.tagEnd, event.anchorStart, event.anchorEnd]
        : []
}

/** Where the second document starts: its `---` line, else (after a `...` line) its first node. */
function secondDocumentAt(jsYaml: JsYaml, text: string, events: Event[], index: number): number {
  const offsets = (event: Event): number[] => nodeOffsets(jsYaml, event)
  const second = events[index]
  if (second.type === jsYaml.EVENT_ID.DOCUMENT && second.explicitStart) {
    let end = 0
    for (const event of events.slice(0, index))
      for (const at of offsets(event)) end = Math.max(end, at)
    const marker = /(?:^|[\r\n])---(?=[ \t\r\n]|$)/g
    marker.lastIndex = end
    const found = marker.exec(text)
    if (found) return found.index + found[0].indexOf('-')
  }
  for (const event of events.slice(index + 1)) {
    const at = offsets(event).filter(offset => offset >= 0)
    if (at.length) return Math.min(...at)
  }
  return -1
}

/** The document, which must be a mapping (or nothing: empty or comment-only text gives null). */
function readMapping(text: string): { document: YamlDocument; root: Mapping | null } {
  const document = readDocument(text)
  const root = document.root
  if (root === null || root.kind === 'mapping') return { document, root }
  throw new Error(`it is ${describe(root)}, not a mapping (key: value lines, or a JSON object)`)
}

function describe(node: YamlNode): string {
  if (node.kind === 'list') return 'a list'
  if (node.kind === 'mapping') return 'a mapping'
  if (node.kind === 'alias') return `an alias (*${node.name})`
  const value = node.plain && !node.tag ? coreValue(node.text) : node.text
  return value === null ? 'an empty value' : `a ${typeof value}`
}

// The YAML 1.2 core schema (spec 1.2.2, 10.3.2): what a plain scalar with no tag means. Checked
// against the `yaml` package, the parser this action used before, by __tests__/action/mapping.test.ts.
const CORE = {
  null: /^(?:~|null|Null|NULL)?$/,
  bool: /^(?:true|True|TRUE|false|False|FALSE)$/,
  int: /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/,
  float:
    /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/
}

function coreValue(text: string): string | number | boolean | null {
  if (CORE.null.test(text)) return null
  if (CORE.bool.test(text)) return text[0] === 't' || text[0] === 'T'
  if (CORE.int.test(text)) return intValue(text)
  if (CORE.float.test(text)) return floatValue(text)
  return text
}

function intValue(text: string): number {
  if (text.startsWith('0o')) return parseInt(text.slice(2), 8)
  if (text.startsWith('0x')) return parseInt(text.slice(2), 16)
  return parseInt(text, 10)
}

function floatValue(text: string): number {
  const special = /^([-+]?)\.(inf|nan)$/i.exec(text)
  if (!special) return parseFloat(text)
  if (special[2].toLowerCase() === 'nan') return NaN
  return special[1] === '-' ? -Infinity : Infinity
}

/**
 * Counts the use of every anchor, as the `yaml` package did (its maxAliasCount, 100): an anchor may
 * be used until its uses times the weight of what it holds (1 for a scalar; for a collection, the
 * most any alias inside it weighs) pass 100. So a scalar can be used 99 times. On top of that, the
 * values that aliases add in all may not pass MAX_ALIASED (yaml weighs empty collections 0, so a
 * tree of aliases to empty lists escaped its count).
 */
const MAX_ALIAS_WEIGHT = 100
const MAX_ALIASED = 10_000

class Aliases {
  private readonly uses = new Map<YamlNode, { count: number; weight: number; size: number }>()
  private aliased = 0

  constructor(private readonly text: string) {}

  /** The node an alias stands for, once the alias is counted. */
  follow(alias: Alias): YamlNode {
    const target = alias.target
    if (!target) {
      throw new Error(
        `the alias *${alias.name} has no anchor &${alias.name} before it${where(this.text, alias.at)}`
      )
    }
    let use = this.uses.get(target)
    if (!use) {
      use = { count: 1, weight: 0, size: this.size(target) }
      this.uses.set(target, use)
    }
    use.count += 1
    if (use.weight === 0) use.weight = this.weight(target)
    this.aliased += use.size
    if (use.count * use.weight > MAX_ALIAS_WEIGHT || this.aliased > MAX_ALIASED) {
      throw new Error(
        `the alias *${alias.name} is used too often: refused as a resource exhaustion attack (alias bomb)${where(this.text, alias.at)}`
      )
    }
    return target
  }

  private weight(node: YamlNode): number {
    if (node.kind === 'scalar') return 1
    if (node.kind === 'alias') {
      const use = node.target && this.uses.get(node.target)
      return use ? use.count * use.weight : 0
    }
    const children = node.kind === 'list' ? node.items : node.pairs.flatMap(p => [p.key, p.value])
    return children.reduce((most, child) => Math.max(most, this.weight(child)), 0)
  }

  /** How many values a node stands for, its aliases expanded. */
  private size(node: YamlNode): number {
    if (node.kind === 'scalar') return 1
    if (node.kind === 'alias') return node.target ? (this.uses.get(node.target)?.size ?? 1) : 1
    const children = node.kind === 'list' ? node.items : node.pairs.flatMap(p => [p.key, p.value])
    return children.reduce((sum, child) => sum + this.size(child), 1)
  }
}

/** A key as written: `1.0: x` -> "1.0", `~: x` -> "~", `"a b": x` -> "a b". */
function keyText(document: YamlDocument, pair: Mapping['pairs'][number], path: string): string {
  const key = pair.key
  const under = path ? ` (under ${JSON.stringify(path)})` : ''
  if (key.kind !== 'scalar') {
    throw new Error(
      `keys must be strings; found ${describe(key)} as a key${under}${where(document.text, key.at)}`
    )
  }
  // A key is kept as written: `NULL`, `~`, `true` and `1` are names like any other (a value `NULL`
  // is empty, a key `NULL` is the text NULL). Only a key with no text at all is empty.
  if (key.text === '') {
    // An empty key has no text of its own: say where its value is.
    const at = key.at >= 0 ? key.at : pair.value.at
    throw new Error(
      `keys must be non-empty strings; found an empty key${under}${where(document.text, at)}`
    )
  }
  return key.text
}

function seenOnce(
  document: YamlDocument,
  seen: Set<string>,
  key: string,
  at: number,
  path: string
): void {
  // Keys are compared as written: `1` and "1" are the same key, `NULL` and `~` two keys.
  const under = path ? ` (under ${JSON.stringify(path)})` : ''
  if (seen.has(key)) {
    throw new Error(
      `key ${JSON.stringify(key)} appears more than once${under}${where(document.text, at)}`
    )
  }
  seen.add(key)
}

/**
 * A mapping of string to string, every scalar value kept as written: `3` -> "3", `1.0` -> "1.0",
 * `0x10` -> "0x10", `false` -> "false", `~` / `null` / nothing -> "" (a quoted "null" stays "null").
 * A tag does not change the text (`!!binary aGk=` -> "aGk="), except that `!!null` on a null form
 * is "". A nested mapping or list is an error naming its key. Empty or comment-only text gives {}.
 */
export function readStringMapping(text: string): Record<string, string> {
  const { document, root } = readMapping(text)
  const result: Record<string, string> = {}
  if (!root) return result
  const aliases = new Aliases(text)
  const seen = new Set<string>()
  for (const pair of root.pairs) {
    const key = keyText(document, pair, '')
    seenOnce(document, seen, key, pair.key.at, '')
    const value = pair.value.kind === 'alias' ? aliases.follow(pair.value) : pair.value
    if (value.kind !== 'scalar') {
      throw new Error(
        `the value of ${JSON.stringify(key)} is ${describe(value)}, not a single value (text, number or boolean)${where(text, value.at)}`
      )
    }
    const isNull =
      ((value.plain && !value.tag) || value.tag === `${YAML_TAGS}null`) &&
      CORE.null.test(value.text)
    setOwn(result, key, isNull ? '' : value.text)
  }
  return result
}

/**
 * A mapping of any data (nested mappings and lists allowed), read as plain JSON-like values: plain
 * scalars by the YAML 1.2 core schema (`3` -> 3, `true` -> true, `~` -> null), quoted ones as text.
 * Keys anywhere are kept as written and must be unique. Only the core tags (!!str, !!int, !!float,
 * !!bool, !!null, !!map, !!seq, and `!`) are read, each only on a value it fits; any other tag
 * (!!binary, !!timestamp, !!set, a custom one) is an error, so no tag builds anything but JSON data.
 */
export function readDataMapping(text: string): Record<string, unknown> {
  const { document, root } = readMapping(text)
  if (document.version !== undefined && document.version !== '1.2') {
    throw new Error(
      `it asks for YAML ${document.version} (a %YAML line); it is read as YAML 1.2 only`
    )
  }
  if (!root) return {}
  checkKeys(document, root, '')
  return new DataBuilder(document).build(root) as Record<string, unknown>
}

// Keys first, as a whole: a key that is a list, mapping or alias, empty, or repeated.
function checkKeys(document: YamlDocument, node: YamlNode, path: string): void {
  if (node.kind === 'mapping') {
    const seen = new Set<string>()
    for (const pair of node.pairs) {
      const key = keyText(document, pair, path)
      seenOnce(document, seen, key, pair.key.at, path)
      checkKeys(document, pair.value, path ? `${path}.${key}` : key)
    }
  } else if (node.kind === 'list') {
    node.items.forEach((item, index) => checkKeys(document, item, `${path}[${index}]`))
  }
}

class DataBuilder {
  private readonly aliases: Aliases
  private readonly built = new Map<YamlNode, unknown>()
  private readonly building = new Set<YamlNode>()

  constructor(private readonly document: YamlDocument) {
    this.aliases = new Aliases(document.text)
  }

  build(node: YamlNode): unknown {
    if (node.kind === 'alias') {
      const target = this.aliases.follow(node)
      if (this.building.has(target)) {
        throw new Error(
          `the alias *${node.name} is inside the node it stands for: a loop${where(this.document.text, node.at)}`
        )
      }
      return this.built.get(target)
    }
    let value: unknown
    if (node.kind === 'scalar') {
      value = this.scalar(node)
    } else {
      this.collectionTag(node)
      this.building.add(node)
      if (node.kind === 'list') {
        value = node.items.map(item => this.build(item))
      } else {
        const object: Record<string, unknown> = {}
        for (const pair of node.pairs) {
          this.build(pair.key) // checks its tag, and an anchor on it may be used later
          setOwn(object, (pair.key as Scalar).text, this.build(pair.value))
        }
        value = object
      }
      this.building.delete(node)
    }
    this.built.set(node, value)
    return value
  }

  private scalar(node: Scalar): unknown {
    const value = this.scalarValue(node)
    // JSON has no such numbers: JSON.stringify would send null in their place.
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new Error(
        `a value is a number JSON cannot hold (infinite, not a number, or too large), so it would be sent as null${where(this.document.text, node.at)}; quote it to send it as text`
      )
    }
    return value
  }

  private scalarValue(node: Scalar): unknown {
    if (node.tag === '') return node.plain ? coreValue(node.text) : node.text
    if (node.tag === '!' || node.tag === `${YAML_TAGS}str`) return node.text
    const type = node.tag.startsWith(YAML_TAGS) ? node.tag.slice(YAML_TAGS.length) : ''
    if (type === 'null' || type === 'bool' || type === 'int' || type === 'float') {
      if (!CORE[type].test(node.text)) {
        throw new Error(
          `the tag !!${type} does not fit its value${where(this.document.text, node.at)}`
        )
      }
      return type === 'float' ? floatValue(node.text) : coreValue(node.text)
    }
    return this.unsupported(node)
  }

  private collectionTag(node: Mapping | List): void {
    const fits = node.kind === 'list' ? `${YAML_TAGS}seq` : `${YAML_TAGS}map`
    if (node.tag !== '' && node.tag !== '!' && node.tag !== fits) this.unsupported(node)
  }

  private unsupported(node: YamlNode & { tag: string }): never {
    const tag = node.tag.startsWith(YAML_TAGS) ? `!!${node.tag.slice(YAML_TAGS.length)}` : node.tag
    throw new Error(
      `the tag ${JSON.stringify(tag)} is not supported here (only !!str, !!int, !!float, !!bool, !!null, !!map and !!seq, each on a value it fits)${where(this.document.text, node.at)}`
    )
  }
}
