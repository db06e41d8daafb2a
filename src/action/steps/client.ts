// The clients as the steps make them. Yunxiao: the Flow client's options, with the secrets log.ts
// knows and each retry said in the log (flow/client.ts itself knows nothing of GitHub). GitHub:
// the `send` of src/github/api.ts, the project's own exchange (flow/exchange.ts) as for Yunxiao, so
// HTTPS_PROXY / HTTP_PROXY / NO_PROXY apply the same way (loopback is never proxied), with one
// total deadline per request, abandoned at once on an abort, and no redirects (they would carry
// the token).
import { info, registeredSecrets } from '../output/log.js'
import { formatPause } from '../../common/duration.js'
import type { FlowClientOptions } from '../../flow/client.js'
import { exchange } from '../../flow/exchange.js'
import { ExchangeError } from '../../flow/exchange-error.js'
import type { HttpAnswer, HttpRequest } from '../../github/http.js'
import { USER_AGENT } from '../../common/version.js'

export function clientOptions(where: {
  baseUrl: string
  token: string
  organizationId?: string
}): FlowClientOptions {
  return {
    baseUrl: where.baseUrl,
    token: where.token,
    secrets: registeredSecrets(),
    organizationId: where.organizationId,
    userAgent: USER_AGENT,
    onRetry: event =>
      info(
        `${event.operation}: ${event.reason}; trying again in ${formatPause(event.delayMs)} (try ${event.attempt + 1}).`
      )
  }
}

export async function sendGithubRequest(request: HttpRequest): Promise<HttpAnswer> {
  try {
    const { method, headers, body, signal } = request
    const url = new URL(request.url)
    // GitHub's answers to these calls are small; more than 256 KiB is not read.
    const options = { method, url, headers, body, signal, maxBytes: 256 * 1024 }
    const answer = await exchange({ ...options, deadlineMs: request.timeoutMs })
    return { status: answer.status, headers: answer.headers, body: answer.body }
  } catch (error) {
    if (!(error instanceof ExchangeError)) throw error
    // What src/github/api.ts reads: `timeout`, or `code` and whether anything was sent.
    const { code, sent } = error
    throw Object.assign(new Error(error.message), {
      code,
      timeout: code === 'EDEADLINE',
      preSend: !sent
    })
  }
}
