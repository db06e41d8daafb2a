// HTTP for the GitHub API calls (src/github/api.ts takes it as `send`): @actions/http-client, as
// for Yunxiao, so HTTPS_PROXY / HTTP_PROXY / NO_PROXY apply the same way (loopback is never
// proxied). One request per client, no keep-alive, no redirects (they would carry the token),
// and one deadline for the whole request, answer included.
import { HttpClient } from '@actions/http-client'
import type { HttpAnswer, HttpRequest } from '../github/api.js'

export async function sendGithubRequest(request: HttpRequest): Promise<HttpAnswer> {
  const http = new HttpClient(request.headers['User-Agent'], [], {
    socketTimeout: request.timeoutMs,
    allowRedirects: false,
    allowRetries: false,
    keepAlive: false
  })
  let timedOut = false
  // Disposing destroys the client's sockets, which fails the request (or the body read) at once.
  const timer = setTimeout(() => {
    timedOut = true
    http.dispose()
  }, request.timeoutMs)
  const abandon = () => http.dispose()
  if (request.signal?.aborted) abandon()
  request.signal?.addEventListener('abort', abandon, { once: true })
  try {
    const response = await http.request(request.method, request.url, request.body, request.headers)
    const body = await new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = []
      const message = response.message
      message.on('data', (chunk: Buffer) => chunks.push(chunk))
      message.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
      message.on('error', reject)
      message.on('close', () => {
        if (!message.complete)
          reject(new Error('the connection closed before the whole answer came'))
      })
    })
    return {
      status: response.message.statusCode ?? 0,
      headers: response.message.headers,
      body
    }
  } catch (error) {
    if (timedOut || /^Request timeout/.test((error as Error)?.message ?? ''))
      throw Object.assign(new Error(`no answer within ${request.timeoutMs / 1000} s`), {
        timeout: true
      })
    throw error
  } finally {
    request.signal?.removeEventListener('abort', abandon)
    clearTimeout(timer)
    http.dispose()
  }
}
