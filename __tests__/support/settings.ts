// A complete Settings object with the action's defaults, for tests of modules that take one.
import type { Settings } from '../../src/action/inputs/settings.js'

export function makeSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    token: 'pt-token',
    pipelineId: 42,
    baseUrl: 'https://openapi-rdc.aliyuncs.com',
    branches: [],
    consoleUrl: 'https://flow.aliyun.com',
    dryRun: false,
    wait: false,
    timeoutMs: 3_600_000,
    pollIntervalMs: 10_000,
    stopOnCancel: true,
    stopOnTimeout: false,
    logs: 'failed',
    onManualGate: 'wait',
    ...overrides
  }
}
