// Removes secrets from text before it reaches a log, an error, an output or the summary (the
// runner's masking knows the raw token, not its other forms).

export const REDACTED = '***'

const encoder = new TextEncoder()

/** `n` in hex, `width` digits at least, each letter matching either case: 2f -> 2[fF]. */
function hexAnyCase(n: number, width: number): string {
  return n
    .toString(16)
    .padStart(width, '0')
    .replace(/[a-f]/g, c => `[${c}${c.toUpperCase()}]`)
}

function literal(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
}

// ASCII punctuation: what Markdown may escape with a backslash, and JSON writes as \" \\ \/.
const PUNCTUATION = /^[!-/:-@[-`{-~]$/

/**
 * Every form a character of a secret can take in text a server or a formatter wrote: as is,
 * backslash-escaped (Markdown, JSON, twice over too), `\uXXXX` (any hex case, backslash doubled
 * too), percent-encoded (either hex case), an HTML character reference.
 */
function charForms(ch: string): string {
  const forms = new Set<string>([literal(ch)])
  const units = [...Array(ch.length).keys()].map(i => ch.charCodeAt(i))
  forms.add(units.map(u => `\\\\{1,2}u${hexAnyCase(u, 4)}`).join(''))
  forms.add([...encoder.encode(ch)].map(b => `%${hexAnyCase(b, 2)}`).join(''))
  const code = ch.codePointAt(0) ?? 0
  forms.add(`&#0*${code};`)
  forms.add(`&#[xX]0*${hexAnyCase(code, 1)};`)
  if (PUNCTUATION.test(ch)) forms.add(`\\\\{1,3}${literal(ch)}`)
  return `(?:${[...forms].join('|')})`
}

const cache = new Map<string, RegExp>()

/** The pattern of the (non-blank) secrets, longest first: a secret containing another goes whole. */
function patternFor(secrets: readonly string[]): RegExp {
  const sorted = [...new Set(secrets)].sort((a, b) => b.length - a.length)
  const key = sorted.join('\u0000')
  let re = cache.get(key)
  if (re === undefined) {
    re = new RegExp(sorted.map(secret => [...secret].map(charForms).join('')).join('|'), 'g')
    cache.set(key, re)
  }
  return re
}

/**
 * Replaces every non-blank secret with `***`, in any form of charForms, even mixed within one
 * occurrence. Redact before escaping: an escape this does not know would hide the secret.
 */
export function redact(text: string, secrets: readonly string[]): string {
  const usable = secrets.filter(secret => typeof secret === 'string' && secret.trim() !== '')
  return mayHold(text, usable) ? text.replace(patternFor(usable), REDACTED) : text
}

// Any form of a character other than itself and a backslash escape holds one of these.
const ENCODED = /\\u[0-9a-fA-F]{4}|%[0-9a-fA-F]{2}|&#/
// Backslashes before ASCII punctuation: the escapes charForms allows for punctuation.
const PUNCTUATION_ESCAPES = /\\+(?=[!-/:-@[-`{-~])/g

/**
 * False only when no form of any secret can be in `text`, found without compiling the large pattern
 * (most of a short run's redaction cost). With no `\uXXXX`, `%XX` or `&#`, an occurrence is the
 * secret with some punctuation backslash-escaped: the text without those backslashes holds it as is.
 */
function mayHold(text: string, secrets: readonly string[]): boolean {
  if (secrets.length === 0) return false
  if (ENCODED.test(text)) return true
  const plain = text.includes('\\') ? text.replace(PUNCTUATION_ESCAPES, '') : text
  return secrets.some(secret => secret.includes('\\') || plain.includes(secret))
}
