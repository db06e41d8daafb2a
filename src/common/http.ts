// What the Flow client and the GitHub calls share about HTTP: a header, the network errors that
// come before any byte is sent, the backoff, and the one retry loop.

/** Headers as Node gives them: names in lower case, a repeated one as a list. */
export type Headers = Record<string, string | string[] | undefined>

export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** Retry-After as delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** Errors raised before any byte of the request can have reached the server. */
export const PRE_SEND_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH'
])

/** Full jitter: a random pause up to 1 s, 2 s, 4 s... for attempt 1, 2, 3..., at most `capMs`. */
export function backoff(attempt: number, capMs: number, random: () => number): number {
  return Math.floor(random() * Math.min(capMs, 1000 * 2 ** (attempt - 1)))
}

export interface Retrying<T, F> {
  /** Requests in all, retries included. */
  attempts: number
  /** One request: its value, or the failure it ended in. Throws to end the call at once. */
  once: (attempt: number) => Promise<{ value: T } | { failure: F }>
  /** Whether this failure may be tried again (a create only where it certainly did not happen). */
  retry: (failure: F) => boolean
  /** The pause before the next attempt, or undefined when there is no time left for one. */
  pause: (failure: F, attempt: number) => number | undefined
  /** The error the call ends with, when the failure is final or no attempt is left. */
  failed: (failure: F, attempts: number, retryable: boolean) => Error
  /** Told before each pause (to say so); may throw to end the call (a cancel). */
  beforePause?: (failure: F, attempt: number, pauseMs: number) => void
  sleep: (ms: number) => Promise<void>
  /** Told after each pause; may throw to end the call (a cancel during the pause). */
  afterPause?: (failure: F, attempt: number) => void
}

/** The one retry loop of every call this action makes. */
export async function retrying<T, F>(r: Retrying<T, F>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const result = await r.once(attempt)
    if ('value' in result) return result.value
    const { failure } = result
    const retryable = r.retry(failure)
    const pause = retryable && attempt < r.attempts ? r.pause(failure, attempt) : undefined
    if (pause === undefined) throw r.failed(failure, attempt, retryable)
    r.beforePause?.(failure, attempt, pause)
    await r.sleep(pause)
    r.afterPause?.(failure, attempt)
  }
}
