// The HTTP side of the Flow client: one request with its timeouts, reading the answer, the retry
// policy, and turning a failure into a FlowApiError. Knows nothing of the Flow operations (see
// client.ts) nor of GitHub. HTTP goes through @actions/http-client, which honours HTTPS_PROXY,
// HTTP_PROXY and NO_PROXY (and never proxies loopback hosts).
import { HttpClient } from '@actions/http-client'
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import {
  FlowApiError,
  HTML_HINT,
  composeMessage,
  describeYunxiaoError,
  excerpt,
  hintForNetworkCode,
  hintForStatus,
  looksLikeHtml,
  parseErrorBody,
  statusLine,
  type FlowOperation,
  type HintContext
} from './errors.js'
import { redact } from '../common/redact.js'
import { abortableSleep } from '../common/sleep.js'

export interface RetryEvent {
  operation: FlowOperation
  /** The attempt that just failed (1-based). */
  attempt: number
  /** The pause before the next attempt. */
  delayMs: number
  /** Plain words, redacted: `HTTP 429 Too Many Requests`, `ECONNREFUSED`, `no answer within 30 s`. */
  reason: string
}

export interface TransportOptions {
  /** Origin, without a trailing slash. */
  baseUrl: string
  /** Sent as `x-yunxiao-token`; removed from every error text. */
  token: string
  userAgent: string
  /** For the hints of HTTP errors. */
  hintContext: HintContext
  /** See FlowClientOptions. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  random?: () => number
  retryAfterCapMs?: number
  now?: () => number
  onRetry?: (event: RetryEvent) => void
}

const DEFAULT_RETRY_AFTER_CAP_MS = 60_000
const BACKOFF_BASE_MS = 1_000
const BACKOFF_CAP_MS = 10_000

/** Errors raised before any byte of the request can have reached the server. */
const PRE_SEND_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH'
])

export interface Answer {
  status: number
  statusMessage?: string
  headers: IncomingHttpHeaders
  body: string
}

export type Failure =
  | { kind: 'http'; answer: Answer; retryAfterMs?: number }
  | { kind: 'network'; code?: string; detail: string; preSend: boolean }
  | { kind: 'timeout' }

export type Parsed<T> =
  | { ok: true; value: T }
  /** `quote: false` when `what` already says all the answer held. */
  | { ok: false; what: string; html: boolean; quote?: boolean }

export interface Policy<T> {
  operation: FlowOperation
  /** Ends the waits between attempts; an attempt in flight is left to finish. */
  signal?: AbortSignal
  /** Reads only: abandons the call, the request in flight included. */
  abort?: AbortSignal
  attempts: number
  timeoutMs: number
  /** Longest pause between attempts, Retry-After included. */
  waitCapMs: number
  retry: (failure: Failure) => boolean
  mayHaveStarted: (failure: Failure | 'bad-answer') => boolean
  parse: (answer: Answer) => Parsed<T>
}

class TransportTimeout extends Error {}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
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

/**
 * http-client's readBody never settles when the connection breaks mid-body, and has no timeout;
 * this one fails on both.
 */
function readBody(message: IncomingMessage, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let settled = false
    const finish = (error?: Error) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (error) reject(error)
      else resolve(Buffer.concat(chunks).toString('utf8'))
    }
    const stalled = () => {
      finish(new TransportTimeout())
      // A stalled connection left open would keep the process from exiting.
      message.destroy()
    }
    let timer = setTimeout(stalled, timeoutMs)
    message.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      clearTimeout(timer)
      timer = setTimeout(stalled, timeoutMs)
    })
    message.on('end', () => finish())
    message.on('error', error => finish(error))
    message.on('close', () => {
      if (!message.complete) {
        finish(
          Object.assign(new Error('the connection closed before the whole answer came'), {
            code: 'ECONNRESET'
          })
        )
      }
    })
  })
}

function classify(error: unknown): Failure {
  if (error instanceof TransportTimeout) return { kind: 'timeout' }
  const err = error as { code?: unknown; message?: unknown }
  const message = typeof err?.message === 'string' ? err.message : String(error)
  const code = typeof err?.code === 'string' ? err.code : undefined
  // http-client's socketTimeout rejects with a plain Error and no code.
  if (code === undefined && message.startsWith('Request timeout:')) return { kind: 'timeout' }
  // The proxy tunnel (CONNECT) failed, so nothing went to the Yunxiao host; tunnel labels it ECONNRESET.
  if (message.startsWith('tunneling socket could not be established')) {
    return { kind: 'network', code: 'PROXY', detail: message, preSend: true }
  }
  return {
    kind: 'network',
    code,
    detail: message,
    preSend: code !== undefined && PRE_SEND_CODES.has(code)
  }
}

export class Transport {
  private readonly baseUrl: string
  private readonly token: string
  private readonly userAgent: string
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  private readonly random: () => number
  private readonly retryAfterCapMs: number
  private readonly now: () => number
  private readonly onRetry?: (event: RetryEvent) => void
  private readonly hintContext: HintContext

  constructor(options: TransportOptions) {
    this.baseUrl = options.baseUrl
    this.token = options.token
    this.userAgent = options.userAgent
    this.sleep = options.sleep ?? abortableSleep
    this.random = options.random ?? Math.random
    this.retryAfterCapMs = options.retryAfterCapMs ?? DEFAULT_RETRY_AFTER_CAP_MS
    this.now = options.now ?? Date.now
    this.onRetry = options.onRetry
    this.hintContext = options.hintContext
  }

  /** Longest wait a Retry-After can ask for. */
  get retryAfterCap(): number {
    return this.retryAfterCapMs
  }

  url(path: string): string {
    return `${this.baseUrl}${path}`
  }

  headers(): Record<string, string> {
    return {
      'x-yunxiao-token': this.token,
      'Content-Type': 'application/json',
      Accept: 'application/json'
    }
  }

  async call<T>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body: string | null,
    policy: Policy<T>
  ): Promise<T> {
    const { signal } = policy
    if (signal?.aborted) throw this.cancelled(policy, 0)
    for (let attempt = 1; ; attempt++) {
      let failure: Failure
      try {
        const answer = await this.send(method, path, body, policy.timeoutMs, policy.abort)
        if (answer.status >= 200 && answer.status < 300) {
          const parsed = policy.parse(answer)
          if (parsed.ok) return parsed.value
          throw this.badAnswer(policy, answer, parsed, attempt)
        }
        failure = {
          kind: 'http',
          answer,
          retryAfterMs: parseRetryAfter(header(answer.headers, 'retry-after'), this.now())
        }
      } catch (error) {
        if (error instanceof FlowApiError) throw error
        failure = classify(error)
      }
      const retryable = policy.retry(failure)
      if (!retryable || attempt >= policy.attempts) {
        throw this.failed(policy, failure, attempt, retryable)
      }
      const reason = redact(shortReason(failure, policy.timeoutMs), [this.token])
      if (signal?.aborted) throw this.cancelled(policy, attempt, reason)
      const delayMs = this.delay(failure, attempt, policy.waitCapMs)
      this.onRetry?.({ operation: policy.operation, attempt, delayMs, reason })
      await this.sleep(delayMs, signal ?? policy.abort)
      if (signal?.aborted) throw this.cancelled(policy, attempt, reason)
      if (policy.abort?.aborted) throw this.failed(policy, failure, attempt, retryable)
    }
  }

  /** One request on its own HttpClient (no keep-alive), disposed after so that no socket outlives the call. */
  private async send(
    method: string,
    path: string,
    body: string | null,
    timeoutMs: number,
    abort?: AbortSignal
  ): Promise<Answer> {
    const http = new HttpClient(this.userAgent, [], {
      socketTimeout: timeoutMs,
      // A redirect would carry the token to wherever it points; treat it as an error instead.
      allowRedirects: false,
      allowRetries: false,
      keepAlive: false
    })
    // Disposing destroys the client's sockets, which fails the request in flight at once.
    const abandon = () => http.dispose()
    if (abort?.aborted) abandon()
    abort?.addEventListener('abort', abandon, { once: true })
    try {
      const response = await http.request(method, this.url(path), body, this.headers())
      const text = await readBody(response.message, timeoutMs)
      return {
        status: response.message.statusCode ?? 0,
        statusMessage: response.message.statusMessage,
        headers: response.message.headers,
        body: text
      }
    } finally {
      abort?.removeEventListener('abort', abandon)
      http.dispose()
    }
  }

  /** Full jitter: a random pause up to the exponential ceiling, unless the server named one. */
  private delay(failure: Failure, attempt: number, capMs: number): number {
    if (failure.kind === 'http' && failure.retryAfterMs !== undefined) {
      return Math.min(failure.retryAfterMs, capMs)
    }
    const ceiling = Math.min(capMs, BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1))
    return Math.floor(this.random() * ceiling)
  }

  /**
   * Only reached before a first attempt or after a retryable one, and only createRun passes a
   * signal: it retries only where nothing can have started, so no run was started, for certain.
   */
  private cancelled<T>(policy: Policy<T>, attempts: number, lastReason?: string): FlowApiError {
    const what =
      attempts === 0
        ? 'before the first request: no run was started (nothing was sent)'
        : `before trying again after ${lastReason ?? 'a failed request'}: no run was started ` +
          `(the ${attempts === 1 ? 'one request sent was' : `${attempts} requests sent were`} ` +
          'refused or never reached the server)'
    return new FlowApiError(redact(`${policy.operation} was cancelled ${what}.`, [this.token]), {
      operation: policy.operation,
      kind: 'cancelled',
      retryable: false,
      mayHaveStarted: false,
      attempts
    })
  }

  private failed<T>(
    policy: Policy<T>,
    failure: Failure,
    attempts: number,
    retryable: boolean
  ): FlowApiError {
    const secrets = [this.token]
    const origin = new URL(this.baseUrl).host
    const common = {
      operation: policy.operation,
      retryable,
      mayHaveStarted: policy.mayHaveStarted(failure),
      attempts
    }
    if (failure.kind === 'timeout') {
      const what = `no answer from ${origin} within ${formatSeconds(policy.timeoutMs)}`
      return new FlowApiError(
        composeMessage(policy.operation, attempts, what, undefined, secrets),
        {
          ...common,
          kind: 'timeout'
        }
      )
    }
    if (failure.kind === 'network') {
      const code = failure.code === 'PROXY' ? 'ECONNRESET' : failure.code
      const detail = excerpt(failure.detail, secrets)
      const what =
        code && !detail.includes(code)
          ? `could not talk to ${origin}: ${detail} (${code})`
          : `could not talk to ${origin}: ${detail}`
      const hint = hintForNetworkCode(failure.code)
      return new FlowApiError(composeMessage(policy.operation, attempts, what, hint, secrets), {
        ...common,
        kind: 'network',
        networkCode: code
      })
    }
    const { answer } = failure
    const parsed = parseErrorBody(answer.body, secrets, header(answer.headers, 'content-type'))
    // Alibaba Cloud gateways name the request in a header when the body does not.
    const headerId = header(answer.headers, 'x-acs-request-id')
    const requestId = parsed.requestId ?? (headerId ? excerpt(headerId, secrets) : undefined)
    let what = `${statusLine(answer.status, answer.statusMessage)}${describeYunxiaoError({ ...parsed, requestId })}`
    if (parsed.excerpt) what += `, answer: "${parsed.excerpt}"`
    if (answer.status >= 300 && answer.status < 400) {
      const location = header(answer.headers, 'location')
      if (location) what += `, redirect to ${excerpt(location, secrets)}`
    }
    // Gateways serve HTML pages for their own 5xx errors: only below 500 does HTML point at a wrong host.
    const htmlHint = parsed.html && answer.status < 500 ? HTML_HINT : undefined
    const hint = [hintForStatus(answer.status, this.hintContext), htmlHint]
      .filter(Boolean)
      .join(' ')
    return new FlowApiError(composeMessage(policy.operation, attempts, what, hint, secrets), {
      ...common,
      kind: 'http',
      status: answer.status,
      errorCode: parsed.errorCode,
      errorMessage: parsed.errorMessage,
      requestId,
      answerExcerpt: parsed.excerpt,
      retryAfterMs:
        failure.retryAfterMs === undefined
          ? undefined
          : Math.min(failure.retryAfterMs, this.retryAfterCapMs)
    })
  }

  private badAnswer<T>(
    policy: Policy<T>,
    answer: Answer,
    parsed: { what: string; html: boolean; quote?: boolean },
    attempts: number
  ): FlowApiError {
    const secrets = [this.token]
    const shown = answer.body.trim() === '' ? undefined : excerpt(answer.body, secrets)
    const status = statusLine(answer.status, answer.statusMessage)
    let what = `${parsed.what} (${status})`
    if (!shown) what = `${parsed.what} (${status}, empty answer)`
    else if (parsed.quote !== false) what += `: "${shown}"`
    const hint = parsed.html ? HTML_HINT : undefined
    return new FlowApiError(composeMessage(policy.operation, attempts, what, hint, secrets), {
      operation: policy.operation,
      kind: 'bad-answer',
      status: answer.status,
      answerExcerpt: shown,
      retryable: false,
      mayHaveStarted: policy.mayHaveStarted('bad-answer'),
      attempts
    })
  }
}

/** Reads may be repeated freely, and stopping twice is harmless. */
export function transient(failure: Failure): boolean {
  if (failure.kind !== 'http') return true
  const status = failure.answer.status
  return status === 408 || status === 429 || status >= 500
}

function shortReason(failure: Failure, timeoutMs: number): string {
  if (failure.kind === 'http') {
    return statusLine(failure.answer.status, failure.answer.statusMessage)
  }
  if (failure.kind === 'timeout') return `no answer within ${formatSeconds(timeoutMs)}`
  return failure.code === 'PROXY' ? 'proxy connection failed' : (failure.code ?? 'network error')
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`
}

export function isHtml(answer: Answer): boolean {
  return (
    answer.body.trim() !== '' && looksLikeHtml(answer.body, header(answer.headers, 'content-type'))
  )
}
