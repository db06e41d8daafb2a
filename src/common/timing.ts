// Every time bound of the action, in one module, by area. How a cancel ends:
// - The runner cancels a step with SIGINT, sends SIGTERM 7.5 s later and kills it 2.5 s after that.
// - On the first signal the main step stops the Yunxiao run (each stop request has STOP_TIMEOUT_MS); a create
//   or a gate pass already in flight is left to answer within its own deadline.
// - CANCEL_EXIT_MS after the first signal, whatever is still under way, the step says what was cut
//   short and exits by itself, before the runner's kill at 10 s.
// - The post step then finishes what main left undone (it reads the run, stops it only if it has not
//   ended, and settles a pending commit status or deployment) within POST_STEP_BOUND_MS.
// - GitHub calls never hold a stop up: the main step's together stay within GITHUB_MAIN.budgetMs,
//   those after a cancel within GITHUB_CANCEL_DEADLINE_MS, the post step's within GITHUB_POST's.

// flow: the Yunxiao calls' bounds (flow/client.ts, flow/transport.ts, flow/pool.ts)

/** Deadline of a CreatePipelineRun request (DNS to the last byte). */
export const CREATE_TIMEOUT_MS = 30_000
/** Deadline of each read, at most the create's: a hung status read holds the wait this long past its timeout. */
export const READ_TIMEOUT_MS = 15_000
/** Deadline of each job log or step log read: a log is a nice-to-have, the wait loop goes on. */
export const LOG_TIMEOUT_MS = 10_000
/** Deadline of each stop and gate pass: a cancelled job has seconds before the runner kills it. */
export const STOP_TIMEOUT_MS = 5_000
/** Requests in all per call, retries included. */
export const FLOW_ATTEMPTS = { create: 3, read: 3, log: 1, stop: 2, pass: 2 } as const
/** Longest backoff pause (full jitter up to 1 s, 2 s, 4 s...). */
export const BACKOFF_CAP_MS = 10_000
/** Longest wait a Retry-After can ask for; a stop or a pass waits at most STOP_WAIT_CAP_MS. */
export const RETRY_AFTER_CAP_MS = 60_000
export const STOP_WAIT_CAP_MS = 1_000
/** Longest idle time of a pooled connection a read (READ_IDLE_MS), a POST (FRESH_MS) goes on. */
export const READ_IDLE_MS = 30_000
export const FRESH_MS = 1_000

// follow
/** The main step exits this long after the first cancel signal, before the runner's kill. */
export const CANCEL_EXIT_MS = 9_000
/** The wait's first status read, at most this long after the run was created. */
export const FIRST_READ_DELAY_MS = 2_000
/** Backoff ceilings of failed status reads never grow past max(this, 4 poll intervals). */
export const MAX_BACKOFF_MS = 60_000
/** A progress heartbeat comes after this long without a line. */
export const HEARTBEAT_MS = 60_000
/** Live log reads per poll stop after max(this, half a poll interval), and at the wait's timeout. */
export const LIVE_POLL_MIN_MS = 1_000

// github
export interface GithubTiming {
  /** Requests per call, retries included. */
  attempts: number
  /** Per request. */
  timeoutMs: number
  /** Per call, retries and pauses included. */
  deadlineMs: number
  /**
   * All the calls of the step together, counted while any is in flight: a call that would pass it
   * is cut short, one made after it fails at once.
   */
  budgetMs: number
}
/**
 * Main step: a hanging GitHub never holds a run's timeout or its stop (what main could not post,
 * the post step finishes).
 */
export const GITHUB_MAIN: GithubTiming = {
  attempts: 3,
  timeoutMs: 10_000,
  deadlineMs: 30_000,
  budgetMs: 10_000
}
/** Post step: it has seconds, and runs in every job. */
export const GITHUB_POST: GithubTiming = {
  attempts: 2,
  timeoutMs: 4_000,
  deadlineMs: 8_000,
  budgetMs: 8_000
}
/** The main step's GitHub calls after a cancel, both at once. */
export const GITHUB_CANCEL_DEADLINE_MS = 4_000
/** Longest pause between two tries of a GitHub call. */
export const GITHUB_BACKOFF_CAP_MS = 5_000

// action inputs: the bounds of timeout and poll-interval (action/inputs/settings.ts)

/** The shortest timeout and poll-interval (whole seconds, no ms). */
export const MIN_INPUT_DURATION_MS = 1000
/** timeout: longer than any GitHub job may run (5 days on a self-hosted runner), within a timer's range. */
export const MAX_TIMEOUT_MS = 7 * 24 * 3_600_000
/** poll-interval: slower polling would notice the end of a run too late to be useful. */
export const MAX_POLL_INTERVAL_MS = 3_600_000

// action steps

/** The read after a stop on cancel is short: the runner ends the step seconds after the signal. */
export const CANCEL_CONFIRM_READ_MS = 2_000
/** The post step's own bound: it gives up (and says so) after this long, whatever is under way. */
export const POST_STEP_BOUND_MS = 25_000
/** The post step's reads end this long before its bound, so that what happened is still told. */
export const POST_READ_MARGIN_MS = 2_000
/** The post step's read before the stop: a hung read must leave time to stop the run. */
export const POST_FIRST_READ_MS = 5_000
