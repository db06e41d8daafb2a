// The HTTP side of the Flow client: the retries around one exchange (exchange.ts), and each failure
// as a FlowApiError that says whether anything was sent. Knows nothing of GitHub.
import { exchange, type Answer } from './exchange.js'
import { ExchangeError } from './exchange-error.js'
import {
  FlowApiError,
  explain,
  shortReason,
  type Failure,
  type FlowOperation,
  type Parsed,
  type Setup
} from './errors.js'
import { PRE_SEND_CODES, backoff, header, parseRetryAfter, retrying } from '../common/http.js'
import { redact } from '../common/redact.js'
import { abortableSleep } from '../common/sleep.js'
import { BACKOFF_CAP_MS, RETRY_AFTER_CAP_MS } from '../common/timing.js'

export interface RetryEvent {
  operation: FlowOperation
  /** The attempt that just failed (from 1), and the pause before the next. */
  attempt: number
  delayMs: number
  /** Plain words, redacted: `HTTP 429 Too Many Requests`, `ECONNREFUSED`, `no answer within 30 s`. */
  reason: string
}

export interface TransportOptions {
  /** Origin, e.g. 'https://openapi-rdc.aliyuncs.com' or 'http://127.0.0.1:8080'. */
  baseUrl: string
  /** Personal access token, sent as `x-yunxiao-token`; removed from every error text. */
  token: string
  /** Other secrets (e.g. a GitHub token) removed from every error text before it is cut. */
  secrets?: readonly string[]
  userAgent: string
  /** The pause between attempts, ended early by the signal. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** In [0, 1): the jitter of backoff waits. */
  random?: () => number
  /** Told before each wait between attempts, e.g. to log it. */
  onRetry?: (event: RetryEvent) => void
}

export type { Answer } from './exchange.js'
export type { Parsed } from './errors.js'

export interface Policy<T> {
  operation: FlowOperation
  /**
   * A write: tried again only where it certainly did not happen (429, a connection never opened),
   * `signal` ends its waits, never an attempt in flight. `badAnswerMayBeDone`: an unreadable 2xx.
   */
  write?: { notDone: string; badAnswerMayBeDone: boolean }
  /** Abandons a read or a stop (safe to repeat), the request in flight included. */
  signal?: AbortSignal
  attempts: number
  /** Deadline of each request. */
  timeoutMs: number
  /** Takes a 2xx body as it streams in, and gives the (bounded) text to parse. */
  sink?: () => { write(chunk: Buffer): void; result(): string }
  /** Longest pause between attempts, Retry-After included: RETRY_AFTER_CAP_MS unless shorter. */
  waitCapMs?: number
  parse: (answer: Answer) => Parsed<T>
}

/** The most of an answer read: a run id or `true` is a few bytes, a run a few KiB. */
const MAX_ANSWER_BYTES = { write: 64 * 1024, read: 4 * 1024 * 1024 }

/** PRE_SEND_CODES only come before a connection exists, whatever stage the socket reported. */
function classify(error: ExchangeError): Failure {
  const preSend = !error.sent || PRE_SEND_CODES.has(error.code)
  return { kind: error.code === 'EDEADLINE' ? 'timeout' : 'network', error, preSend }
}

/** Trying again cannot help: a certificate, a 407, a setting, a header value Node refuses. */
function permanent({ error }: { error: ExchangeError }): boolean {
  return error.permanent || /^ERR_(INVALID|HTTP)/.test(error.code)
}

export class Transport {
  /** The secrets (the token first) are removed from every error text. */
  private readonly setup: Setup

  constructor(
    private readonly options: TransportOptions,
    context: Omit<Setup, 'secrets'>
  ) {
    this.setup = { ...context, secrets: [options.token, ...(options.secrets ?? [])] }
  }

  url(path: string): string {
    return `${this.options.baseUrl}${path}`
  }

  headers(): Record<string, string> {
    return {
      'x-yunxiao-token': this.options.token,
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'User-Agent': this.options.userAgent
    }
  }

  async call<T>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body: string | null,
    policy: Policy<T>
  ): Promise<T> {
    const signal = policy.write && policy.signal
    const abort = policy.write ? undefined : policy.signal
    if (signal?.aborted) throw this.cancelled(policy, 0)
    const { secrets } = this.setup
    const reason = (failure: Failure) => redact(shortReason(failure, policy.timeoutMs), secrets)
    const waitCapMs = policy.waitCapMs ?? RETRY_AFTER_CAP_MS
    const { sleep = abortableSleep, random = Math.random, onRetry } = this.options
    return retrying<T, Failure>({
      attempts: policy.attempts,
      once: () => this.once(method, path, body, policy, abort),
      retry: policy.write ? certainlyNotDone : transient,
      pause: (failure, attempt) =>
        failure.kind === 'http' && failure.retryAfterMs !== undefined
          ? Math.min(failure.retryAfterMs, waitCapMs)
          : backoff(attempt, Math.min(waitCapMs, BACKOFF_CAP_MS), random),
      failed: (failure, attempts, retryable) => this.failed(policy, failure, attempts, retryable),
      beforePause: (failure, attempt, delayMs) => {
        if (signal?.aborted) throw this.cancelled(policy, attempt, reason(failure))
        onRetry?.({ operation: policy.operation, attempt, delayMs, reason: reason(failure) })
      },
      sleep: ms => sleep(ms, policy.signal),
      afterPause: (failure, attempt) => {
        if (signal?.aborted) throw this.cancelled(policy, attempt, reason(failure))
        if (abort?.aborted) throw this.failed(policy, failure, attempt, true)
      }
    })
  }

  /** One request: the parsed answer, or the failure to judge. */
  private async once<T>(
    method: string,
    path: string,
    body: string | null,
    policy: Policy<T>,
    signal: AbortSignal | undefined
  ): Promise<{ value: T } | { failure: Failure }> {
    const sink = policy.sink?.()
    const maxBytes = MAX_ANSWER_BYTES[method === 'GET' ? 'read' : 'write']
    let answer: Answer
    try {
      answer = await exchange({
        method,
        url: new URL(this.url(path)),
        headers: this.headers(),
        body,
        deadlineMs: policy.timeoutMs,
        signal,
        maxBytes,
        sink: sink && (chunk => sink.write(chunk))
      })
    } catch (error) {
      if (!(error instanceof ExchangeError)) throw error
      return { failure: classify(error) }
    }
    if (sink && answer.status >= 200 && answer.status < 300) answer.body = sink.result()
    if (answer.status < 200 || answer.status >= 300) {
      const retryAfterMs = parseRetryAfter(header(answer.headers, 'retry-after'), Date.now())
      return { failure: { kind: 'http', answer, retryAfterMs } }
    }
    const larger = `the answer is larger than ${formatBytes(maxBytes)}, more than this call ever gets`
    const parsed: Parsed<T> = answer.oversize
      ? { ok: false, what: `${larger} (the rest was not read)` }
      : policy.parse(answer)
    return parsed.ok
      ? { value: parsed.value }
      : { failure: { kind: 'bad-answer', answer, ...parsed } }
  }

  /** Only reached before a first attempt or after one that certainly did nothing. */
  private cancelled<T>(policy: Policy<T>, attempts: number, lastReason = ''): FlowApiError {
    const { operation } = policy
    const none = policy.write?.notDone
    const what =
      attempts === 0
        ? `before the first request: ${none} (nothing was sent)`
        : `before trying again after ${lastReason}: ${none} ` +
          `(the ${attempts === 1 ? 'one request sent was' : `${attempts} requests sent were`} ` +
          'refused or never reached the server)'
    const message = redact(`${operation} was cancelled ${what}.`, this.setup.secrets)
    return new FlowApiError(message, {
      operation,
      kind: 'cancelled',
      retryable: false,
      mayHaveStarted: false,
      attempts
    })
  }

  /** `Operation failed[ after N tries]: what. Hint.`, secrets removed from all of it. */
  private failed<T>(
    policy: Policy<T>,
    failure: Failure,
    attempts: number,
    retryable: boolean
  ): FlowApiError {
    const { operation } = policy
    const { what, hint } = explain(failure, policy.timeoutMs, this.setup)
    const tries = attempts > 1 ? ` after ${attempts} tries` : ''
    const sentence = /[.!?\u2026]$/.test(what) ? what : `${what}.`
    const message = `${operation} failed${tries}: ${sentence}${hint ? ` ${hint}` : ''}`
    return new FlowApiError(redact(message, this.setup.secrets), {
      operation,
      kind: failure.kind,
      retryable,
      mayHaveStarted: mayHaveStarted(policy, failure),
      attempts,
      status: 'answer' in failure ? failure.answer.status : undefined,
      networkCode: failure.kind === 'network' ? failure.error.code : undefined,
      // A Retry-After of 0 asks for no wait: left out.
      retryAfterMs:
        failure.kind === 'http' && failure.retryAfterMs
          ? Math.min(failure.retryAfterMs, RETRY_AFTER_CAP_MS)
          : undefined
    })
  }
}

/** A write only: whether it may have happened although the call failed. */
function mayHaveStarted<T>(policy: Policy<T>, failure: Failure): boolean {
  if (!policy.write) return false
  if (failure.kind === 'bad-answer') return policy.write.badAnswerMayBeDone
  if (failure.kind === 'http') return failure.answer.status >= 500
  return !failure.preSend
}

/** A write is tried again only where it certainly did not happen. A timeout never: its deadline was long already. */
function certainlyNotDone(f: Failure): boolean {
  return (
    (f.kind === 'http' && f.answer.status === 429) ||
    (f.kind === 'network' && f.preSend && !permanent(f))
  )
}

/** Reads may be repeated freely, and stopping twice is harmless. */
function transient(failure: Failure): boolean {
  if ('error' in failure) return failure.kind === 'timeout' || !permanent(failure)
  // A 2xx that cannot be read (bad-answer) is not tried again.
  const status = failure.answer.status
  return status === 408 || status === 429 || status >= 500
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`
}
