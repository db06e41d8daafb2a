// Appends to the job summary (GITHUB_STEP_SUMMARY). Written directly rather than with
// core.summary, whose module loads node:fs/promises at start (about 1 ms of every run, README
// "Performance"); appending Markdown is all it would do here.
import { hide, warning } from './log.js'
import { appendFileSync } from 'node:fs'
import { EOL } from './commands.js'
import { messageOf } from '../common/logger.js'

/** Appends `markdown`, cleaned (log.ts: secrets in every form, Markdown-escaped included). */
export function writeSummary(markdown: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY
  if (!file) return
  try {
    appendFileSync(file, hide(markdown) + EOL)
  } catch (error) {
    warning(`Could not write the job summary: ${messageOf(error)}`)
  }
}
