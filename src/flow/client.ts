// The Yunxiao Flow OpenAPI calls this project makes: paths, bodies, retry policies, readers of the
// answers (the HTTP side is transport.ts). The API: docs/flow-openapi.md.
import type { FlowOperation } from './errors.js'
import {
  Transport,
  type Answer,
  type Parsed,
  type Policy,
  type TransportOptions
} from './transport.js'
import type {
  FlowJobLog,
  FlowJobStep,
  FlowPipeline,
  FlowPipelinePage,
  FlowRun,
  FlowStepLog
} from './types.js'
import * as parse from './responses.js'
import { JobLogTail } from './log-tail.js'
import { REDACTED, redact } from '../common/redact.js'
import {
  CREATE_TIMEOUT_MS,
  FLOW_ATTEMPTS,
  LOG_TIMEOUT_MS,
  READ_TIMEOUT_MS,
  STOP_TIMEOUT_MS,
  STOP_WAIT_CAP_MS
} from '../common/timing.js'

export type { RetryEvent } from './transport.js'

export interface FlowClientOptions extends TransportOptions {
  /** Set: center-edition paths `/oapi/v1/flow/organizations/{org}/...`; unset: Region paths. */
  organizationId?: string
  /** Deadline of a CreatePipelineRun request, and the most any read waits. Default 30 s. */
  timeoutMs?: number
}

/** Over the defaults in common/timing.ts; `signal` as in a transport Policy. */
export interface CallOptions {
  attempts?: number
  timeoutMs?: number
  signal?: AbortSignal
}

/** ListPipelines' largest page. */
export const PIPELINES_PER_PAGE = 30

/** A job of a run: what the job calls (logs, steps, stop, gate pass) name. */
export interface JobRef {
  pipelineId: number
  runId: number
  jobId: number
}

/** How much of the end of a job log is kept as it streams in (the printer shows less). */
const JOB_LOG_TAIL_BYTES = 1024 * 1024

function id(name: string, value: number): number {
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
  /** Where every path starts: in the center edition, under the organization. */
  protected readonly organizationPath: string
  protected readonly timeoutMs: number
  protected readonly transport: Transport

  constructor(options: FlowClientOptions) {
    const { organizationId } = options
    this.organizationPath = organizationId
      ? `/oapi/v1/flow/organizations/${encodeURIComponent(organizationId)}`
      : '/oapi/v1/flow'
    this.timeoutMs = options.timeoutMs ?? CREATE_TIMEOUT_MS
    this.transport = new Transport(
      { ...options, baseUrl: options.baseUrl.replace(/\/+$/, '') },
      { host: new URL(options.baseUrl).host, organizationIdSet: Boolean(organizationId) }
    )
  }

  /** GetPipelineRun. */
  async getRun(pipelineId: number, runId: number, opts: CallOptions = {}): Promise<FlowRun> {
    const path = this.runPath(pipelineId, runId, '')
    return this.read('GetPipelineRun', path, opts, parse.run)
  }

  /** GetPipeline. */
  async getPipeline(pipelineId: number, opts: CallOptions = {}): Promise<FlowPipeline> {
    return this.read('GetPipeline', this.pipelinePath(pipelineId, ''), opts, parse.pipeline)
  }

  /** GetPipelineJobRunLog: one short try by default (a log must not hold the wait loop up). */
  async getJobLog(job: JobRef, opts: CallOptions = {}): Promise<FlowJobLog> {
    const path = this.runPath(job.pipelineId, job.runId, `/job/${id('jobId', job.jobId)}/log`)
    const sink = () => new JobLogTail(JOB_LOG_TAIL_BYTES)
    return this.read('GetPipelineJobRunLog', path, { ...this.logOptions(opts), sink }, parse.jobLog)
  }

  /** GetPipelineJobSteps: the steps of a job, whose logs getStepLog reads. One try. */
  async getJobSteps(job: JobRef, opts: CallOptions = {}): Promise<FlowJobStep[]> {
    const path = this.jobPath(job, '/steps')
    return this.read('GetPipelineJobSteps', path, this.logOptions(opts), parse.jobSteps)
  }

  /** GetPipelineJobStepLog: `limit` lines of a step's log from line `offset` (from 1). One try. */
  async getStepLog(
    job: JobRef,
    step: { stepIndex: number; buildId: number; offset: number; limit: number },
    opts: CallOptions = {}
  ): Promise<FlowStepLog> {
    const query = new URLSearchParams({
      stepIndex: String(step.stepIndex),
      offset: String(id('offset', step.offset)),
      limit: String(id('limit', step.limit)),
      buildId: String(id('buildId', step.buildId))
    })
    const path = this.jobPath(job, `/step/log?${query.toString()}`)
    return this.read('GetPipelineJobStepLog', path, this.logOptions(opts), parse.stepLog)
  }

  /** UpdatePipelineRun: stops the run. PUT with an empty body. */
  async stopRun(pipelineId: number, runId: number, opts: CallOptions = {}): Promise<void> {
    await this.stop('UpdatePipelineRun', this.runPath(pipelineId, runId, ''), opts)
  }

  /** StopPipelineJobRun: stops one job of a run. */
  async stopJob(job: JobRef, opts: CallOptions = {}): Promise<void> {
    await this.stop('StopPipelineJobRun', this.jobPath(job, '/stop'), opts)
  }

  protected pipelinePath(pipelineId: number, rest: string): string {
    return `${this.organizationPath}/pipelines/${id('pipelineId', pipelineId)}${rest}`
  }

  /** Reads and the stop of a run say `runs`; the job calls say `pipelineRuns`. */
  private runPath(pipelineId: number, runId: number, rest: string): string {
    return this.pipelinePath(pipelineId, `/runs/${id('runId', runId)}${rest}`)
  }

  protected jobPath({ pipelineId, runId, jobId }: JobRef, rest: string): string {
    const job = `/pipelineRuns/${id('runId', runId)}/jobs/${id('jobId', jobId)}${rest}`
    return this.pipelinePath(pipelineId, job)
  }

  private logOptions(opts: CallOptions): CallOptions {
    const attempts = opts.attempts ?? FLOW_ATTEMPTS.log
    return { attempts, timeoutMs: opts.timeoutMs ?? LOG_TIMEOUT_MS, signal: opts.signal }
  }

  /** A GET: safe to repeat and to abandon. */
  protected read<T>(
    operation: FlowOperation,
    path: string,
    opts: CallOptions & Pick<Policy<T>, 'sink'>,
    parse: (answer: Answer) => Parsed<T>
  ): Promise<T> {
    return this.transport.call('GET', path, null, {
      operation,
      signal: opts.signal,
      attempts: opts.attempts ?? FLOW_ATTEMPTS.read,
      timeoutMs: opts.timeoutMs ?? Math.min(this.timeoutMs, READ_TIMEOUT_MS),
      sink: opts.sink,
      parse
    })
  }

  /** A stop, tried again as a read (stopping twice is harmless), but briefly. */
  private stop(operation: FlowOperation, path: string, opts: CallOptions): Promise<void> {
    return this.transport.call('PUT', path, '', {
      operation,
      attempts: opts.attempts ?? FLOW_ATTEMPTS.stop,
      timeoutMs: opts.timeoutMs ?? STOP_TIMEOUT_MS,
      waitCapMs: STOP_WAIT_CAP_MS,
      parse: answer => parse.done(answer, 'nothing was stopped')
    })
  }
}

/** The whole client: FlowRunClient and CreatePipelineRun, for the main step. */
export class FlowClient extends FlowRunClient {
  /** CreatePipelineRun. Retried only where no run can have started: 429, and connection failures. */
  async createRun(
    pipelineId: number,
    params: string | undefined,
    opts: Pick<CallOptions, 'signal'> = {}
  ): Promise<number> {
    const path = this.pipelinePath(pipelineId, '/runs')
    return this.transport.call('POST', path, createBody(params), {
      operation: 'CreatePipelineRun',
      write: { notDone: 'no run was started', badAnswerMayBeDone: true },
      signal: opts.signal,
      attempts: FLOW_ATTEMPTS.create,
      timeoutMs: this.timeoutMs,
      parse: parse.runId
    })
  }

  /** GetLatestPipelineRun: the pipeline's newest run (404 when it has none). */
  async getLatestRun(pipelineId: number, opts: CallOptions = {}): Promise<FlowRun> {
    const path = this.pipelinePath(pipelineId, '/runs/latestPipelineRun')
    return this.read('GetLatestPipelineRun', path, opts, answer => parse.run(answer, true))
  }

  /** ListPipelines: a page of the pipelines whose name contains `name` (a fuzzy filter). */
  async listPipelines(
    name: string,
    page: number,
    opts: CallOptions = {}
  ): Promise<FlowPipelinePage> {
    const query = new URLSearchParams({
      pipelineName: name,
      page: String(id('page', page)),
      perPage: String(PIPELINES_PER_PAGE)
    })
    const path = `${this.organizationPath}/pipelines?${query.toString()}`
    return this.read('ListPipelines', path, opts, parse.pipelinePage)
  }

  /** PassPipelineValidate: passes the manual gate (人工卡点) job `jobId` waits at; a write. */
  async passValidate(job: JobRef, opts: CallOptions = {}): Promise<void> {
    const policy: Policy<void> = {
      operation: 'PassPipelineValidate',
      write: { notDone: 'the gate was not passed', badAnswerMayBeDone: false },
      signal: opts.signal,
      attempts: opts.attempts ?? FLOW_ATTEMPTS.pass,
      timeoutMs: opts.timeoutMs ?? STOP_TIMEOUT_MS,
      waitCapMs: STOP_WAIT_CAP_MS,
      parse: answer => parse.done(answer, 'the gate was not passed')
    }
    await this.transport.call('POST', this.jobPath(job, '/pass'), '', policy)
  }

  /** The CreatePipelineRun request createRun would send, token redacted, for a dry run's log. */
  describeRequest(pipelineId: number, params: string | undefined) {
    const headers = this.transport.headers()
    const secrets = [headers['x-yunxiao-token']]
    return {
      method: 'POST',
      url: redact(this.transport.url(this.pipelinePath(pipelineId, '/runs')), secrets),
      headers: { ...headers, 'x-yunxiao-token': REDACTED },
      body: redact(createBody(params), secrets)
    }
  }
}

function createBody(params: string | undefined): string {
  return params === undefined ? '{}' : JSON.stringify({ params })
}
