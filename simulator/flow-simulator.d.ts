// Types for flow-simulator.js (plain JavaScript, run by Node directly).

export declare const DEFAULT_TOKEN: string
export declare const DEFAULT_ORGANIZATION_ID: string
export declare const DEFAULT_PIPELINE_ID: number
/** The token's user (aliyunPk): the default validator of a manual gate. */
export declare const DEFAULT_USER_ID: string

export type SimEdition = 'center' | 'region'

export interface SimJobDefinition {
  name: string
  /** Time RUNNING, after any waiting. Default 1000. */
  durationMs?: number
  /** Time WAITING first, like a manual approval. Default 0. */
  waitingMs?: number
  /** Default 'SUCCESS'. A FAIL job fails its stage and the run; later stages never start. */
  result?: 'SUCCESS' | 'FAIL'
  /** Log text; default: lines naming the job, ending with an [ERROR] line for a FAIL job. */
  log?: string
  /**
   * Its steps (GetPipelineJobSteps), run one after another in equal shares of durationMs; the job's
   * log is theirs together. Default: one step "Run" holding `log`. A step's lines are its `log`, or
   * `lineCount` generated lines of `lineBytes` (default 100) bytes.
   */
  steps?: Array<{ name: string; log?: string; lineCount?: number; lineBytes?: number }>
  /** What a SUCCESS job's `result` JSON string holds; default `{ image, imageTag }`. */
  outputs?: Record<string, unknown>
  /**
   * A manual gate (人工卡点): the job WAITs from its stage's start until it is passed
   * (PassPipelineValidate; then it runs for durationMs) or refused (RefusePipelineValidate; then it
   * ends FAIL). While it waits its `actions` hold PassPipelineValidate and RefusePipelineValidate,
   * `disable: true` when the token's user (`userId`) is not one of the validators (default: that
   * user), and passing it answers 403. `waitingMs` is ignored.
   */
  gate?: boolean | { validators?: string[] }
}

export interface SimStageDefinition {
  name: string
  /** Run in parallel. */
  jobs: SimJobDefinition[]
}

export interface SimPipelineDefinition {
  name?: string
  /** Code sources (Codeup); `branch` defaults to 'master'. */
  sources?: Array<{ repo: string; branch?: string }>
  /** Run one after another. */
  stages?: SimStageDefinition[]
}

export interface SimFault {
  method?: string
  /** Substring of, or RegExp tested on, the path including the query string. */
  path?: string | RegExp
  /** Default 500 (200 with `html`). */
  status?: number
  /** A string is sent as is, anything else as JSON. Default: a Yunxiao error body for status >= 400. */
  body?: unknown
  headers?: Record<string, string>
  /** How many matching requests consume this fault. Default 1; Infinity for all. */
  times?: number
  /** Hang this long (real time) first. With nothing else set, the request is then served normally. */
  delayMs?: number
  /** Answer an HTML login page (status 200 unless `status` is set). */
  html?: boolean
  /** Close the socket without answering. */
  destroy?: boolean
}

export interface FlowSimulatorOptions {
  /** Default 0: a free port. */
  port?: number
  /** Default '127.0.0.1'. */
  host?: string
  /** Serve HTTPS with this key and certificate (PEM); `url` is then https://. */
  tls?: { key: string; cert: string }
  /** How long an idle client connection is kept open; default 5000 ms (Node's default). */
  keepAliveMs?: number
  /** The token `x-yunxiao-token` must carry; default 'pt-simulator-token'. */
  token?: string
  /** Default 'sim-org'. */
  organizationId?: string
  /** Editions whose paths are served; default both. */
  editions?: SimEdition[]
  /** Pipeline id -> definition. Default: pipeline 123 (2 sources; Build with 2 parallel jobs, Test, Deploy). */
  pipelines?: Record<string | number, SimPipelineDefinition>
  /** Clock (ms since the epoch) that drives run progress; default Date.now. */
  now?: () => number
  /** Time a new run stays RUNNING with every stage INIT before its first stage starts. Default 0. */
  runDelayMs?: number
  /** Error bodies quote the received token (to test redaction). */
  echoToken?: boolean
  /** UpdatePipelineRun answers 400 BadRequest and stops nothing. */
  refuseRunStop?: boolean
  /** The token's user (aliyunPk), for manual gates' validators. Default DEFAULT_USER_ID. */
  userId?: string
  /** Initial fault queue. */
  faults?: SimFault[]
}

export type SimSettableOptions = Pick<
  FlowSimulatorOptions,
  | 'token'
  | 'organizationId'
  | 'editions'
  | 'now'
  | 'runDelayMs'
  | 'echoToken'
  | 'refuseRunStop'
  | 'userId'
> & {
  /** Added to (or replacing by id) the served pipelines; runs already created keep their timeline. */
  pipelines?: Record<string | number, SimPipelineDefinition>
}

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  /** As received; names lowercased. */
  headers: Record<string, string | string[] | undefined>
  body: string
  /** Number of the connection it came on (see `connections`). */
  connection: number
  /** The simulator clock when the request arrived. */
  time: number
}

export interface SimRunRecord {
  id: number
  pipelineId: number | string
  /** Parsed `params` object, or undefined when none was sent. */
  params: Record<string, unknown> | undefined
  rawBody: string
  createdAt: number
  /** Status now (by the simulator clock). */
  status: string
  /** When the run reached its final status, if it has. */
  endTime: number | undefined
  stopped: boolean
  stoppedAt: number | undefined
  /** UpdatePipelineRun calls received for this run, refused ones included. */
  stopRequests: number
  /** Job ids StopPipelineJobRun was called for, in order. */
  jobStops: number[]
  /** PassPipelineValidate / RefusePipelineValidate calls received, refused ones included. */
  gateRequests: Array<{ kind: 'pass' | 'refuse'; jobId: number; at: number }>
  /** Ids of the gate jobs passed, and refused. */
  gatesPassed: number[]
  gatesRefused: number[]
  jobs: Array<{ id: number; stage: string; name: string; status: string }>
}

export interface FlowSimulator {
  /** Origin, e.g. 'http://127.0.0.1:41234'. */
  url: string
  port: number
  /** Every request in arrival order (live array). */
  requests: RecordedRequest[]
  /** Connections accepted so far (over TLS: handshakes done). */
  connections(): number
  /** Faults not yet consumed (live array). */
  faults: SimFault[]
  addFault(fault: SimFault): void
  /** Starts a run as Yunxiao itself would (its Git trigger): returns the run id. */
  startRun(pipelineId: number | string, params?: Record<string, unknown>): number
  setOptions(partial: SimSettableOptions): void
  /** Snapshots of the runs created for a pipeline, oldest first. */
  runs(pipelineId: number | string): SimRunRecord[]
  /** Stops listening and closes every connection, including hanging ones. */
  close(): Promise<void>
}

export declare function defaultPipeline(): SimPipelineDefinition
export declare function failingPipeline(): SimPipelineDefinition
export declare function startFlowSimulator(options?: FlowSimulatorOptions): Promise<FlowSimulator>
