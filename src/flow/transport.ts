// The HTTP side of the Flow client: the retry policy around one exchange (exchange.ts: deadlines,
// proxy, caps), and turning a failure into a FlowApiError that says whether anything was sent.
// Knows nothing of the Flow operations (see client.ts) nor of GitHub.
import { exchange, type Answer } from './exchange.js'
import { ExchangeError, type Stage } from './exchange-error.js'
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
import { PRE_SEND_CODES, backoff, header, parseRetryAfter, retrying } from '../common/http.js'
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
  /** Other secrets (e.g. a GitHub token) removed from every error text before it is cut. */
  secrets?: readonly string[]
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
const BACKOFF_CAP_MS = 10_000

export type { Answer } from './exchange.js'

export type Failure =
  | { kind: 'http'; answer: Answer; retryAfterMs?: number }
  | {
      kind: 'network'
      code: string
      detail: string
      /** No byte of the request can have reached the server. */
      preSend: boolean
      /** Trying again cannot help: a certificate, a 407, a setting. */
      permanent: boolean
      hint?: string
    }
  | { kind: 'timeout'; preSend: boolean; stage: Stage }

export type Parsed<T> =
  | { ok: true; value: T }
  /** `quote: false` when `what` already says all the answer held. */
  | { ok: false; what: string; html: boolean; quote?: boolean }

export interface Policy<T> {
  operation: FlowOperation
  /** Ends the waits between attempts; an attempt in flight is left to finish. */
  signal?: AbortSignal
  /** What a cancel through `signal` means, in words; default "no run was started" (createRun). */
  notDone?: string
  /** Reads only: abandons the call, the request in flight included. */
  abort?: AbortSignal
  attempts: number
  /** Total deadline of each request. */
  timeoutMs: number
  /** Most bytes of an answer read. */
  maxBytes: number
  /** Takes a 2xx body as it streams in instead, and gives the (bounded) text to parse. */
  sink?: () => { write(chunk: Buffer): void; result(): string }
  /** Longest pause between attempts, Retry-After included. */
  waitCapMs: number
  retry: (failure: Failure) => boolean
  mayHaveStarted: (failure: Failure | 'bad-answer') => boolean
  parse: (answer: Answer) => Parsed<T>
}

/** Codes that only come before a connection exists, whatever stage the socket reported. */
function classify(error: unknown): Failure {
  if (!(error instanceof ExchangeError)) {
    const message = error instanceof Error ? error.message : String(error)
    return { kind: 'network', code: 'ERROR', detail: message, preSend: false, permanent: false }
  }
  const preSend = !error.sent || PRE_SEND_CODES.has(error.code)
  if (error.code === 'EDEADLINE') return { kind: 'timeout', preSend, stage: error.stage }
  return {
    kind: 'network',
    code: error.code,
    detail: error.code === 'EABORTED' ? 'the request was abandoned' : error.message,
    preSend,
    // A header value Node refuses (ERR_INVALID_CHAR...) is refused again.
    permanent: error.permanent || /^ERR_(INVALID|HTTP)/.test(error.code),
    hint: error.hint
  }
}

export class Transport {
  private readonly baseUrl: string
  private readonly token: string
  /** Everything removed from error texts: the token first. */
  private readonly secrets: readonly string[]
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
    this.secrets = [options.token, ...(options.secrets ?? [])]
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
      Accept: 'application/json',
      'User-Agent': this.userAgent
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
    const reason = (failure: Failure) =>
      redact(shortReason(failure, policy.timeoutMs), this.secrets)
    return retrying<T, Failure>({
      attempts: policy.attempts,
      once: attempt => this.once(method, path, body, policy, attempt),
      retry: policy.retry,
      pause: (failure, attempt) => this.delay(failure, attempt, policy.waitCapMs),
      failed: (failure, attempts, retryable) => this.failed(policy, failure, attempts, retryable),
      beforePause: (failure, attempt, delayMs) => {
        if (signal?.aborted) throw this.cancelled(policy, attempt, reason(failure))
        this.onRetry?.({ operation: policy.operation, attempt, delayMs, reason: reason(failure) })
      },
      sleep: ms => this.sleep(ms, signal ?? policy.abort),
      afterPause: (failure, attempt) => {
        if (signal?.aborted) throw this.cancelled(policy, attempt, reason(failure))
        if (policy.abort?.aborted) throw this.failed(policy, failure, attempt, true)
      }
    })
  }

  /** One request: the parsed answer, or the failure to judge. */
  private async once<T>(
    method: string,
    path: string,
    body: string | null,
    policy: Policy<T>,
    attempt: number
  ): Promise<{ value: T } | { failure: Failure }> {
    try {
      const sink = policy.sink?.()
      const answer = await exchange({
        method,
        url: new URL(this.url(path)),
        headers: this.headers(),
        body,
        deadlineMs: policy.timeoutMs,
        signal: policy.abort,
        maxBytes: policy.maxBytes,
        sink: sink && (chunk => sink.write(chunk))
      })
      if (sink && answer.status >= 200 && answer.status < 300) answer.body = sink.result()
      if (answer.status < 200 || answer.status >= 300) {
        const retryAfterMs = parseRetryAfter(header(answer.headers, 'retry-after'), this.now())
        return { failure: { kind: 'http', answer, retryAfterMs } }
      }
      const parsed: Parsed<T> = answer.oversize
        ? {
            ok: false,
            what: `the answer is larger than ${formatBytes(policy.maxBytes)}, more than this call ever gets (the rest was not read)`,
            html: isHtml(answer)
          }
        : policy.parse(answer)
      if (parsed.ok) return { value: parsed.value }
      throw this.badAnswer(policy, answer, parsed, attempt)
    } catch (error) {
      if (error instanceof FlowApiError) throw error
      return { failure: classify(error) }
    }
  }

  /** Full jitter: a random pause up to the exponential ceiling, unless the server named one. */
  private delay(failure: Failure, attempt: number, capMs: number): number {
    if (failure.kind === 'http' && failure.retryAfterMs !== undefined) {
      return Math.min(failure.retryAfterMs, capMs)
    }
    return backoff(attempt, Math.min(capMs, BACKOFF_CAP_MS), this.random)
  }

  /**
   * Only reached before a first attempt or after a retryable one, and only createRun passes a
   * signal: it retries only where nothing can have started, so no run was started, for certain.
   */
  private cancelled<T>(policy: Policy<T>, attempts: number, lastReason?: string): FlowApiError {
    const none = policy.notDone ?? 'no run was started'
    const what =
      attempts === 0
        ? `before the first request: ${none} (nothing was sent)`
        : `before trying again after ${lastReason ?? 'a failed request'}: ${none} ` +
          `(the ${attempts === 1 ? 'one request sent was' : `${attempts} requests sent were`} ` +
          'refused or never reached the server)'
    return new FlowApiError(redact(`${policy.operation} was cancelled ${what}.`, this.secrets), {
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
    const secrets = this.secrets
    const origin = new URL(this.baseUrl).host
    const common = {
      operation: policy.operation,
      retryable,
      mayHaveStarted: policy.mayHaveStarted(failure),
      attempts
    }
    if (failure.kind === 'timeout') {
      const what = `no answer from ${origin} within ${formatSeconds(policy.timeoutMs)}: ${STALLED[failure.stage]}`
      return new FlowApiError(
        composeMessage(policy.operation, attempts, what, undefined, secrets),
        {
          ...common,
          kind: 'timeout'
        }
      )
    }
    if (failure.kind === 'network') {
      const code = failure.code
      const detail = excerpt(failure.detail, secrets)
      const withCode =
        code && code !== 'ERROR' && !code.startsWith('EPROXY') && !detail.includes(code)
          ? `${detail} (${code})`
          : detail
      const what = failure.preSend
        ? `could not reach ${origin}: ${withCode}; nothing was sent`
        : `could not talk to ${origin}: ${withCode}`
      const hint = failure.hint ?? hintForNetworkCode(code)
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
    const secrets = this.secrets
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
  if (failure.kind === 'network') return !failure.permanent
  if (failure.kind === 'timeout') return true
  const status = failure.answer.status
  return status === 408 || status === 429 || status >= 500
}

function shortReason(failure: Failure, timeoutMs: number): string {
  if (failure.kind === 'http') {
    return statusLine(failure.answer.status, failure.answer.statusMessage)
  }
  if (failure.kind === 'timeout') return `no answer within ${formatSeconds(timeoutMs)}`
  if (failure.code === 'EPROXY') return 'proxy connection failed'
  return failure.code === 'ERROR' ? 'network error' : failure.code
}

/** What a request that ran out of time was waiting for, and so whether anything was sent. */
const STALLED: Record<Stage, string> = {
  dns: 'the DNS lookup did not finish; nothing was sent',
  connect: 'the connection was not accepted; nothing was sent',
  proxy: 'the proxy did not open the tunnel; nothing was sent',
  tls: 'the TLS handshake did not finish; nothing was sent',
  sent: 'the request was sent and no answer came',
  answer: 'the answer did not finish coming'
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0
    ? `${bytes / (1024 * 1024)} MiB`
    : bytes >= 1024 && bytes % 1024 === 0
      ? `${bytes / 1024} KiB`
      : `${bytes} bytes`
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`
}

export function isHtml(answer: Answer): boolean {
  return (
    answer.body.trim() !== '' && looksLikeHtml(answer.body, header(answer.headers, 'content-type'))
  )
}
