// The clients as the steps make them: the Flow client's options (the secrets log.ts knows, each
// retry said in the log), and the `send` of src/github/api.ts over the same exchange as for Yunxiao
// (flow/exchange.ts: the same proxy rules, one deadline per request, no redirects).
import { info, registeredSecrets } from '../output/log.js'
import { formatPause } from '../../common/duration.js'
import type { FlowClientOptions } from '../../flow/client.js'
import { exchange } from '../../flow/exchange.js'
import { ExchangeError } from '../../flow/exchange-error.js'
import type { HttpAnswer, HttpRequest } from '../../github/api.js'
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
