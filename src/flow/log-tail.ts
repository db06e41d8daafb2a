// Reads a GetPipelineJobRunLog answer as it streams in, keeping only the end of its `content`
// string: a log of any size costs at most about twice `limit` of memory. Everything else of the
// answer (`last`, `more`...) is kept as it is, up to OTHER_LIMIT. `result()` gives a small JSON text
// of the same shape, with `content` cut to its tail and `cutBytes` saying how much was left out; an
// answer that is not a JSON object comes back as its first OTHER_LIMIT bytes, for the error message.

/** What the answer may hold besides `content`. */
const OTHER_LIMIT = 64 * 1024

const QUOTE = 0x22
const BACKSLASH = 0x5c
const SIMPLE_ESCAPES: Record<number, number> = {
  0x22: 0x22,
  0x5c: 0x5c,
  0x2f: 0x2f,
  0x62: 0x08,
  0x66: 0x0c,
  0x6e: 0x0a,
  0x72: 0x0d,
  0x74: 0x09
}

export class JobLogTail {
  private readonly limit: number
  /** The answer outside `content`, with `""` in its place. */
  private other: number[] = []
  /** The first bytes as they came, for an answer that turns out not to be a log. */
  private head: Buffer[] = []
  private headBytes = 0
  private broken = false

  // Scanner state
  private depth = 0
  private inString = false
  private escaped = false
  /** At depth 1, between `{` or `,` and `:`: the next string is a key. */
  private expectKey = false
  private key: number[] = []
  private lastKey = ''
  /** After `"content":`, before its value. */
  private contentNext = false
  private inContent = false

  // Content decoding
  private out: Buffer
  private outLength = 0
  private dropped = 0
  private unicode: number[] | undefined
  private highSurrogate: number | undefined

  constructor(limit: number) {
    this.limit = limit
    this.out = Buffer.alloc(limit * 2)
  }

  write(chunk: Buffer): void {
    if (this.headBytes < OTHER_LIMIT) {
      const part = chunk.subarray(0, OTHER_LIMIT - this.headBytes)
      this.head.push(part)
      this.headBytes += part.length
    }
    if (this.broken) return
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]
      if (this.inContent) this.contentByte(byte)
      else this.otherByte(byte)
      if (this.broken) return
    }
  }

  /** The JSON text to parse as the answer. */
  result(): string {
    const other = Buffer.from(this.other).toString('utf8')
    if (this.broken || this.depth !== 0 || this.inString) {
      return Buffer.concat(this.head).toString('utf8')
    }
    let value: unknown
    try {
      value = JSON.parse(other)
    } catch {
      return Buffer.concat(this.head).toString('utf8')
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return other
    let start = Math.max(0, this.outLength - this.limit)
    // A cut can fall inside a character: start at the next whole one.
    if (this.dropped + start > 0) {
      while (start < this.outLength && (this.out[start] & 0xc0) === 0x80) start++
    }
    const content = this.out.subarray(start, this.outLength).toString('utf8')
    const cutBytes = this.dropped + start
    return JSON.stringify({
      ...(value as Record<string, unknown>),
      ...(typeof (value as { content?: unknown }).content === 'string' ? { content } : {}),
      ...(cutBytes > 0 ? { cutBytes } : {})
    })
  }

  private keep(byte: number): void {
    if (this.other.length >= OTHER_LIMIT) {
      this.broken = true
      return
    }
    this.other.push(byte)
  }

  private otherByte(byte: number): void {
    if (this.inString) {
      this.keep(byte)
      if (this.escaped) this.escaped = false
      else if (byte === BACKSLASH) {
        this.escaped = true
        // A key written with escapes is never taken for `content`.
        if (this.expectKey) this.key.push(0)
      } else if (byte === QUOTE) {
        this.inString = false
        if (this.key !== undefined && this.expectKey) {
          this.lastKey = Buffer.from(this.key).toString('utf8')
          this.expectKey = false
        }
      } else if (this.expectKey && this.key.length < 64) this.key.push(byte)
      return
    }
    switch (byte) {
      case QUOTE:
        if (this.contentNext) {
          this.contentNext = false
          this.inContent = true
          this.keep(QUOTE)
          return
        }
        this.inString = true
        this.key = []
        this.keep(byte)
        return
      case 0x7b: // {
      case 0x5b: // [
        this.depth++
        this.expectKey = this.depth === 1 && byte === 0x7b
        this.contentNext = false
        break
      case 0x7d: // }
      case 0x5d: // ]
        this.depth--
        if (this.depth < 0) this.broken = true
        break
      case 0x2c: // ,
        if (this.depth === 1) this.expectKey = true
        this.contentNext = false
        break
      case 0x3a: // :
        this.contentNext = this.depth === 1 && this.lastKey === 'content'
        this.lastKey = ''
        break
      case 0x20:
      case 0x09:
      case 0x0a:
      case 0x0d:
        break
      default:
        this.contentNext = false
    }
    this.keep(byte)
  }

  private contentByte(byte: number): void {
    if (this.unicode) {
      this.unicode.push(byte)
      if (this.unicode.length < 4) return
      const unit = parseInt(Buffer.from(this.unicode).toString('latin1'), 16)
      this.unicode = undefined
      if (Number.isNaN(unit)) return void (this.broken = true)
      this.codeUnit(unit)
      return
    }
    if (this.escaped) {
      this.escaped = false
      if (byte === 0x75) {
        this.unicode = []
        return
      }
      const simple = SIMPLE_ESCAPES[byte]
      if (simple === undefined) return void (this.broken = true)
      this.flushSurrogate()
      this.emit(simple)
      return
    }
    if (byte === BACKSLASH) {
      this.escaped = true
      return
    }
    this.flushSurrogate()
    if (byte === QUOTE) {
      this.inContent = false
      this.keep(QUOTE)
      return
    }
    this.emit(byte)
  }

  private codeUnit(unit: number): void {
    if (unit >= 0xd800 && unit <= 0xdbff) {
      this.flushSurrogate()
      this.highSurrogate = unit
      return
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) {
      const high = this.highSurrogate
      this.highSurrogate = undefined
      this.codePoint(
        high === undefined ? 0xfffd : 0x10000 + ((high - 0xd800) << 10) + (unit - 0xdc00)
      )
      return
    }
    this.flushSurrogate()
    this.codePoint(unit)
  }

  private flushSurrogate(): void {
    if (this.highSurrogate === undefined) return
    this.highSurrogate = undefined
    this.codePoint(0xfffd)
  }

  private codePoint(cp: number): void {
    for (const byte of Buffer.from(String.fromCodePoint(cp), 'utf8')) this.emit(byte)
  }

  private emit(byte: number): void {
    if (this.outLength === this.out.length) {
      // Keep the newer half.
      this.out.copy(this.out, 0, this.outLength - this.limit, this.outLength)
      this.dropped += this.outLength - this.limit
      this.outLength = this.limit
    }
    this.out[this.outLength++] = byte
  }
}
