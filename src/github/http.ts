// HTTP as the GitHub calls (api.ts) see it: what `send` takes and gives, and what a failure means.
import { header, type Headers } from '../common/http.js'
import { jsonObject } from '../common/json.js'
import { oneLine } from '../common/logger.js'
import { redact } from '../common/redact.js'

export interface HttpRequest {
  method: 'POST'
  url: string
  headers: Record<string, string>
  body: string
  /** For the whole request, answer included. */
  timeoutMs: number
  signal?: AbortSignal
}

export interface HttpAnswer {
  status: number
  /** Names in lower case. */
  headers: Headers
  body: string
}

/**
 * Rejects on a network failure with the error's `code` and, when it knows, `preSend: true` if
 * nothing can have reached the server; with `timeout: true` when no whole answer came in time.
 */
export type HttpSend = (request: HttpRequest) => Promise<HttpAnswer>

export type Failure =
  | { kind: 'http'; answer: HttpAnswer }
  | { kind: 'network'; code?: string; detail: string; preSend: boolean }
  | { kind: 'timeout' }

/** 429, or 403 with Retry-After, X-RateLimit-Remaining: 0, or (a secondary limit) a message. */
function rateLimited(answer: HttpAnswer): boolean {
  if (answer.status === 429) return true
  return (
    answer.status === 403 &&
    (header(answer.headers, 'retry-after') !== undefined ||
      header(answer.headers, 'x-ratelimit-remaining') === '0' ||
      /rate limit/i.test(githubMessage(answer.body) ?? ''))
  )
}

/** Worth another try for a write that may be repeated. */
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

/** GitHub's `message` and validation `errors` on one short line, `secrets` removed before the cut. */
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
  return { kind: 'network', code, detail, preSend: err?.preSend === true }
}

export function shortReason(failure: Failure): string {
  if (failure.kind === 'http') return `HTTP ${failure.answer.status}`
  if (failure.kind === 'timeout') return 'no answer in time'
  return failure.code ?? 'network error'
}
