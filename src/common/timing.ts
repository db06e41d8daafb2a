// flow: the Yunxiao calls' bounds (flow/client.ts, flow/transport.ts, flow/pool.ts)

/** Deadline of a CreatePipelineRun request when the caller gives none (DNS to the last byte). */
export const CREATE_TIMEOUT_MS = 30_000
/** Deadline of each read (a run's status, a pipeline, a page of pipelines), at most the create's. */
export const READ_TIMEOUT_MS = 15_000
/** Deadline of each job log or step log read: a log is a nice-to-have, the wait loop goes on. */
export const LOG_TIMEOUT_MS = 10_000
/**
 * Deadline of each stop and gate pass: a cancelled job has seconds before the runner kills it. A
 * pass in flight is left to finish (its answer says whether the gate was passed).
 */
export const STOP_TIMEOUT_MS = 5_000
export const PASS_TIMEOUT_MS = 5_000
/** Requests in all per call, retries included. */
export const FLOW_ATTEMPTS = { create: 3, read: 3, log: 1, stop: 2, pass: 2 } as const
/** Longest backoff pause (full jitter up to 1 s, 2 s, 4 s...). */
export const BACKOFF_CAP_MS = 10_000
/** Longest wait a Retry-After can ask for; a stop or a pass waits at most STOP_WAIT_CAP_MS. */
export const RETRY_AFTER_CAP_MS = 60_000
export const STOP_WAIT_CAP_MS = 1_000
/** Longest idle time of a pooled connection a read goes on. */
export const READ_IDLE_MS = 30_000
/** A request that must not be repeated (a POST) goes only on a connection idle under this. */
export const FRESH_MS = 1_000
