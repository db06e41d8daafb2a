// Client for the Yunxiao Flow OpenAPI calls this project makes. Knows nothing of GitHub, so a CLI
// could use it as is. This file holds the operations (paths, bodies, retry policies, reading the
// answers); the HTTP side (timeouts, retries, turning failures into errors) is in transport.ts.
// The API it calls, and what of it is confirmed: docs/flow-openapi.md.
import { JOB_LOG_TIMEOUT_MS, PASS_TIMEOUT_MS } from '../common/timing.js'
import type { FlowOperation } from './errors.js'
import {
  Transport,
  transient,
  type Answer,
  type Parsed,
  type Policy,
  type RetryEvent
} from './transport.js'
import type {
  FlowJobLog,
  FlowJobStep,
  FlowPipeline,
  FlowPipelinePage,
  FlowRun,
  FlowStepLog
} from './types.js'
import {
  parseJobLog,
  parseJobSteps,
  parseLatestRun,
  parsePassAnswer,
  parsePipeline,
  parsePipelinePage,
  parseRun,
  parseRunId,
  parseStepLog,
  parseStopAnswer
} from './responses.js'
import { REDACTED, redact } from '../common/redact.js'

export type { RetryEvent } from './transport.js'

export interface FlowClientOptions {
  /** Origin, e.g. 'https://openapi-rdc.aliyuncs.com' or 'http://127.0.0.1:8080'. */
  baseUrl: string
  /** Personal access token, sent as `x-yunxiao-token`; removed from every error text. */
  token: string
  /** Other secrets (e.g. a GitHub token) removed from every error text, as the token is. */
  secrets?: readonly string[]
  /** Set: center-edition paths `/oapi/v1/flow/organizations/{org}/...`; unset: Region paths `/oapi/v1/flow/...`. */
  organizationId?: string
  userAgent: string
  /**
   * Total deadline of a CreatePipelineRun request (DNS, connect, proxy, TLS, answer), and the
   * most any read waits (reads default to the lesser of this and READ_TIMEOUT_MS). Default 30 s.
   */
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
  /** Total deadline per request. Default: READ_TIMEOUT_MS, or the client's timeout when shorter. */
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

export interface PassOptions {
  /** Per request. Default PASS_TIMEOUT_MS, whatever the client's timeout. */
  timeoutMs?: number
  /** Requests in all; retried only where the gate certainly was not passed. Default 2. */
  attempts?: number
  /**
   * Cancels the wait before a second attempt (as for createRun): passValidate then rejects with a
   * FlowApiError of kind `cancelled`, and the gate was not passed. A request in flight is never
   * aborted: its answer says whether the gate was passed.
   */
  signal?: AbortSignal
}

export interface DescribedRequest {
  method: 'POST'
  url: string
  /** As sent, with the token replaced by `***`. */
  headers: Record<string, string>
  body: string
}

const DEFAULT_TIMEOUT_MS = 30_000
/** Per-request deadline of getRun and getPipeline by default. */
export const READ_TIMEOUT_MS = 15_000
const CREATE_ATTEMPTS = 3
const READ_ATTEMPTS = 3
// A cancelled job has only seconds before the runner kills it, and stopping twice is harmless:
// two short tries with at most a one-second pause, rather than a long patient retry.
const STOP_ATTEMPTS = 2
const STOP_WAIT_CAP_MS = 1_000
/** Per-request timeout of stopRun and stopJob, whatever the client's own timeout. */
export const STOP_TIMEOUT_MS = 5_000
const JOB_LOG_ATTEMPTS = 1
/** ListPipelines' largest page. */
export const PIPELINES_PER_PAGE = 30
const PASS_ATTEMPTS = 2

/**
 * The most of an answer each call reads: a run id or a stop's `true` is a few bytes, a run or a
 * pipeline a few KiB. Anything larger is not an answer this client can use, and reading it all
 * could take the memory of the runner.
 */
export const MAX_ANSWER_BYTES = {
  create: 64 * 1024,
  stop: 64 * 1024,
  read: 4 * 1024 * 1024,
  jobLog: 4 * 1024 * 1024
} as const

/** How much of the end of a job log is kept, however long the log (the printer shows less). */
export const JOB_LOG_TAIL_BYTES = 1024 * 1024

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`)
  }
  return value
}

/**
 * Reading and stopping runs: every operation but CreatePipelineRun. The post step uses this class
 * alone, so its bundle holds no way to start a run (a test checks dist/post.js).
 */
export class FlowRunClient {
  protected readonly baseUrl: string
  protected readonly token: string
  protected readonly organizationId?: string
  protected readonly userAgent: string
  protected readonly timeoutMs: number
  protected readonly transport: Transport

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
      secrets: options.secrets,
      userAgent: this.userAgent,
      hintContext: { host: url.host, organizationIdSet: this.organizationId !== undefined },
      sleep: options.sleep,
      random: options.random,
      retryAfterCapMs: options.retryAfterCapMs,
      now: options.now,
      onRetry: options.onRetry
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
      parseJobLog,
      MAX_ANSWER_BYTES.jobLog
    )
    // Only the end of a log is kept, as it streams in (loaded when a log is first read).
    const { JobLogTail } = await import('./log-tail.js')
    policy.sink = () => new JobLogTail(JOB_LOG_TAIL_BYTES)
    return this.transport.call('GET', path, null, policy)
  }

  /** GetPipelineJobSteps: the steps of a job, whose logs getStepLog reads. One try by default. */
  async getJobSteps(
    pipelineId: number,
    runId: number,
    jobId: number,
    opts: JobLogOptions = {}
  ): Promise<FlowJobStep[]> {
    const path = this.jobPath(pipelineId, runId, jobId, '/steps')
    return this.transport.call(
      'GET',
      path,
      null,
      this.logPolicy('GetPipelineJobSteps', opts, parseJobSteps)
    )
  }

  /**
   * GetPipelineJobStepLog: lines `offset` (from 1) to at most `offset + limit - 1` of a step's
   * log; the query as the official client writes it. One try by default.
   */
  async getStepLog(
    pipelineId: number,
    runId: number,
    jobId: number,
    step: { stepIndex: number; buildId: number; offset: number; limit: number },
    opts: JobLogOptions = {}
  ): Promise<FlowStepLog> {
    const query = new URLSearchParams({
      stepIndex: String(step.stepIndex),
      offset: String(positiveInteger('offset', step.offset)),
      limit: String(positiveInteger('limit', step.limit)),
      buildId: String(positiveInteger('buildId', step.buildId))
    })
    const path = this.jobPath(pipelineId, runId, jobId, `/step/log?${query.toString()}`)
    return this.transport.call(
      'GET',
      path,
      null,
      this.logPolicy('GetPipelineJobStepLog', opts, parseStepLog)
    )
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

  protected organizationPath(): string {
    return this.organizationId
      ? `/oapi/v1/flow/organizations/${encodeURIComponent(this.organizationId)}`
      : '/oapi/v1/flow'
  }

  protected pipelinePath(pipelineId: number, rest: string): string {
    return `${this.organizationPath()}/pipelines/${positiveInteger('pipelineId', pipelineId)}${rest}`
  }

  private jobPath(pipelineId: number, runId: number, jobId: number, rest: string): string {
    const job = `/jobs/${positiveInteger('jobId', jobId)}${rest}`
    return this.pipelinePath(pipelineId, `/pipelineRuns/${positiveInteger('runId', runId)}${job}`)
  }

  private logPolicy<T>(
    operation: FlowOperation,
    opts: JobLogOptions,
    parse: (answer: Answer) => Parsed<T>
  ): Policy<T> {
    const attempts = opts.attempts ?? JOB_LOG_ATTEMPTS
    const timeoutMs = opts.timeoutMs ?? JOB_LOG_TIMEOUT_MS
    return this.readPolicy(operation, { attempts, timeoutMs, signal: opts.signal }, parse)
  }

  protected readPolicy<T>(
    operation: FlowOperation,
    opts: ReadOptions & { timeoutMs?: number },
    parse: (answer: Answer) => Parsed<T>,
    maxBytes: number = MAX_ANSWER_BYTES.read
  ): Policy<T> {
    return {
      operation,
      abort: opts.signal,
      attempts: Math.max(1, opts.attempts ?? READ_ATTEMPTS),
      timeoutMs: opts.timeoutMs ?? Math.min(this.timeoutMs, READ_TIMEOUT_MS),
      maxBytes,
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
      maxBytes: MAX_ANSWER_BYTES.stop,
      waitCapMs: Math.min(this.transport.retryAfterCap, STOP_WAIT_CAP_MS),
      retry: transient,
      mayHaveStarted: () => false,
      parse: parseStopAnswer
    }
  }
}

/** The whole client: FlowRunClient and CreatePipelineRun, for the main step. */
export class FlowClient extends FlowRunClient {
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
      maxBytes: MAX_ANSWER_BYTES.create,
      waitCapMs: this.transport.retryAfterCap,
      // A timeout is not tried again, even before sending: its deadline was long already.
      retry: f =>
        (f.kind === 'http' && f.answer.status === 429) ||
        (f.kind === 'network' && f.preSend && !f.permanent),
      mayHaveStarted: f => {
        if (f === 'bad-answer') return true
        if (f.kind === 'network' || f.kind === 'timeout') return !f.preSend
        return f.answer.status >= 500
      },
      parse: parseRunId
    })
  }

  /** GetLatestPipelineRun: the pipeline's newest run (404 when it has none). */
  async getLatestRun(pipelineId: number, opts: ReadOptions = {}): Promise<FlowRun> {
    const path = this.pipelinePath(pipelineId, '/runs/latestPipelineRun')
    return this.transport.call(
      'GET',
      path,
      null,
      this.readPolicy('GetLatestPipelineRun', opts, parseLatestRun)
    )
  }

  /**
   * ListPipelines: one page of the pipelines whose name contains `name` (the server's filter is
   * fuzzy: match the exact name yourself), `perPage` at most 30.
   */
  async listPipelines(
    name: string,
    page: number,
    perPage = PIPELINES_PER_PAGE,
    opts: ReadOptions = {}
  ): Promise<FlowPipelinePage> {
    const query = new URLSearchParams({
      pipelineName: name,
      page: String(positiveInteger('page', page)),
      perPage: String(Math.min(PIPELINES_PER_PAGE, positiveInteger('perPage', perPage)))
    })
    const path = `${this.organizationPath()}/pipelines?${query.toString()}`
    return this.transport.call(
      'GET',
      path,
      null,
      this.readPolicy('ListPipelines', opts, parsePipelinePage)
    )
  }

  /**
   * PassPipelineValidate: passes the manual gate (人工卡点) job `jobId` waits at. POST, no body.
   * A write: tried again only where it certainly did not reach the server (429, or a connection
   * that never opened). A failure after the request may have been taken has `mayHaveStarted` set.
   * Never abandoned: its answer says whether the gate was passed.
   */
  async passValidate(
    pipelineId: number,
    runId: number,
    jobId: number,
    opts: PassOptions = {}
  ): Promise<void> {
    const path = this.pipelinePath(
      pipelineId,
      `/pipelineRuns/${positiveInteger('runId', runId)}/jobs/${positiveInteger('jobId', jobId)}/pass`
    )
    await this.transport.call('POST', path, '', {
      signal: opts.signal,
      notDone: 'the gate was not passed',
      operation: 'PassPipelineValidate',
      attempts: Math.max(1, opts.attempts ?? PASS_ATTEMPTS),
      timeoutMs: opts.timeoutMs ?? PASS_TIMEOUT_MS,
      maxBytes: MAX_ANSWER_BYTES.stop,
      waitCapMs: Math.min(this.transport.retryAfterCap, STOP_WAIT_CAP_MS),
      retry: f =>
        (f.kind === 'http' && f.answer.status === 429) ||
        (f.kind === 'network' && f.preSend && !f.permanent),
      mayHaveStarted: f => {
        // `false`, or an HTML page from a gateway: not passed.
        if (f === 'bad-answer') return false
        if (f.kind === 'network' || f.kind === 'timeout') return !f.preSend
        return f.answer.status >= 500
      },
      parse: parsePassAnswer
    })
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
}
