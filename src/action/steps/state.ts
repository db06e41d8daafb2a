// Writing the run record and the GitHub report (run-record.ts) to the step state from the main
// step, appended to the GITHUB_STATE file at once, so the record survives a main step killed outright.
import { fileCommand } from '../output/commands.js'
import { messageOf } from '../../common/logger.js'
import { warning } from '../output/log.js'
import { encodeRecord, GITHUB_KEYS, RECORD_KEY, type RunRecord } from './run-record.js'
import type { ReportProgress } from '../../github/report.js'

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

/**
 * Saved at each change of the GitHub report, so that the post step finishes what a killed main
 * step left. Without wait the deployment is left in_progress on purpose: the post step leaves it.
 */
export function saveGithubReport(sha: string, progress: ReportProgress, following: boolean): void {
  fileCommand('STATE', GITHUB_KEYS.sha, sha)
  fileCommand('STATE', GITHUB_KEYS.statusPending, String(following && progress.statusPending))
  const deploymentId = following ? progress.deploymentId : undefined
  fileCommand('STATE', GITHUB_KEYS.deploymentId, String(deploymentId ?? ''))
}
