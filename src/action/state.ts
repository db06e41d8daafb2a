// Writing the run record and the GitHub report (run-record.ts) to the step state from the main
// step, appended to the GITHUB_STATE file at once, so the record survives a main step killed outright.
import { fileCommand } from './commands.js'
import { messageOf } from '../common/logger.js'
import { warning } from './log.js'
import { encodeRecord, GITHUB_KEYS, RECORD_KEY, type RunRecord } from './run-record.js'
import type { SavedGithubReport } from './run-record.js'

export type { SavedGithubReport }

let warned = false

/**
 * Saves the record; never throws. When the state cannot be written it warns once: the run id and
 * its link are in the log and the outputs, but the post step will not know the run.
 */
export function saveRecord(record: RunRecord, runUrl: string): void {
  try {
    fileCommand('STATE', RECORD_KEY, encodeRecord(record))
  } catch (error) {
    if (!warned)
      warning(
        `Could not record Yunxiao run #${record.runId} in the step state (${messageOf(error)}): the run id, run-url and the notice are set as usual, but if this step is killed the post step cannot stop the run: ${runUrl}`
      )
    warned = true
  }
}

/** Saved whenever the GitHub report changes, so that the post step can finish it. */
export function saveGithubReport(report: SavedGithubReport): void {
  fileCommand('STATE', GITHUB_KEYS.sha, report.sha)
  fileCommand('STATE', GITHUB_KEYS.statusPending, String(report.statusPending))
  fileCommand('STATE', GITHUB_KEYS.deploymentId, String(report.deploymentId ?? ''))
}
