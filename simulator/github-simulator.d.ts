// Types for github-simulator.js (plain JavaScript, run by Node directly).

export declare const DEFAULT_GITHUB_TOKEN: string

export interface GithubFault {
  method?: string
  /** Substring of, or RegExp tested on, the path. */
  path?: string | RegExp
  /** Default 500 (a 403 gets GitHub's "Resource not accessible by integration" body). */
  status?: number
  /** A string is sent as is, anything else as JSON. */
  body?: unknown
  headers?: Record<string, string>
  /** Default 1; Infinity for all. */
  times?: number
  /** Hang this long first; with nothing else set, the request is then served normally. */
  delayMs?: number
  /** Close the socket without answering. */
  destroy?: boolean
}

export interface GithubSimulatorOptions {
  port?: number
  /** The token `Authorization: Bearer` must carry. */
  token?: string
  /** owner/name; default 'octo-org/shop'. */
  repository?: string
  /** Commit ids the repository has. */
  commits?: string[]
  /** Branch name -> commit id. */
  branches?: Record<string, string>
  /** The token's permissions; default both 'write'. */
  permissions?: { statuses?: 'write' | 'read' | 'none'; deployments?: 'write' | 'read' | 'none' }
  /** Serve under a path, like GitHub Enterprise Server's '/api/v3'. */
  pathPrefix?: string
  /** The default branch is ahead: a deployment request without auto_merge gets 202. */
  behind?: boolean
  faults?: GithubFault[]
}

export interface GithubRequest {
  method: string
  path: string
  headers: Record<string, string | string[] | undefined>
  body: string
  /** The body parsed as JSON, when it is. */
  json: unknown
  time: number
}

export interface GithubStatus {
  id: number
  state: string
  description: string | null
  target_url: string | null
  context: string
}

export interface GithubDeploymentRecord {
  id: number
  sha: string
  ref: string
  environment: string
  description: string
  payload: Record<string, unknown>
  /** The request body as received. */
  request: Record<string, unknown>
  statuses: Array<{ state: string; description: string; log_url: string; environment_url: string }>
}

export interface GithubSimulator {
  /** The API base, as GITHUB_API_URL gives it, e.g. 'http://127.0.0.1:41234' or '.../api/v3'. */
  url: string
  requests: GithubRequest[]
  faults: GithubFault[]
  addFault(fault: GithubFault): void
  setPermissions(permissions: GithubSimulatorOptions['permissions']): void
  addCommit(sha: string): void
  /** The statuses posted on a commit, oldest first. */
  statuses(sha: string): GithubStatus[]
  deployments(): GithubDeploymentRecord[]
  close(): Promise<void>
}

export declare function startGithubSimulator(
  options?: GithubSimulatorOptions
): Promise<GithubSimulator>
