// Reads a GetPipelineJobRunLog answer as it streams in, keeping its first HEAD_BYTES and about its
// last `limit` bytes. A longer answer is put back together: the fields around `content` and its end,
// `cutBytes` the bytes of `content` left out. Anything else comes back as its start, for the error.

import { jsonObject, parseJson } from '../common/json.js'

const HEAD_BYTES = 64 * 1024
const QUOTE = 0x22
const BACKSLASH = 0x5c

export class JobLogTail {
  private head = Buffer.alloc(0)
  private readonly tail: Buffer[] = []
  private tailBytes = 0
  /** Bytes that left the tail. */
  private dropped = 0
  /** Unescaped quotes in all: a long answer is put back together only if they all are accounted for. */
  private quotes = 0
  /** Backslashes at the end of the last chunk. */
  private backslashes = 0

  constructor(private readonly limit: number) {}

  write(chunk: Buffer): void {
    if (this.head.length < HEAD_BYTES) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, HEAD_BYTES - this.head.length)])
    }
    this.count(chunk)
    this.tail.push(chunk)
    this.tailBytes += chunk.length
    while (this.tailBytes - this.tail[0].length >= this.limit) {
      const gone = this.tail.shift() as Buffer
      this.tailBytes -= gone.length
      this.dropped += gone.length
    }
  }

  private count(chunk: Buffer): void {
    for (let at = chunk.indexOf(QUOTE); at !== -1; at = chunk.indexOf(QUOTE, at + 1)) {
      let run = 0
      while (run < at && chunk[at - 1 - run] === BACKSLASH) run++
      if (run === at) run += this.backslashes
      if (run % 2 === 0) this.quotes++
    }
    let run = 0
    while (run < chunk.length && chunk[chunk.length - 1 - run] === BACKSLASH) run++
    this.backslashes = run === chunk.length ? this.backslashes + run : run
  }

  /** The JSON text to parse as the answer. */
  result(): string {
    const end = Buffer.concat(this.tail)
    if (this.dropped === 0) return end.toString('utf8')
    const head = this.head.toString('utf8')
    // The tail may start inside a character: from the next whole one.
    let skip = 0
    while (skip < end.length && (end[skip] & 0xc0) === 0x80) skip++
    const joined = join(head, end.subarray(skip).toString('utf8'))
    if (!joined || joined.quotes + 1 !== this.quotes) return head
    const { answer, contentStart, keptFrom } = joined
    const cutBytes = this.dropped + skip + keptFrom - contentStart
    return JSON.stringify({ ...answer, cutBytes })
  }
}

/** `{...}` of the head's fields, `content` and the end's fields; undefined when they do not fit. */
function join(head: string, end: string) {
  const start = contentStart(head)
  const close = start && closingQuote(end)
  if (!start || !close) return undefined
  const answer = jsonObject(`${start.before}"content":""${close.rest}`)
  // The end may start inside an escape: from the first place it reads as a JSON string.
  for (let from = 0; answer && from < 7; from++) {
    const content = parseJson(`"${end.slice(from, close.at)}"`)
    if (typeof content !== 'string') continue
    answer.content = content
    const keptFrom = Buffer.byteLength(end.slice(0, from))
    const quotes = quotesIn(start.upTo) + quotesIn(close.rest)
    return { answer, contentStart: Buffer.byteLength(start.upTo), keptFrom, quotes }
  }
  return undefined
}

/** The head up to the top-level `content` string, which must run on past the head. */
function contentStart(head: string): { before: string; upTo: string } | undefined {
  for (const match of head.matchAll(/"content"\s*:\s*"/g)) {
    const before = head.slice(0, match.index)
    const upTo = head.slice(0, match.index + match[0].length)
    const closed = unescapedQuote(head, upTo.length) !== undefined
    if (!closed && jsonObject(`${before}"content":""}`)) return { before, upTo }
  }
  return undefined
}

/**
 * Where `content` ends in the end: its first unescaped quote (or the next, when the first is at
 * the very start, its backslash cut off), after which the answer closes as JSON.
 */
function closingQuote(end: string): { at: number; rest: string } | undefined {
  const first = unescapedQuote(end, 0)
  const candidates = first === 0 ? [0, unescapedQuote(end, 1)] : [first]
  for (const at of candidates) {
    if (at === undefined) continue
    const rest = end.slice(at + 1)
    if (jsonObject(`{"content":""${rest}`)) return { at, rest }
  }
  return undefined
}

function unescapedQuote(text: string, from: number): number | undefined {
  for (let at = text.indexOf('"', from); at !== -1; at = text.indexOf('"', at + 1)) {
    let backslashes = 0
    while (text[at - 1 - backslashes] === '\\') backslashes++
    if (backslashes % 2 === 0) return at
  }
  return undefined
}

function quotesIn(text: string): number {
  let n = 0
  for (let at = unescapedQuote(text, 0); at !== undefined; at = unescapedQuote(text, at + 1)) n++
  return n
}
