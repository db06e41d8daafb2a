// The one error type of the Flow OpenAPI client, and how a failed answer becomes plain words.
// Knows nothing of GitHub: it speaks of "the organization id", never of an action input.
import { STATUS_CODES } from 'node:http'
import { jsonObject } from '../common/json.js'
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
 * `http`: a non-2xx answer; `network`: no complete answer; `timeout`: none within the deadline;
 * `bad-answer`: a 2xx answer this client cannot read; `cancelled`: a write that certainly did not
 * happen, its signal fired before a request or a retry.
 */
export type FlowErrorKind = 'http' | 'network' | 'timeout' | 'bad-answer' | 'cancelled'

export class FlowApiError extends Error {
  declare readonly operation: FlowOperation
  declare readonly kind: FlowErrorKind
  /** HTTP status, when an answer came back. */
  declare readonly status?: number
  /** Node's error code for network failures, e.g. `ECONNREFUSED`. */
  declare readonly networkCode?: string
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

export type FlowApiErrorFields = Omit<FlowApiError, keyof Error>

/** Secrets removed, whitespace collapsed, then cut to 200 characters (a cut must not leave half a secret). */
export function excerpt(text: string, secrets: readonly string[]): string {
  const flat = redact(text, secrets).replace(/\s+/g, ' ').trim()
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat
}

export function looksLikeHtml(text: string, contentType?: string): boolean {
  if (contentType && /\bhtml\b/i.test(contentType)) return true
  return /^\s*<(!doctype|html|head|body|\?xml|[a-z]+[\s>])/i.test(text)
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim()
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return undefined
}

/**
 * Reads a Yunxiao error answer. Seen shapes: `{errorCode, errorMessage, requestId}`,
 * `{traceId, code, errorCode, errorMessage, errorDescription}`, plain text, and HTML pages from a
 * gateway or a wrong host. Every string that comes out is redacted; `excerpt` is set when the body
 * holds none of the Yunxiao error fields.
 */
export function parseErrorBody(body: string, secrets: readonly string[], contentType?: string) {
  const trimmed = body.trim()
  if (trimmed === '') return { html: false }
  const html = looksLikeHtml(trimmed, contentType)
  const o = html ? undefined : jsonObject(trimmed)
  const errorCode = text(o?.errorCode) ?? (typeof o?.code === 'string' ? text(o.code) : undefined)
  const errorMessage = text(o?.errorMessage) ?? text(o?.errorDescription) ?? text(o?.message)
  const requestId = text(o?.requestId) ?? text(o?.traceId)
  if (!errorCode && !errorMessage && !requestId) return { html, excerpt: excerpt(trimmed, secrets) }
  const clean = (s: string | undefined) => (s === undefined ? undefined : excerpt(s, secrets))
  return {
    errorCode: clean(errorCode),
    errorMessage: clean(errorMessage),
    requestId: clean(requestId),
    html: false
  }
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

export const NETWORK_HINTS = new Map([
  ['ENOTFOUND', 'The host name could not be resolved: check the domain.'],
  ['EAI_AGAIN', 'The DNS lookup failed for now: check the network and the domain.'],
  ['ECONNREFUSED', 'Nothing accepted the connection: check the domain and port.']
])

/** `(errorCode X: message; requestId R)`, or '' when the body had none of them. */
export function describeYunxiaoError(parsed: {
  errorCode?: string
  errorMessage?: string
  requestId?: string
}): string {
  const code = parsed.errorCode ? `errorCode ${parsed.errorCode}` : undefined
  const said = [code, parsed.errorMessage].filter(Boolean).join(': ')
  const parts = [said, parsed.requestId && `requestId ${parsed.requestId}`].filter(Boolean)
  return parts.length ? ` (${parts.join('; ')})` : ''
}
