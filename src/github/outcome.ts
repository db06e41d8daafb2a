// How a Yunxiao run's outcome shows on GitHub: commit and deployment status states and descriptions.

/** `stopped`: the Yunxiao run was stopped (or had ended); `after`: e.g. `60m`. */
export type RunOutcome =
  | { kind: 'ended'; status: string }
  | { kind: 'cancelled'; stopped: boolean }
  | { kind: 'timeout'; stopped: boolean; after: string }
  | { kind: 'unknown'; why: string }

export type CommitState = 'pending' | 'success' | 'failure' | 'error'
export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error' | 'inactive'

export interface Reported<S> {
  state: S
  description: string
}

/** GitHub refuses a description over 140 characters (not UTF-16 units). */
const DESCRIPTION_LIMIT = 140

export function fitDescription(text: string): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()]
  return chars.length <= DESCRIPTION_LIMIT
    ? chars.join('')
    : `${chars.slice(0, DESCRIPTION_LIMIT - 1).join('')}…`
}

function describe(outcome: RunOutcome, runId: number): string {
  const run = `Yunxiao run #${runId}`
  switch (outcome.kind) {
    case 'ended':
      if (outcome.status === 'SUCCESS') return `${run} succeeded`
      if (outcome.status === 'FAIL') return `${run} failed`
      if (outcome.status === 'CANCELED') return `Cancelled: ${run} was cancelled in Yunxiao`
      return `${run} ended ${outcome.status}`
    case 'cancelled':
      return outcome.stopped
        ? `Cancelled: the GitHub job was cancelled and ${run} was stopped`
        : `Cancelled: the GitHub job was cancelled; ${run} goes on`
    case 'timeout':
      return `Timed out after ${outcome.after}; ${run} ${outcome.stopped ? 'was stopped' : 'goes on'}`
    case 'unknown':
      return `${run}: ${outcome.why}`
  }
}

/** The final commit status: success, failure, or error for everything that is not a verdict. */
export function commitStatusFor(outcome: RunOutcome, runId: number): Reported<CommitState> {
  let state: CommitState = 'error'
  if (outcome.kind === 'ended' && outcome.status === 'SUCCESS') state = 'success'
  else if (outcome.kind === 'ended' && outcome.status === 'FAIL') state = 'failure'
  // Fitted to GitHub's limit when sent (api.ts), after the secrets are removed.
  return { state, description: describe(outcome, runId) }
}

/**
 * The final deployment status: success and failure as the run ended; `inactive` when the run was
 * cancelled and nothing of it runs any more; `error` when it was cancelled but goes on, timed out
 * or could not be followed (the deployment's state is then not known).
 */
export function deploymentStatusFor(outcome: RunOutcome, runId: number): Reported<DeploymentState> {
  const commit = commitStatusFor(outcome, runId)
  let state: DeploymentState = commit.state === 'pending' ? 'in_progress' : commit.state
  const cancelledAndDone =
    (outcome.kind === 'ended' && outcome.status === 'CANCELED') ||
    (outcome.kind === 'cancelled' && outcome.stopped)
  if (cancelledAndDone) state = 'inactive'
  return { state, description: commit.description }
}
