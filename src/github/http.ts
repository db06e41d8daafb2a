// HTTP as the GitHub calls (api.ts) see it: the request and answer handed to `send`, and how a
// failed one reads: a rate limit, a failure worth another try, one after which a create certainly
// did not happen, GitHub's own message (secrets removed before it is cut).
import { PRE_SEND_CODES, header, type Headers } from '../common/http.js'
import { jsonObject } from '../common/json.js'
import { oneLine } from '../common/logger.js'
import { redact } from '../common/redact.js'

export interface HttpRequest {
  method: 'POST'
  url: string
  headers: Record<string, string>
  body: string
  /** The whole request, answer included, must be done within this. */
  timeoutMs: number
  /** Abandons the request. */
  signal?: AbortSignal
}

export interface HttpAnswer {
  status: number
  /** Names in lower case. */
  headers: Headers
  body: string
}

/**
 * Sends one request. Rejects on a network failure, with the error's `code` (e.g. ECONNREFUSED) and,
 * when it knows, `preSend: true` if nothing can have reached the server; and when no whole answer
 * came within `timeoutMs`, with `timeout: true`.
 */
export type HttpSend = (request: HttpRequest) => Promise<HttpAnswer>

export type Failure =
  | { kind: 'http'; answer: HttpAnswer }
  | { kind: 'network'; code?: string; detail: string; preSend: boolean }
  | { kind: 'timeout' }

/**
 * A rate limit (primary or secondary): 429, or 403 with Retry-After, X-RateLimit-Remaining: 0 or a
 * message about a rate limit (a secondary limit may come without either header). Nothing was done.
 */
function rateLimited(answer: HttpAnswer): boolean {
  if (answer.status === 429) return true
  return (
    answer.status === 403 &&
    (header(answer.headers, 'retry-after') !== undefined ||
      header(answer.headers, 'x-ratelimit-remaining') === '0' ||
      /rate limit/i.test(githubMessage(answer.body) ?? ''))
  )
}

/** Timeouts, network errors, 408, 5xx and rate limits: a read, or a write that may be repeated. */
export function transient(failure: Failure): boolean {
  if (failure.kind !== 'http') return true
  const status = failure.answer.status
  return status === 408 || status >= 500 || rateLimited(failure.answer)
}

/** A create that is repeated only when it certainly did not happen. */
export function notDone(failure: Failure): boolean {
  if (failure.kind === 'network') return failure.preSend
  return failure.kind === 'http' && rateLimited(failure.answer)
}

/**
 * GitHub's error `message`, with the messages of its validation `errors`, on one line and short:
 * `secrets` are removed before the cut, which could leave part of one behind.
 */
export function githubMessage(body: string, secrets: readonly string[] = []): string | undefined {
  const json = jsonObject(body)
  let text: string | undefined
  if (json && typeof json.message === 'string') {
    text = json.message
    const errors: unknown[] = Array.isArray(json.errors) ? (json.errors as unknown[]) : []
    const details = errors
      .map(e => {
        if (typeof e === 'string') return e
        const message = (e as { message?: unknown } | null)?.message
        return typeof message === 'string' ? message : undefined
      })
      .filter((m): m is string => Boolean(m))
    if (details.length) text += `: ${details.join('; ')}`
  } else if (body.trim()) {
    text = body.trim()
  }
  if (text === undefined) return undefined
  // Text from GitHub stays on one line: a line break could start a workflow command.
  const line = oneLine(redact(text, secrets)).trim()
  return line.length > 300 ? `${line.slice(0, 300)}…` : line
}

export function classify(error: unknown): Failure {
  const err = error as { code?: unknown; message?: unknown; timeout?: unknown; preSend?: unknown }
  if (err?.timeout === true) return { kind: 'timeout' }
  const code = typeof err?.code === 'string' ? err.code : undefined
  const detail = typeof err?.message === 'string' ? err.message : String(error)
  // The transport says whether any byte can have reached GitHub; else judge by the error code.
  const preSend =
    typeof err?.preSend === 'boolean' ? err.preSend : code !== undefined && PRE_SEND_CODES.has(code)
  return { kind: 'network', code, detail, preSend }
}

export function shortReason(failure: Failure): string {
  if (failure.kind === 'http') return `HTTP ${failure.answer.status}`
  if (failure.kind === 'timeout') return 'no answer in time'
  return failure.code ?? 'network error'
}
