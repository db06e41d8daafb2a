// Client for the Yunxiao Flow OpenAPI calls this project makes. Knows nothing of GitHub, so a CLI
// could use it as is. This file holds the operations (paths, bodies, retry policies, reading the
// answers); the HTTP side (timeouts, retries, turning failures into errors) is in transport.ts.
// The API it calls, and what of it is confirmed: docs/flow-openapi.md.
import type { FlowOperation } from './errors.js'
import {
  Transport,
  isHtml,
  transient,
  type Answer,
  type Parsed,
  type Policy,
  type RetryEvent
} from './transport.js'
import type { FlowJobLog, FlowPipeline, FlowRun } from './types.js'
import { REDACTED, redact } from '../common/redact.js'

export type { RetryEvent } from './transport.js'

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
  private readonly transport: Transport

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
    this.transport = new Transport({
      baseUrl: this.baseUrl,
      token: this.token,
      userAgent: this.userAgent,
      hintContext: { host: url.host, organizationIdSet: this.organizationId !== undefined },
      sleep: options.sleep,
      random: options.random,
      retryAfterCapMs: options.retryAfterCapMs,
      now: options.now,
      onRetry: options.onRetry
    })
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
    return this.transport.call('POST', path, body, {
      signal: opts.signal,
      operation: 'CreatePipelineRun',
      attempts: CREATE_ATTEMPTS,
      timeoutMs: this.timeoutMs,
      waitCapMs: this.transport.retryAfterCap,
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
    return this.transport.call('GET', path, null, this.readPolicy('GetPipelineRun', opts, parseRun))
  }

  /** GetPipeline. */
  async getPipeline(pipelineId: number, opts: ReadOptions = {}): Promise<FlowPipeline> {
    const path = this.pipelinePath(pipelineId, '')
    return this.transport.call(
      'GET',
      path,
      null,
      this.readPolicy('GetPipeline', opts, parsePipeline)
    )
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
    return this.transport.call('GET', path, null, policy)
  }

  /** UpdatePipelineRun: stops the run. PUT with an empty body. */
  async stopRun(pipelineId: number, runId: number, opts: StopOptions = {}): Promise<void> {
    const path = this.pipelinePath(pipelineId, `/runs/${positiveInteger('runId', runId)}`)
    await this.transport.call('PUT', path, '', this.stopPolicy('UpdatePipelineRun', opts))
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
    await this.transport.call('PUT', path, '', this.stopPolicy('StopPipelineJobRun', opts))
  }

  /** The CreatePipelineRun request createRun would send, token redacted, for a dry run's log. */
  describeRequest(pipelineId: number, params: string | undefined): DescribedRequest {
    const secrets = [this.token]
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(this.transport.headers())) {
      headers[name] = name === 'x-yunxiao-token' ? REDACTED : redact(value, secrets)
    }
    headers['User-Agent'] = redact(this.userAgent, secrets)
    return {
      method: 'POST',
      url: redact(this.transport.url(this.pipelinePath(pipelineId, '/runs')), secrets),
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
      waitCapMs: this.transport.retryAfterCap,
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
      waitCapMs: Math.min(this.transport.retryAfterCap, STOP_WAIT_CAP_MS),
      retry: transient,
      mayHaveStarted: () => false,
      parse: parseStopAnswer
    }
  }
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
