// HTTP for the GitHub API calls (src/github/api.ts takes it as `send`): the project's own exchange
// (src/flow/exchange.ts), as for Yunxiao, so HTTPS_PROXY / HTTP_PROXY / NO_PROXY apply the same way
// (loopback is never proxied), with one total deadline per request, abandoned at once on an abort,
// and no redirects (they would carry the token).
import { exchange } from '../flow/exchange.js'
import { ExchangeError } from '../flow/exchange-error.js'
import type { HttpAnswer, HttpRequest } from '../github/http.js'

/** GitHub's answers to these calls are small; more is not read. */
const MAX_ANSWER_BYTES = 256 * 1024

export async function sendGithubRequest(request: HttpRequest): Promise<HttpAnswer> {
  try {
    const answer = await exchange({
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
      body: request.body,
      deadlineMs: request.timeoutMs,
      signal: request.signal,
      maxBytes: MAX_ANSWER_BYTES
    })
    return { status: answer.status, headers: answer.headers, body: answer.body }
  } catch (error) {
    if (!(error instanceof ExchangeError)) throw error
    // What src/github/api.ts reads: `timeout`, or `code` and whether anything was sent.
    throw Object.assign(new Error(error.message), {
      code: error.code,
      timeout: error.code === 'EDEADLINE',
      preSend: !error.sent
    })
  }
}
