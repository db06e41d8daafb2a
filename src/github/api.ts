// The three GitHub REST calls (API version 2022-11-28) over the `send` it is handed. GitHub's ways:
// a status on an unknown commit, or a description over 140 characters, is 422; a deployment without
// `auto_merge: false` may merge the default branch into the ref (202, none made), and without
// `required_contexts: []` is refused while a commit status is not success (409). No permission: 403,
// naming it in X-Accepted-GitHub-Permissions. A rate limit (403 or 429) did nothing.
import { backoff, header, parseRetryAfter, retrying } from '../common/http.js'
import { isLoopbackHost } from '../common/loopback.js'
import { jsonObject } from '../common/json.js'
import { redact } from '../common/redact.js'
import { abortableSleep } from '../common/sleep.js'
import { GITHUB_BACKOFF_CAP_MS, GITHUB_MAIN, type GithubTiming } from '../common/timing.js'
import {
  classify,
  githubMessage,
  notDone,
  shortReason,
  transient,
  type Failure,
  type HttpAnswer,
  type HttpSend
} from './http.js'
import { fitDescription, type CommitState, type DeploymentState } from './outcome.js'

export const API_VERSION = '2022-11-28'
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

export interface DeploymentStatusBody {
  state: DeploymentState
  log_url?: string
  environment_url?: string
  description: string
}

export interface CallOptions {
  /** Gives the call up, a request in flight included (e.g. when the job is cancelled). */
  signal?: AbortSignal
  deadlineMs?: number
}

interface Call<T> extends CallOptions {
  what: string
  path: string
  body: unknown
  permission: Permission
  /** Whether this failure may be tried again (a create only when it certainly did not happen). */
  retry: (failure: Failure) => boolean
  parse: (answer: HttpAnswer) => T | string
}

export class GithubApi {
  private readonly apiUrl: string
  private readonly attempts: number
  private readonly timeoutMs: number
  private readonly deadlineMs: number
  private readonly budgetMs: number
  /** Time spent in calls so far, and since when one is in flight (while `busy` > 0). */
  private spent = 0
  private busy = 0
  private busySince = 0
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  private readonly random: () => number
  private readonly now: () => number
  private readonly repo: string
  private readonly secrets: readonly string[]

  constructor(private readonly options: GithubApiOptions) {
    let url: URL
    try {
      url = new URL(options.apiUrl)
    } catch {
      throw new TypeError(`the GitHub API address ${JSON.stringify(options.apiUrl)} is not a URL`)
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new TypeError(`the GitHub API address ${JSON.stringify(options.apiUrl)} is not http(s)`)
    // The github-token never crosses a network in clear.
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
      throw new TypeError(
        `the GitHub API address ${JSON.stringify(url.origin)} is http:// to a host that is not loopback, and the github-token would cross the network in clear; use https:// (http:// only for 127.x.x.x, [::1] or localhost)`
      )
    this.apiUrl = options.apiUrl.replace(/\/+$/, '')
    this.attempts = Math.max(1, options.attempts ?? GITHUB_MAIN.attempts)
    this.timeoutMs = options.timeoutMs ?? GITHUB_MAIN.timeoutMs
    this.deadlineMs = options.deadlineMs ?? GITHUB_MAIN.deadlineMs
    this.budgetMs = options.budgetMs ?? Infinity
    this.sleep = options.sleep ?? abortableSleep
    this.random = options.random ?? Math.random
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
      body: { ...body, description: this.description(body.description) },
      permission: 'statuses: write',
      retry: transient,
      parse: () => undefined
    })
  }

  /** Creates a deployment of `ref`; returns its id. Retried only where none was created. */
  async createDeployment(body: DeploymentBody, opts: CallOptions = {}): Promise<number> {
    return this.call({
      ...opts,
      what: `create a deployment in "${body.environment}"`,
      path: `${this.repo}/deployments`,
      body: {
        ref: body.ref,
        task: 'deploy',
        auto_merge: false,
        required_contexts: [],
        payload: body.payload,
        environment: body.environment,
        description: this.description(body.description)
      },
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
    body: DeploymentStatusBody,
    opts: CallOptions = {}
  ): Promise<void> {
    await this.call({
      ...opts,
      what: `set deployment ${deploymentId} to ${body.state}`,
      path: `${this.repo}/deployments/${deploymentId}/statuses`,
      body: { ...body, description: this.description(body.description) },
      permission: 'deployments: write',
      retry: transient,
      parse: () => undefined
    })
  }

  private async call<T>(call: Call<T>): Promise<T> {
    const left = this.budgetMs - this.spent - (this.busy > 0 ? this.now() - this.busySince : 0)
    const spent = `not tried: the GitHub calls have had their ${this.budgetMs / 1000} s`
    if (left <= 0) throw this.error(call, spent, { transient: true })
    if (this.busy++ === 0) this.busySince = this.now()
    const deadline = this.now() + Math.min(this.deadlineMs, call.deadlineMs ?? Infinity, left)
    return retrying<T, Failure>({
      attempts: this.attempts,
      once: () => this.once(call, deadline),
      retry: call.retry,
      pause: (failure, attempt) => {
        const pause = this.pause(failure, attempt)
        return this.now() + pause < deadline ? pause : undefined
      },
      failed: (failure, attempts) => this.failed(call, failure, attempts),
      beforePause: (failure, _attempt, pause) =>
        this.options.onRetry?.(
          this.hide(
            `GitHub API: could not ${call.what} (${shortReason(failure)}); trying again in ${Math.ceil(pause / 100) / 10} s.`
          )
        ),
      sleep: ms => this.sleep(ms, call.signal)
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
          'X-GitHub-Api-Version': API_VERSION,
          'User-Agent': this.options.userAgent
        },
        body: JSON.stringify(call.body),
        timeoutMs: Math.max(1, Math.min(this.timeoutMs, deadline - this.now())),
        signal: call.signal
      })
      if (answer.status < 200 || answer.status >= 300) return { failure: { kind: 'http', answer } }
      const parsed = call.parse(answer)
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
      const retryAfter = parseRetryAfter(header(failure.answer.headers, 'retry-after'), this.now())
      if (retryAfter !== undefined) return retryAfter
      const reset = header(failure.answer.headers, 'x-ratelimit-reset')
      if (
        header(failure.answer.headers, 'x-ratelimit-remaining') === '0' &&
        reset &&
        /^\d+$/.test(reset)
      )
        return Math.max(0, Number(reset) * 1000 - this.now())
    }
    return backoff(attempt, GITHUB_BACKOFF_CAP_MS, this.random)
  }

  private hide(text: string): string {
    return redact(text, this.secrets)
  }

  /** Secrets removed first, then fitted to GitHub's limit. */
  private description(text: string): string {
    return fitDescription(this.hide(text))
  }

  private error(
    call: Call<unknown>,
    what: string,
    details: Omit<GithubApiErrorDetails, 'permission'>
  ): GithubApiError {
    return new GithubApiError(this.hide(`Could not ${call.what}: ${what}.`), {
      ...details,
      githubMessage: details.githubMessage && this.hide(details.githubMessage),
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
