// Every time bound of the action, in one place.

// action steps

/** A status read while following: a hung read holds the wait at most this long past its timeout. */
export const STATUS_READ_TIMEOUT_MS = 15_000
/** The read after a stop on cancel is short: the runner ends the step seconds after the signal. */
export const CANCEL_CONFIRM_READ_MS = 2_000
/** The post step's own bound: it gives up (and says so) after this long, whatever is under way. */
export const POST_STEP_BOUND_MS = 25_000
/** The post step's reads end this long before its bound, so that what happened is still told. */
export const POST_READ_MARGIN_MS = 2_000
/** The post step's read before the stop: a hung read must leave time to stop the run. */
export const POST_FIRST_READ_MS = 5_000
/**
 * GitHub calls of the main step: up to 3 tries of 10 s within 30 s per call, and all of them (when
 * the run starts and when it ends) within 10 s, so a hanging GitHub never holds a run's timeout or
 * its stop (what main could not post, the post step finishes).
 */
export const GITHUB_MAIN = { attempts: 3, timeoutMs: 10_000, deadlineMs: 30_000, budgetMs: 10_000 }
/** GitHub calls of the post step, which runs in every job: 2 tries of 4 s, 8 s in all. */
export const GITHUB_POST = { attempts: 2, timeoutMs: 4_000, deadlineMs: 8_000, budgetMs: 8_000 }
/** The GitHub calls after a cancel, in the main step: both at once, within this. */
export const GITHUB_AFTER_CANCEL_MS = 4_000
