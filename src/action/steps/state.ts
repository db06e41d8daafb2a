// The main step writes the run record and the GitHub report (run-record.ts) to the step state at
// once, so that they survive a main step killed outright.
import { fileCommand } from '../output/commands.js'
import { messageOf } from '../../common/logger.js'
import { warning } from '../output/log.js'
import { encodeRecord, GITHUB_KEYS, RECORD_KEY, type RunRecord } from './run-record.js'
import type { ReportProgress } from '../../github/report.js'

let warned = false

/** Saves the record; never throws, warns once. */
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

/** At each change of the GitHub report. Without wait the deployment stays in_progress on purpose. */
export function saveGithubReport(sha: string, progress: ReportProgress, following: boolean): void {
  fileCommand('STATE', GITHUB_KEYS.sha, sha)
  fileCommand('STATE', GITHUB_KEYS.statusPending, String(following && progress.statusPending))
  const deploymentId = following ? progress.deploymentId : undefined
  fileCommand('STATE', GITHUB_KEYS.deploymentId, String(deploymentId ?? ''))
}
