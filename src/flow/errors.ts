// The one error type of the Flow OpenAPI client, and how a failure becomes plain words.
// Knows nothing of GitHub: it speaks of "the organization id", never of an action input.
import type { Answer } from './exchange.js'
import type { ExchangeError, Stage } from './exchange-error.js'
import { header } from '../common/http.js'
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

export type Failure =
  /** A non-2xx answer. */
  | { kind: 'http'; answer: Answer; retryAfterMs?: number }
  /** No complete answer, or none within the deadline; `preSend`: no byte can have reached the server. */
  | { kind: 'network' | 'timeout'; error: ExchangeError; preSend: boolean }
  /** A 2xx answer that is not what the call returns: never tried again. */
  | ({ kind: 'bad-answer'; answer: Answer } & Extract<Parsed<never>, { ok: false }>)

export type Parsed<T> =
  | { ok: true; value: T }
  /** `quote: false` when `what` already says all the answer held. */
  | { ok: false; what: string; quote?: boolean }

/** `cancelled`: a write that certainly did not happen, its signal fired before a request or a retry. */
export type FlowErrorKind = Failure['kind'] | 'cancelled'

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

/** What messages know of the client: its host, whether it has an organization id, its secrets. */
export interface Setup {
  host: string
  organizationIdSet: boolean
  secrets: readonly string[]
}

/** Secrets removed, whitespace collapsed, then cut to 200 characters (a cut must not leave half a secret). */
export function excerpt(text: string, secrets: readonly string[]): string {
  const flat = redact(text, secrets).replace(/\s+/g, ' ').trim()
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat
}

export function isHtml({ body, headers }: Answer): boolean {
  if (body.trim() === '') return false
  if (/\bhtml\b/i.test(header(headers, 'content-type') ?? '')) return true
  return /^\s*<(!doctype|html|head|body|\?xml|[a-z]+[\s>])/i.test(body)
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim()
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return undefined
}

/**
 * What a Yunxiao error answer said, redacted: ` (errorCode X: message; requestId R)` from the seen
 * shapes (docs/flow-openapi.md), the request id from the x-acs-request-id header where the body has
 * none; for any other body (text, a gateway's HTML page), `, answer: "its start"`.
 */
function yunxiaoSaid(answer: Answer, secrets: readonly string[]): string {
  const o = isHtml(answer) ? undefined : jsonObject(answer.body)
  const clean = (s: string | undefined) => s && excerpt(s, secrets)
  const code = text(o?.errorCode) ?? (typeof o?.code === 'string' ? text(o.code) : undefined)
  const message = text(o?.errorMessage) ?? text(o?.errorDescription) ?? text(o?.message)
  const bodyId = text(o?.requestId) ?? text(o?.traceId)
  const requestId = clean(bodyId ?? header(answer.headers, 'x-acs-request-id'))
  const said = [code && `errorCode ${clean(code)}`, clean(message)].filter(Boolean).join(': ')
  const parts = [said, requestId && `requestId ${requestId}`].filter(Boolean)
  const fields = parts.length ? ` (${parts.join('; ')})` : ''
  const quoted = answer.body.trim() !== '' && !code && !message && !bodyId
  return quoted ? `${fields}, answer: "${excerpt(answer.body, secrets)}"` : fields
}

function statusLine({ status, statusMessage }: Answer): string {
  const reason = process.getBuiltinModule('node:http').STATUS_CODES[status] ?? statusMessage
  return reason ? `HTTP ${status} ${reason}` : `HTTP ${status}`
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`
}

const CENTER_HOST = 'openapi-rdc.aliyuncs.com'

const HTML_HINT =
  'The host is not a Yunxiao OpenAPI endpoint (an HTML page came back): check the domain.'

function editionHint({ host, organizationIdSet }: Setup): string {
  if (!organizationIdSet && host === CENTER_HOST) {
    return `the center edition (${CENTER_HOST}) needs the organization id, and none was given.`
  }
  if (organizationIdSet && host !== CENTER_HOST) {
    return `a Region-edition host must not get an organization id (is ${host} one?).`
  }
  return `the center edition (${CENTER_HOST}) needs the organization id, a Region-edition host must not get one.`
}

const STATUS_HINTS: Record<number, string> = {
  401: 'The token is invalid or expired: create a new personal access token in Yunxiao and update it where it is stored.',
  403: 'The token lacks the "pipeline run: read/write" permission, or its user is not a member of the organization.',
  429: 'Rate limited by Yunxiao: too many requests with this token.'
}

function hintForStatus(status: number, setup: Setup): string | undefined {
  if (status === 404) {
    return `Wrong pipeline id or organization id, or an edition mismatch: ${editionHint(setup)}`
  }
  if (status >= 500) return 'Yunxiao had a server error.'
  if (status < 300 || status >= 400) return STATUS_HINTS[status]
  return 'The host answered with a redirect, which is not followed (the token would go with it): check the domain.'
}

const NETWORK_HINTS = new Map([
  ['ENOTFOUND', 'The host name could not be resolved: check the domain.'],
  ['EAI_AGAIN', 'The DNS lookup failed for now: check the network and the domain.'],
  ['ECONNREFUSED', 'Nothing accepted the connection: check the domain and port.']
])

/** What a request that ran out of time was waiting for, and so whether anything was sent. */
const STALLED: Record<Stage, string> = {
  dns: 'the DNS lookup did not finish; nothing was sent',
  connect: 'the connection was not accepted; nothing was sent',
  proxy: 'the proxy did not open the tunnel; nothing was sent',
  tls: 'the TLS handshake did not finish; nothing was sent',
  sent: 'the request was sent and no answer came',
  answer: 'the answer did not finish coming'
}

/** A failure in a few words, for a retry line: `HTTP 429 Too Many Requests`, `ECONNREFUSED`. */
export function shortReason(failure: Failure, timeoutMs: number): string {
  if ('answer' in failure) return statusLine(failure.answer)
  if (failure.kind === 'timeout') return `no answer within ${formatSeconds(timeoutMs)}`
  const { code } = failure.error
  if (code === 'EPROXY') return 'proxy connection failed'
  return code === 'ERROR' ? 'network error' : code
}

/** What went wrong in a call's last failure, and what to do about it (not yet redacted). */
export function explain(failure: Failure, timeoutMs: number, setup: Setup) {
  const { host, secrets } = setup
  if ('error' in failure) {
    const { code, hint, stage } = failure.error
    if (failure.kind === 'timeout') {
      return {
        what: `no answer from ${host} within ${formatSeconds(timeoutMs)}: ${STALLED[stage]}`
      }
    }
    const detail = excerpt(failure.error.message, secrets)
    const withCode =
      code !== 'ERROR' && !code.startsWith('EPROXY') && !detail.includes(code)
        ? `${detail} (${code})`
        : detail
    const what = failure.preSend
      ? `could not reach ${host}: ${withCode}; nothing was sent`
      : `could not talk to ${host}: ${withCode}`
    return { what, hint: hint ?? NETWORK_HINTS.get(code) }
  }
  const { answer } = failure
  if (failure.kind === 'bad-answer') {
    const shown = excerpt(answer.body, secrets)
    if (!shown) return { what: `${failure.what} (${statusLine(answer)}, empty answer)` }
    const quoted = failure.quote === false ? '' : `: "${shown}"`
    const what = `${failure.what} (${statusLine(answer)})${quoted}`
    return { what, hint: isHtml(answer) ? HTML_HINT : undefined }
  }
  let what = statusLine(answer) + yunxiaoSaid(answer, secrets)
  const location = answer.status < 400 ? header(answer.headers, 'location') : undefined
  if (location) what += `, redirect to ${excerpt(location, secrets)}`
  // Gateways serve HTML pages for their own 5xx errors: only below 500 does HTML point at a wrong host.
  const htmlHint = isHtml(answer) && answer.status < 500 ? HTML_HINT : undefined
  return { what, hint: [hintForStatus(answer.status, setup), htmlHint].filter(Boolean).join(' ') }
}
