// The one error type of the Flow OpenAPI client, and how a failed answer becomes plain words.
// Knows nothing of GitHub: it speaks of "the organization id", never of an action input.
import { STATUS_CODES } from 'node:http'
import { isJsonObject } from '../common/json.js'
import { redact } from '../common/redact.js'

export type FlowOperation =
  | 'CreatePipelineRun'
  | 'GetPipelineRun'
  | 'GetPipeline'
  | 'UpdatePipelineRun'
  | 'StopPipelineJobRun'
  | 'GetPipelineJobRunLog'
  | 'ListPipelines'
  | 'GetLatestPipelineRun'
  | 'PassPipelineValidate'
  | 'GetPipelineJobSteps'
  | 'GetPipelineJobStepLog'

/**
 * - `http`: the server answered with a non-2xx status.
 * - `network`: no complete answer: connection refused, DNS failure, connection reset...
 * - `timeout`: no answer within the request timeout.
 * - `bad-answer`: a 2xx answer this client cannot read (HTML page, wrong shape, empty).
 * - `cancelled`: CreatePipelineRun only. The caller's AbortSignal fired before the first request
 *   or while waiting to try again, so nothing more was sent. `mayHaveStarted` is false, and that
 *   is certain: every earlier request was refused (429) or never reached the server.
 */
export type FlowErrorKind = 'http' | 'network' | 'timeout' | 'bad-answer' | 'cancelled'

export class FlowApiError extends Error {
  declare readonly operation: FlowOperation
  declare readonly kind: FlowErrorKind
  /** HTTP status, when an answer came back. */
  declare readonly status?: number
  /** Yunxiao's error code from the answer body, e.g. `InvalidTokenError`. */
  declare readonly errorCode?: string
  /** Yunxiao's error text (`errorMessage`, `errorDescription` or `message`). */
  declare readonly errorMessage?: string
  /** `requestId` or `traceId` from the body, or the `x-acs-request-id` header: for Yunxiao support. */
  declare readonly requestId?: string
  /** Node's error code for network failures, e.g. `ECONNREFUSED`. */
  declare readonly networkCode?: string
  /** At most 200 characters of what came back, when it was not a readable Yunxiao error. */
  declare readonly answerExcerpt?: string
  /** Safe to try again (the caller decides whether it still has time). */
  declare readonly retryable: boolean
  /** How long the server asked to wait (Retry-After, capped), when it said so. */
  declare readonly retryAfterMs?: number
  /** A write only: the server may have taken the request (a run may exist, a gate may be passed). */
  declare readonly mayHaveStarted: boolean
  /** Requests sent (or tried) for this call, retries included. */
  declare readonly attempts: number

  constructor(message: string, fields: FlowApiErrorFields) {
    super(message)
    this.name = 'FlowApiError'
    Object.assign(this, fields)
  }
}

export type FlowApiErrorFields = Pick<
  FlowApiError,
  | 'operation'
  | 'kind'
  | 'status'
  | 'errorCode'
  | 'errorMessage'
  | 'requestId'
  | 'networkCode'
  | 'answerExcerpt'
  | 'retryable'
  | 'retryAfterMs'
  | 'mayHaveStarted'
  | 'attempts'
>

export const EXCERPT_LIMIT = 200

/**
 * Whitespace collapsed, secrets removed, then cut to the limit. Redacting before cutting matters:
 * a cut through the middle of a secret would otherwise leave its first part behind.
 */
export function excerpt(text: string, secrets: readonly string[], limit = EXCERPT_LIMIT): string {
  const flat = redact(text, secrets).replace(/\s+/g, ' ').trim()
  return flat.length > limit ? `${flat.slice(0, limit)}…` : flat
}

export function looksLikeHtml(text: string, contentType?: string): boolean {
  if (contentType && /\bhtml\b/i.test(contentType)) return true
  return /^\s*<(!doctype|html|head|body|\?xml|[a-z]+[\s>])/i.test(text)
}

export interface ParsedErrorBody {
  errorCode?: string
  errorMessage?: string
  requestId?: string
  html: boolean
  /** Set when the body holds none of the Yunxiao error fields. */
  excerpt?: string
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim()
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return undefined
}

/**
 * Reads a Yunxiao error answer. Seen shapes: `{errorCode, errorMessage, requestId}`,
 * `{traceId, code, errorCode, errorMessage, errorDescription}`, plain text, and HTML pages from a
 * gateway or a wrong host. Every string that comes out is redacted.
 */
export function parseErrorBody(
  body: string,
  secrets: readonly string[],
  contentType?: string
): ParsedErrorBody {
  const trimmed = body.trim()
  if (trimmed === '') return { html: false }
  if (looksLikeHtml(trimmed, contentType)) return { html: true, excerpt: excerpt(trimmed, secrets) }
  let parsed: unknown
  try {
    parsed = JSON.parse(trimmed)
  } catch {
    return { html: false, excerpt: excerpt(trimmed, secrets) }
  }
  if (isJsonObject(parsed)) {
    const o = parsed
    const errorCode = text(o.errorCode) ?? (typeof o.code === 'string' ? text(o.code) : undefined)
    const errorMessage = text(o.errorMessage) ?? text(o.errorDescription) ?? text(o.message)
    const requestId = text(o.requestId) ?? text(o.traceId)
    if (errorCode || errorMessage || requestId) {
      const clean = (s: string | undefined) => (s === undefined ? undefined : excerpt(s, secrets))
      return {
        errorCode: clean(errorCode),
        errorMessage: clean(errorMessage),
        requestId: clean(requestId),
        html: false
      }
    }
  }
  return { html: false, excerpt: excerpt(trimmed, secrets) }
}

export function statusLine(status: number, statusMessage?: string): string {
  const reason = STATUS_CODES[status] ?? statusMessage
  return reason ? `HTTP ${status} ${reason}` : `HTTP ${status}`
}

/** What the client knows about its own setup, so a 404 hint can say which edition mismatch it is. */
export interface HintContext {
  host: string
  organizationIdSet: boolean
}

const CENTER_HOST = 'openapi-rdc.aliyuncs.com'

export const HTML_HINT =
  'The host is not a Yunxiao OpenAPI endpoint (an HTML page came back): check the domain.'

function editionHint(context: HintContext): string {
  if (!context.organizationIdSet && context.host === CENTER_HOST) {
    return `the center edition (${CENTER_HOST}) needs the organization id, and none was given.`
  }
  if (context.organizationIdSet && context.host !== CENTER_HOST) {
    return `a Region-edition host must not get an organization id (is ${context.host} one?).`
  }
  return `the center edition (${CENTER_HOST}) needs the organization id, a Region-edition host must not get one.`
}

export function hintForStatus(status: number, context: HintContext): string | undefined {
  if (status === 401) {
    return 'The token is invalid or expired: create a new personal access token in Yunxiao and update it where it is stored.'
  }
  if (status === 403) {
    return 'The token lacks the "pipeline run: read/write" permission, or its user is not a member of the organization.'
  }
  if (status === 404) {
    return `Wrong pipeline id or organization id, or an edition mismatch: ${editionHint(context)}`
  }
  if (status === 429) return 'Rate limited by Yunxiao: too many requests with this token.'
  if (status >= 500) return 'Yunxiao had a server error.'
  if (status >= 300 && status < 400) {
    return 'The host answered with a redirect, which is not followed (the token would go with it): check the domain.'
  }
  return undefined
}

export function hintForNetworkCode(code: string | undefined): string | undefined {
  switch (code) {
    case 'ENOTFOUND':
      return 'The host name could not be resolved: check the domain.'
    case 'EAI_AGAIN':
      return 'The DNS lookup failed for now: check the network and the domain.'
    case 'ECONNREFUSED':
      return 'Nothing accepted the connection: check the domain and port.'
    default:
      return undefined
  }
}

/** `(errorCode X: message; requestId R)`, or '' when the body had none of them. */
export function describeYunxiaoError(parsed: ParsedErrorBody): string {
  const parts: string[] = []
  if (parsed.errorCode && parsed.errorMessage) {
    parts.push(`errorCode ${parsed.errorCode}: ${parsed.errorMessage}`)
  } else if (parsed.errorCode) {
    parts.push(`errorCode ${parsed.errorCode}`)
  } else if (parsed.errorMessage) {
    parts.push(parsed.errorMessage)
  }
  if (parsed.requestId) parts.push(`requestId ${parsed.requestId}`)
  return parts.length ? ` (${parts.join('; ')})` : ''
}

/** `Operation failed[ after N tries]: what. Hint.` with secrets removed from all of it. */
export function composeMessage(
  operation: FlowOperation,
  attempts: number,
  what: string,
  hint: string | undefined,
  secrets: readonly string[]
): string {
  const tries = attempts > 1 ? ` after ${attempts} tries` : ''
  const sentence = /[.!?\u2026]$/.test(what) ? what : `${what}.`
  return redact(`${operation} failed${tries}: ${sentence}${hint ? ` ${hint}` : ''}`, secrets)
}

// Questions callers ask of an error from the Flow client. Each takes anything a catch gives, so no
// caller has to guess the shape of an error.

export function isFlowApiError(error: unknown): error is FlowApiError {
  return error instanceof FlowApiError
}

/** CreatePipelineRun was cancelled before anything that could start a run was sent. */
export function isCancelled(error: unknown): boolean {
  return isFlowApiError(error) && error.kind === 'cancelled'
}

/** CreatePipelineRun: the server may have taken the request, so a run may exist. */
export function mayHaveStarted(error: unknown): boolean {
  return isFlowApiError(error) && error.mayHaveStarted
}

/** Safe to try again (the caller decides whether it still has time). */
export function isRetryable(error: unknown): boolean {
  return isFlowApiError(error) && error.retryable
}

/** The HTTP status of the answer the call failed on, if one came. */
export function httpStatusOf(error: unknown): number | undefined {
  return isFlowApiError(error) ? error.status : undefined
}

/** A 2xx answer the client could not read (an HTML page, a wrong shape, `false` for a stop). */
export function isBadAnswer(error: unknown): boolean {
  return isFlowApiError(error) && error.kind === 'bad-answer'
}

/** How long the server asked to wait (Retry-After, capped), when it said so. */
export function retryAfterOf(error: unknown): number | undefined {
  const value = isFlowApiError(error) ? error.retryAfterMs : undefined
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined
}
