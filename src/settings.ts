// Action inputs -> one typed, validated Settings object. Throws InputError on bad input,
// before anything is sent. (Owned by the inputs/params work; the interface below is shared.)

export type LogsMode = 'failed' | 'all' | 'none'

/** Reads one raw input by its action.yml name (e.g. 'pipeline-id'); returns '' when unset. */
export type InputReader = (name: string) => string

export interface Settings {
  token: string
  /** Set: center edition paths. Undefined: Region edition paths. */
  organizationId?: string
  pipelineId: number
  /** Origin of the OpenAPI, e.g. 'https://openapi-rdc.aliyuncs.com' or 'http://127.0.0.1:8080' (no trailing slash). */
  baseUrl: string
  /** branchModeBranchs */
  branches: string[]
  /** One branch for every code source (needs GetPipeline). */
  branch?: string
  /** One tag for every code source (needs GetPipeline). */
  tag?: string
  envs?: Record<string, string>
  runningBranches?: Record<string, string>
  runningTags?: Record<string, string>
  pipelineArtifacts?: Record<string, string>
  acrArtifacts?: Record<string, string>
  packageArtifacts?: Record<string, string>
  /** The comment to send: the input, or the default that links back to the GitHub run (undefined when neither). */
  comment?: string
  /** Raw params object from the `params` input. */
  rawParams?: Record<string, unknown>
  /** Console origin, no trailing slash. */
  consoleUrl: string
  dryRun: boolean
  wait: boolean
  timeoutMs: number
  pollIntervalMs: number
  stopOnCancel: boolean
  stopOnTimeout: boolean
  logs: LogsMode
}

export class InputError extends Error {
  constructor(
    readonly input: string,
    message: string
  ) {
    super(message)
    this.name = 'InputError'
  }
}
