// The one way out for foreign text: anything from the server (names, statuses, repository URLs,
// error bodies, job logs) or from inputs that goes to the log, an annotation, an output or the
// summary passes here first. Knows nothing of GitHub's API, only of what its runner reads in a log.
import { oneLine } from './logger.js'
import { REDACTED, redact } from './redact.js'
import { setOwn } from './json.js'

// user[:password]@ right after a URL scheme: credentials of a repository URL.
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi

/** Secrets removed in every form (redact.ts), then the credentials of every URL in it. */
export function clean(text: string, secrets: readonly string[]): string {
  return redact(text, secrets).replace(USERINFO, `$1${REDACTED}@`)
}

/**
 * Text for a command's data (an annotation, a group name): cleaned, and `##[` broken up (the old
 * command form, read anywhere in a line, stop-commands included). Line breaks may stay: the command
 * writer escapes them, so they cannot start a line.
 */
export function safeMessage(text: string, secrets: readonly string[]): string {
  return clean(text, secrets).replace(/##\[/g, '## [')
}

/**
 * `text` as one line the runner will only show: a safeMessage with its control characters (line
 * breaks among them) folded to spaces, and no `::` (after leading spaces) to start a command.
 */
export function safeLine(text: string, secrets: readonly string[]): string {
  return oneLine(safeMessage(text, secrets)).replace(/^(\s*):(?=:)/, '$1: ')
}

/** `value` with every string in it cleaned (keys too), for outputs such as run-json. */
export function cleanDeep<T>(value: T, secrets: readonly string[]): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return clean(v, secrets)
    if (Array.isArray(v)) return v.map(walk)
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {}
      for (const [k, inner] of Object.entries(v)) {
        setOwn(out, clean(k, secrets), walk(inner))
      }
      return out
    }
    return v
  }
  return walk(value) as T
}
