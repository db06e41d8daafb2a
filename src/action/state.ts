// Writing the run record and the GitHub report (run-record.ts) to the step state from the main step.
// Each value is appended to the GITHUB_STATE file at once, so the record survives a main step
// killed outright.
import { fileCommand } from './commands.js'
import { messageOf } from '../common/logger.js'
import { warning } from './log.js'
import {
  encodeRecord,
  GITHUB_KEYS,
  RECORD_KEY,
  type RunRecord,
  type SavedGithubReport
} from './run-record.js'

export type { SavedGithubReport }

const saveState = (name: string, value: string): void => fileCommand('STATE', name, value)

let warned = false

/**
 * Saves the record; never throws. When the state cannot be written (GITHUB_STATE missing or not
 * writable) it warns once: the run id and its link are in the log already, and outputs are set as
 * usual, but the post step will not know the run.
 */
export function saveRecord(record: RunRecord, runUrl: string): boolean {
  try {
    saveState(RECORD_KEY, encodeRecord(record))
    return true
  } catch (error) {
    if (!warned) {
      warned = true
      warning(
        `Could not record Yunxiao run #${record.runId} in the step state (${messageOf(error)}): the run id, run-url and the notice are set as usual, but if this step is killed the post step cannot stop the run: ${runUrl}`
      )
    }
    return false
  }
}

/** Saved whenever the GitHub report changes, so that the post step can finish it. */
export function saveGithubReport(report: SavedGithubReport): void {
  saveState(GITHUB_KEYS.sha, report.sha)
  saveState(GITHUB_KEYS.statusPending, report.statusPending ? 'true' : 'false')
  saveState(
    GITHUB_KEYS.deploymentId,
    report.deploymentId === undefined ? '' : String(report.deploymentId)
  )
}
