// action inputs: the bounds of timeout and poll-interval (action/settings.ts)

/** The shortest timeout and poll-interval (whole seconds, no ms). */
export const MIN_INPUT_DURATION_MS = 1000
/** timeout: longer than any GitHub job may run (5 days on a self-hosted runner), within a timer's range. */
export const MAX_TIMEOUT_MS = 7 * 24 * 3_600_000
/** poll-interval: slower polling would notice the end of a run too late to be useful. */
export const MAX_POLL_INTERVAL_MS = 3_600_000
