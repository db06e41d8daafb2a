// The Flow client's options as both steps make it (flow/client.ts itself knows nothing of GitHub):
// the secrets log.ts knows, and each retry said in the log.
import { info, registeredSecrets } from './log.js'
import { formatPause } from '../common/duration.js'
import type { FlowClientOptions } from '../flow/client.js'
import { USER_AGENT } from '../common/version.js'

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
