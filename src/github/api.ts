// The three GitHub REST calls (API version 2022-11-28) over the `send` it is handed. GitHub's ways:
// a status on an unknown commit, or a description over 140 characters, is 422; a deployment without
// `auto_merge: false` may merge the default branch into the ref (202, none made), and without
// `required_contexts: []` is refused while a commit status is not success (409). No permission: 403,
// naming it in X-Accepted-GitHub-Permissions. A rate limit (403 or 429) did nothing.
import { backoff, header, parseRetryAfter, retrying, type Headers } from '../common/http.js'
import { isLoopbackHost } from '../common/loopback.js'
import { jsonObject } from '../common/json.js'
import { oneLine } from '../common/logger.js'
import { redact } from '../common/redact.js'
import { abortableSleep } from '../common/sleep.js'
import { GITHUB_BACKOFF_CAP_MS, GITHUB_MAIN, type GithubTiming } from '../common/timing.js'
import { fitDescription, type CommitState, type DeploymentState } from './outcome.js'

export interface HttpRequest {
  method: 'POST'
  url: string
  headers: Record<string, string>
  body: string
  /** For the whole request, answer included. */
  timeoutMs: number
  signal?: AbortSignal
}

export interface HttpAnswer {
  status: number
  /** Names in lower case. */
  headers: Headers
  body: string
}

/**
 * Rejects on a network failure with the error's `code`, and `preSend: true` when nothing can have
 * reached the server; with `timeout: true` when no whole answer came in time.
 */
export type HttpSend = (request: HttpRequest) => Promise<HttpAnswer>

type Failure =
  | { kind: 'http'; answer: HttpAnswer }
  | { kind: 'network'; code?: string; detail: string; preSend: boolean }
  | { kind: 'timeout' }

export const DEFAULT_API_URL = 'https://api.github.com'

/** As written in a workflow's `permissions:` block. */
export type Permission = 'statuses: write' | 'deployments: write'

export interface GithubApiErrorDetails {
  status?: number
  /** GitHub's `message` (and validation errors), cut short. */
  githubMessage?: string
  permission: Permission
  /** X-Accepted-GitHub-Permissions */
  acceptedPermissions?: string
  /** True for a timeout, a network error, 5xx or a rate limit: trying later may work. */
  transient: boolean
  /** Given up through its signal. */
  cancelled?: boolean
}

export class GithubApiError extends Error {
  constructor(
    message: string,
    readonly details: GithubApiErrorDetails
  ) {
    super(message)
    this.name = 'GithubApiError'
  }
}

/** Timing defaults to the main step's (common/timing.ts); `budgetMs` to none beyond each call's. */
export interface GithubApiOptions extends Partial<GithubTiming> {
  /** GITHUB_API_URL: https://api.github.com, or https://HOST/api/v3 on GitHub Enterprise Server. */
  apiUrl: string
  token: string
  /** Other secrets (e.g. the Yunxiao token) removed from every text, as the token is. */
  secrets?: readonly string[]
  repository: string
  userAgent: string
  send: HttpSend
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  random?: () => number
  now?: () => number
  /** Told before each pause between attempts. */
  onRetry?: (line: string) => void
}

export interface DeploymentBody {
  ref: string
  environment: string
  description: string
  payload: Record<string, unknown>
}

export interface CallOptions {
  /** Gives the call up, a request in flight included (e.g. when the job is cancelled). */
  signal?: AbortSignal
  deadlineMs?: number
}

interface Call<T> extends CallOptions {
  what: string
  path: string
  /** Its description is fitted to GitHub's limit once the secrets are removed. */
  body: { description: string; [field: string]: unknown }
  permission: Permission
  /** Whether this failure may be tried again (a create only when it certainly did not happen). */
  retry?: (failure: Failure) => boolean
  /** The value of a 2xx answer, or why it is none; by default none is wanted. */
  parse?: (answer: HttpAnswer) => T | string
}

export class GithubApi {
  private readonly options: GithubApiOptions & GithubTiming
  private readonly apiUrl: string
  /** Time spent in calls so far, and since when one is in flight (while `busy` > 0). */
  private spent = 0
  private busy = 0
  private busySince = 0
  private readonly now: () => number
  private readonly repo: string
  private readonly secrets: readonly string[]

  constructor(options: GithubApiOptions) {
    const url = URL.canParse(options.apiUrl) ? new URL(options.apiUrl) : undefined
    if (url?.protocol !== 'https:' && url?.protocol !== 'http:')
      throw new TypeError(`the GitHub API address ${JSON.stringify(options.apiUrl)} is not http(s)`)
    // The github-token never crosses a network in clear.
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
      throw new TypeError(
        `the GitHub API address ${JSON.stringify(url.origin)} is http:// to a host that is not loopback, and the github-token would cross the network in clear; use https:// (http:// only for 127.x.x.x, [::1] or localhost)`
      )
    this.options = { ...GITHUB_MAIN, budgetMs: Infinity, ...options }
    this.apiUrl = options.apiUrl.replace(/\/+$/, '')
    this.now = options.now ?? Date.now
    const [owner, name] = options.repository.split('/')
    this.repo = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`
    this.secrets = [options.token, ...(options.secrets ?? [])]
  }

  /** Posting the same status twice is harmless (the last one counts): retried like a read. */
  async createCommitStatus(
    sha: string,
    body: { state: CommitState; target_url?: string; description: string; context: string },
    opts: CallOptions = {}
  ): Promise<void> {
    await this.call({
      ...opts,
      what: `create the commit status "${body.context}"`,
      path: `${this.repo}/statuses/${encodeURIComponent(sha)}`,
      body,
      permission: 'statuses: write'
    })
  }

  /** Creates a deployment of `ref`; returns its id. Retried only where none was created. */
  async createDeployment(body: DeploymentBody, opts: CallOptions = {}): Promise<number> {
    return this.call({
      ...opts,
      what: `create a deployment in "${body.environment}"`,
      path: `${this.repo}/deployments`,
      body: { ...body, task: 'deploy', auto_merge: false, required_contexts: [] },
      permission: 'deployments: write',
      retry: notDone,
      parse: answer => {
        const id = jsonObject(answer.body)?.id
        if (answer.status === 201 && typeof id === 'number' && Number.isSafeInteger(id)) return id
        const message = githubMessage(answer.body, this.secrets)
        return `GitHub answered HTTP ${answer.status} without a deployment${message ? ` (${message})` : ''}`
      }
    })
  }

  /** A deployment status; adding the same one twice is harmless. */
  async createDeploymentStatus(
    deploymentId: number,
    body: {
      state: DeploymentState
      log_url?: string
      environment_url?: string
      description: string
    },
    opts: CallOptions = {}
  ): Promise<void> {
    await this.call({
      ...opts,
      what: `set deployment ${deploymentId} to ${body.state}`,
      path: `${this.repo}/deployments/${deploymentId}/statuses`,
      body,
      permission: 'deployments: write'
    })
  }

  private async call<T>(call: Call<T>): Promise<T> {
    const left =
      this.options.budgetMs - this.spent - (this.busy > 0 ? this.now() - this.busySince : 0)
    const spent = `not tried: the GitHub calls have had their ${this.options.budgetMs / 1000} s`
    if (left <= 0) throw this.error(call, spent, { transient: true })
    if (this.busy++ === 0) this.busySince = this.now()
    const deadline =
      this.now() + Math.min(this.options.deadlineMs, call.deadlineMs ?? Infinity, left)
    return retrying<T, Failure>({
      attempts: this.options.attempts,
      once: () => this.once(call, deadline),
      retry: call.retry ?? transient,
      pause: (failure, attempt) => {
        const pause = this.pause(failure, attempt)
        return this.now() + pause < deadline ? pause : undefined
      },
      failed: (failure, attempts) => this.failed(call, failure, attempts),
      beforePause: (failure, _attempt, pause) =>
        this.options.onRetry?.(
          redact(
            `GitHub API: could not ${call.what} (${shortReason(failure)}); trying again in ${Math.ceil(pause / 100) / 10} s.`,
            this.secrets
          )
        ),
      sleep: ms => (this.options.sleep ?? abortableSleep)(ms, call.signal)
    }).finally(() => {
      if (--this.busy === 0) this.spent += this.now() - this.busySince
    })
  }

  /** One request: the parsed answer, or the failure to judge. */
  private async once<T>(
    call: Call<T>,
    deadline: number
  ): Promise<{ value: T } | { failure: Failure }> {
    const cancelled = () =>
      this.error(call, 'given up (the job was cancelled)', { transient: true, cancelled: true })
    if (call.signal?.aborted) throw cancelled()
    try {
      const answer = await this.options.send({
        method: 'POST',
        url: `${this.apiUrl}${call.path}`,
        headers: {
          Accept: 'application/vnd.github+json',
          Authorization: `Bearer ${this.options.token}`,
          'Content-Type': 'application/json',
          'X-GitHub-Api-Version': '2022-11-28',
          'User-Agent': this.options.userAgent
        },
        body: JSON.stringify({
          ...call.body,
          description: fitDescription(redact(call.body.description, this.secrets))
        }),
        timeoutMs: Math.max(1, Math.min(this.options.timeoutMs, deadline - this.now())),
        signal: call.signal
      })
      if (answer.status < 200 || answer.status >= 300) return { failure: { kind: 'http', answer } }
      const parsed = call.parse?.(answer) as T | string
      if (typeof parsed !== 'string') return { value: parsed }
      throw this.error(call, parsed, { transient: false })
    } catch (error) {
      if (error instanceof GithubApiError) throw error
      if (call.signal?.aborted) throw cancelled()
      return { failure: classify(error) }
    }
  }

  /** Retry-After or the rate-limit reset when GitHub names one, else a jittered backoff. */
  private pause(failure: Failure, attempt: number): number {
    if (failure.kind === 'http') {
      const { headers } = failure.answer
      const retryAfter = parseRetryAfter(header(headers, 'retry-after'), this.now())
      if (retryAfter !== undefined) return retryAfter
      const reset = header(headers, 'x-ratelimit-reset') ?? ''
      if (header(headers, 'x-ratelimit-remaining') === '0' && /^\d+$/.test(reset))
        return Math.max(0, Number(reset) * 1000 - this.now())
    }
    return backoff(attempt, GITHUB_BACKOFF_CAP_MS, this.options.random ?? Math.random)
  }

  private error(
    call: Call<unknown>,
    what: string,
    details: Omit<GithubApiErrorDetails, 'permission'>
  ): GithubApiError {
    return new GithubApiError(redact(`Could not ${call.what}: ${what}.`, this.secrets), {
      ...details,
      permission: call.permission
    })
  }

  private failed(call: Call<unknown>, failure: Failure, attempts: number): GithubApiError {
    const tries = attempts > 1 ? ` (${attempts} tries)` : ''
    const host = new URL(this.apiUrl).host
    if (failure.kind === 'timeout')
      return this.error(call, `no answer from ${host} in time${tries}`, { transient: true })
    if (failure.kind === 'network')
      return this.error(
        call,
        `could not talk to ${host}: ${failure.detail}${failure.code && !failure.detail.includes(failure.code) ? ` (${failure.code})` : ''}${tries}`,
        { transient: true }
      )
    const { answer } = failure
    const message = githubMessage(answer.body, this.secrets)
    return this.error(call, `HTTP ${answer.status}${message ? ` "${message}"` : ''}${tries}`, {
      status: answer.status,
      githubMessage: message,
      acceptedPermissions: header(answer.headers, 'x-accepted-github-permissions'),
      transient: transient(failure)
    })
  }
}

// What a failed call means.

/** 429, or 403 with Retry-After, X-RateLimit-Remaining: 0, or (a secondary limit) a message. */
function rateLimited(answer: HttpAnswer): boolean {
  if (answer.status === 429) return true
  return (
    answer.status === 403 &&
    (header(answer.headers, 'retry-after') !== undefined ||
      header(answer.headers, 'x-ratelimit-remaining') === '0' ||
      /rate limit/i.test(githubMessage(answer.body) ?? ''))
  )
}

/** Worth another try for a write that may be repeated. */
export function transient(failure: Failure): boolean {
  if (failure.kind !== 'http') return true
  const status = failure.answer.status
  return status === 408 || status >= 500 || rateLimited(failure.answer)
}

/** A create that is repeated only when it certainly did not happen. */
function notDone(failure: Failure): boolean {
  if (failure.kind === 'network') return failure.preSend
  return failure.kind === 'http' && rateLimited(failure.answer)
}

/** GitHub's `message` and validation `errors` on one short line, `secrets` removed before the cut. */
export function githubMessage(body: string, secrets: readonly string[] = []): string | undefined {
  const json = jsonObject(body)
  let text: string | undefined
  if (json && typeof json.message === 'string') {
    text = json.message
    const errors: unknown[] = Array.isArray(json.errors) ? (json.errors as unknown[]) : []
    const details = errors
      .map(e => {
        if (typeof e === 'string') return e
        const message = (e as { message?: unknown } | null)?.message
        return typeof message === 'string' ? message : undefined
      })
      .filter((m): m is string => Boolean(m))
    if (details.length) text += `: ${details.join('; ')}`
  } else if (body.trim()) {
    text = body.trim()
  }
  if (text === undefined) return undefined
  // Text from GitHub stays on one line: a line break could start a workflow command.
  const line = oneLine(redact(text, secrets)).trim()
  return line.length > 300 ? `${line.slice(0, 300)}…` : line
}

function classify(error: unknown): Failure {
  const err = error as { code?: unknown; message?: unknown; timeout?: unknown; preSend?: unknown }
  if (err?.timeout === true) return { kind: 'timeout' }
  const code = typeof err?.code === 'string' ? err.code : undefined
  const detail = typeof err?.message === 'string' ? err.message : String(error)
  return { kind: 'network', code, detail, preSend: err?.preSend === true }
}

function shortReason(failure: Failure): string {
  if (failure.kind === 'http') return `HTTP ${failure.answer.status}`
  if (failure.kind === 'timeout') return 'no answer in time'
  return failure.code ?? 'network error'
}
