// Client for the Yunxiao Flow OpenAPI calls this project makes. Knows nothing of GitHub, so a CLI
// could use it as is. HTTP goes through @actions/http-client, which honours HTTPS_PROXY,
// HTTP_PROXY and NO_PROXY (and never proxies loopback hosts).
// The API it calls, and what of it is confirmed: docs/flow-openapi.md.
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
import type { FlowJobLog, FlowPipeline, FlowRun } from './types.js'
import { REDACTED, redact } from '../common/redact.js'
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

export interface FlowClientOptions {
  /** Origin, e.g. 'https://openapi-rdc.aliyuncs.com' or 'http://127.0.0.1:8080'. */
  baseUrl: string
  /** Personal access token, sent as `x-yunxiao-token`; removed from every error text. */
  token: string
  /** Set: center-edition paths `/oapi/v1/flow/organizations/{org}/...`; unset: Region paths `/oapi/v1/flow/...`. */
  organizationId?: string
  userAgent: string
  /** Per request (idle socket time, and again for reading the body). Default 30 s. */
  timeoutMs?: number
  /**
   * The pause between attempts. It gets createRun's signal, and should end early when that aborts
   * (the default does); the client checks the signal after every pause in any case.
   */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** In [0, 1); used for the full jitter of backoff waits. */
  random?: () => number
  /** Longest wait a Retry-After can ask for. Default 60 s. */
  retryAfterCapMs?: number
  /** Clock for Retry-After HTTP dates. */
  now?: () => number
  /** Told before each wait between attempts, e.g. to log it. */
  onRetry?: (event: RetryEvent) => void
}

export interface ReadOptions {
  /** Requests in all, retries included. Default 3; the wait loop passes 1 and does its own backoff. */
  attempts?: number
  /** Abandons the read, a request in flight included (a read is safe to abandon). */
  signal?: AbortSignal
  /** Per request. Default: the client's timeout. */
  timeoutMs?: number
}

export interface CreateOptions {
  /**
   * Cancels the waits between attempts, and any attempt not yet sent: createRun then rejects with
   * a FlowApiError of kind `cancelled` (no run was started). A request already in flight is never
   * aborted, since its answer carries the run id: it finishes and its id is returned as usual, so
   * check the signal after createRun resolves.
   */
  signal?: AbortSignal
}

export interface JobLogOptions {
  /** Default 1: a log is a nice-to-have, and the wait loop should not be held up by it. */
  attempts?: number
  /** Per request. Default JOB_LOG_TIMEOUT_MS, whatever the client's timeout. */
  timeoutMs?: number
  /** Abandons the read, a request in flight included. */
  signal?: AbortSignal
}

export interface StopOptions {
  /** Default 2. */
  attempts?: number
  /** Per request. Default STOP_TIMEOUT_MS, whatever the client's timeout. */
  timeoutMs?: number
}

export interface DescribedRequest {
  method: 'POST'
  url: string
  /** As sent, with the token replaced by `***`. */
  headers: Record<string, string>
  body: string
}

const DEFAULT_TIMEOUT_MS = 30_000
const DEFAULT_RETRY_AFTER_CAP_MS = 60_000
const BACKOFF_BASE_MS = 1_000
const BACKOFF_CAP_MS = 10_000
const CREATE_ATTEMPTS = 3
const READ_ATTEMPTS = 3
// A cancelled job has only seconds before the runner kills it, and stopping twice is harmless:
// two short tries with at most a one-second pause, rather than a long patient retry.
const STOP_ATTEMPTS = 2
const STOP_WAIT_CAP_MS = 1_000
/** Per-request timeout of stopRun and stopJob, whatever the client's own timeout. */
export const STOP_TIMEOUT_MS = 5_000
/** Per-request timeout of getJobLog, whatever the client's own timeout. */
export const JOB_LOG_TIMEOUT_MS = 10_000
const JOB_LOG_ATTEMPTS = 1

/** Errors raised before any byte of the request can have reached the server. */
const PRE_SEND_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH'
])

interface Answer {
  status: number
  statusMessage?: string
  headers: IncomingHttpHeaders
  body: string
}

type Failure =
  | { kind: 'http'; answer: Answer; retryAfterMs?: number }
  | { kind: 'network'; code?: string; detail: string; preSend: boolean }
  | { kind: 'timeout' }

type Parsed<T> =
  | { ok: true; value: T }
  /** `quote: false` when `what` already says all the answer held. */
  | { ok: false; what: string; html: boolean; quote?: boolean }

interface Policy<T> {
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

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
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

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`)
  }
  return value
}

function jsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body)
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return value as Record<string, unknown>
    }
  } catch {
    // not JSON
  }
  return undefined
}

export class FlowClient {
  private readonly baseUrl: string
  private readonly token: string
  private readonly organizationId?: string
  private readonly userAgent: string
  private readonly timeoutMs: number
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  private readonly random: () => number
  private readonly retryAfterCapMs: number
  private readonly now: () => number
  private readonly onRetry?: (event: RetryEvent) => void
  private readonly hintContext: HintContext

  constructor(options: FlowClientOptions) {
    let url: URL
    try {
      url = new URL(options.baseUrl)
    } catch {
      throw new TypeError('baseUrl must be an absolute http(s) URL')
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new TypeError('baseUrl must be an absolute http(s) URL')
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
    this.token = options.token
    this.organizationId = options.organizationId || undefined
    this.userAgent = options.userAgent
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.sleep = options.sleep ?? abortableSleep
    this.random = options.random ?? Math.random
    this.retryAfterCapMs = options.retryAfterCapMs ?? DEFAULT_RETRY_AFTER_CAP_MS
    this.now = options.now ?? Date.now
    this.onRetry = options.onRetry
    this.hintContext = { host: url.host, organizationIdSet: this.organizationId !== undefined }
  }

  /**
   * CreatePipelineRun. Retried only where no run can have started: 429, and connection failures.
   * See CreateOptions for cancelling.
   */
  async createRun(
    pipelineId: number,
    params: string | undefined,
    opts: CreateOptions = {}
  ): Promise<number> {
    const body = this.createBody(params)
    const path = this.pipelinePath(pipelineId, '/runs')
    return this.call('POST', path, body, {
      signal: opts.signal,
      operation: 'CreatePipelineRun',
      attempts: CREATE_ATTEMPTS,
      timeoutMs: this.timeoutMs,
      waitCapMs: this.retryAfterCapMs,
      retry: f =>
        (f.kind === 'http' && f.answer.status === 429) || (f.kind === 'network' && f.preSend),
      mayHaveStarted: f => {
        if (f === 'bad-answer' || f.kind === 'timeout') return true
        if (f.kind === 'network') return !f.preSend
        return f.answer.status >= 500
      },
      parse: parseRunId
    })
  }

  /** GetPipelineRun. */
  async getRun(pipelineId: number, runId: number, opts: ReadOptions = {}): Promise<FlowRun> {
    const path = this.pipelinePath(pipelineId, `/runs/${positiveInteger('runId', runId)}`)
    return this.call('GET', path, null, this.readPolicy('GetPipelineRun', opts, parseRun))
  }

  /** GetPipeline. */
  async getPipeline(pipelineId: number, opts: ReadOptions = {}): Promise<FlowPipeline> {
    const path = this.pipelinePath(pipelineId, '')
    return this.call('GET', path, null, this.readPolicy('GetPipeline', opts, parsePipeline))
  }

  /** GetPipelineJobRunLog. One short try by default: see JobLogOptions. */
  async getJobLog(
    pipelineId: number,
    runId: number,
    jobId: number,
    opts: JobLogOptions = {}
  ): Promise<FlowJobLog> {
    const path = this.pipelinePath(
      pipelineId,
      `/runs/${positiveInteger('runId', runId)}/job/${positiveInteger('jobId', jobId)}/log`
    )
    const policy = this.readPolicy(
      'GetPipelineJobRunLog',
      {
        attempts: opts.attempts ?? JOB_LOG_ATTEMPTS,
        timeoutMs: opts.timeoutMs ?? JOB_LOG_TIMEOUT_MS,
        signal: opts.signal
      },
      parseJobLog
    )
    return this.call('GET', path, null, policy)
  }

  /** UpdatePipelineRun: stops the run. PUT with an empty body. */
  async stopRun(pipelineId: number, runId: number, opts: StopOptions = {}): Promise<void> {
    const path = this.pipelinePath(pipelineId, `/runs/${positiveInteger('runId', runId)}`)
    await this.call('PUT', path, '', this.stopPolicy('UpdatePipelineRun', opts))
  }

  /** StopPipelineJobRun: stops one job of a run. */
  async stopJob(
    pipelineId: number,
    runId: number,
    jobId: number,
    opts: StopOptions = {}
  ): Promise<void> {
    const path = this.pipelinePath(
      pipelineId,
      `/pipelineRuns/${positiveInteger('runId', runId)}/jobs/${positiveInteger('jobId', jobId)}/stop`
    )
    await this.call('PUT', path, '', this.stopPolicy('StopPipelineJobRun', opts))
  }

  /** The CreatePipelineRun request createRun would send, token redacted, for a dry run's log. */
  describeRequest(pipelineId: number, params: string | undefined): DescribedRequest {
    const secrets = [this.token]
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(this.headers())) {
      headers[name] = name === 'x-yunxiao-token' ? REDACTED : redact(value, secrets)
    }
    headers['User-Agent'] = redact(this.userAgent, secrets)
    return {
      method: 'POST',
      url: redact(this.url(this.pipelinePath(pipelineId, '/runs')), secrets),
      headers,
      body: redact(this.createBody(params), secrets)
    }
  }

  private createBody(params: string | undefined): string {
    return params === undefined ? '{}' : JSON.stringify({ params })
  }

  private pipelinePath(pipelineId: number, rest: string): string {
    const prefix = this.organizationId
      ? `/oapi/v1/flow/organizations/${encodeURIComponent(this.organizationId)}`
      : '/oapi/v1/flow'
    return `${prefix}/pipelines/${positiveInteger('pipelineId', pipelineId)}${rest}`
  }

  private url(path: string): string {
    return `${this.baseUrl}${path}`
  }

  private headers(): Record<string, string> {
    return {
      'x-yunxiao-token': this.token,
      'Content-Type': 'application/json',
      Accept: 'application/json'
    }
  }

  private readPolicy<T>(
    operation: FlowOperation,
    opts: ReadOptions & { timeoutMs?: number },
    parse: (answer: Answer) => Parsed<T>
  ): Policy<T> {
    return {
      operation,
      abort: opts.signal,
      attempts: Math.max(1, opts.attempts ?? READ_ATTEMPTS),
      timeoutMs: opts.timeoutMs ?? this.timeoutMs,
      waitCapMs: this.retryAfterCapMs,
      retry: transient,
      mayHaveStarted: () => false,
      parse
    }
  }

  private stopPolicy(operation: FlowOperation, opts: StopOptions): Policy<void> {
    return {
      operation,
      attempts: Math.max(1, opts.attempts ?? STOP_ATTEMPTS),
      timeoutMs: opts.timeoutMs ?? STOP_TIMEOUT_MS,
      waitCapMs: Math.min(this.retryAfterCapMs, STOP_WAIT_CAP_MS),
      retry: transient,
      mayHaveStarted: () => false,
      parse: parseStopAnswer
    }
  }

  private async call<T>(
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
function transient(failure: Failure): boolean {
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

function isHtml(answer: Answer): boolean {
  return (
    answer.body.trim() !== '' && looksLikeHtml(answer.body, header(answer.headers, 'content-type'))
  )
}

/** The run id: a bare positive integer, or the same in quotes. */
function parseRunId(answer: Answer): Parsed<number> {
  const match = /^(?:(\d+)|"(\d+)")$/.exec(answer.body.trim())
  const id = match ? Number(match[1] ?? match[2]) : NaN
  if (Number.isSafeInteger(id) && id > 0) return { ok: true, value: id }
  return {
    ok: false,
    what: 'the answer is not a run id',
    html: isHtml(answer)
  }
}

function parseObject<T>(
  answer: Answer,
  noun: string,
  check: (o: Record<string, unknown>) => boolean
): Parsed<T> {
  const value = jsonObject(answer.body)
  if (value && check(value)) return { ok: true, value: value as T }
  return {
    ok: false,
    what: `the answer is not ${noun}`,
    html: isHtml(answer)
  }
}

function parseRun(answer: Answer): Parsed<FlowRun> {
  return parseObject(
    answer,
    'a pipeline run (an object with a status)',
    o => typeof o.status === 'string'
  )
}

function parsePipeline(answer: Answer): Parsed<FlowPipeline> {
  return parseObject(answer, 'a pipeline object', () => true)
}

function parseJobLog(answer: Answer): Parsed<FlowJobLog> {
  const parsed = parseObject<Record<string, unknown>>(
    answer,
    'a job log (an object with a content string)',
    o => o.content === undefined || o.content === null || typeof o.content === 'string'
  )
  if (!parsed.ok) return parsed
  const o = parsed.value
  const log: FlowJobLog = { content: typeof o.content === 'string' ? o.content : '' }
  if (typeof o.last === 'number') log.last = o.last
  if (typeof o.more === 'boolean') log.more = o.more
  return { ok: true, value: log }
}

/** Stopping answers `true`; only an explicit `false` says it did not happen. */
function parseStopAnswer(answer: Answer): Parsed<void> {
  if (answer.body.trim() === 'false') {
    return {
      ok: false,
      what: 'the server answered false: nothing was stopped',
      html: false,
      quote: false
    }
  }
  if (isHtml(answer)) {
    return { ok: false, what: 'the answer is an HTML page', html: true }
  }
  return { ok: true, value: undefined }
}
