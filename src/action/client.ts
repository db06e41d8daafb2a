// The Flow client as the main step uses it: made from the settings, with retries logged.
// (flow/client.ts itself knows nothing of GitHub.)
import { info, registeredSecrets } from './log.js'
import { formatPause } from '../common/duration.js'
import { FlowClient } from '../flow/client.js'
import type { Settings } from './settings.js'
import { USER_AGENT } from '../common/version.js'

export function createClient(settings: Settings): FlowClient {
  return new FlowClient({
    baseUrl: settings.baseUrl,
    token: settings.token,
    secrets: registeredSecrets(),
    organizationId: settings.organizationId,
    userAgent: USER_AGENT,
    onRetry: event =>
      info(
        `${event.operation}: ${event.reason}; trying again in ${formatPause(event.delayMs)} (try ${event.attempt + 1}).`
      )
  })
}
