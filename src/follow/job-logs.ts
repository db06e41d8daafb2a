// A Yunxiao job's log copied when the job ends, in a group, with workflow commands stopped (a line
// such as `::error::` in it stays text). Read errors are warnings.
import { randomUUID } from 'node:crypto'
import type { FlowJob, FlowJobLog, FlowStage } from '../flow/types.js'
import { messageOf, oneLine, type Logger } from '../common/logger.js'
import { jobName, stageName, statusName } from '../flow/names.js'

export type JobLogsMode = 'failed' | 'all' | 'none' | 'live'

export interface JobLogPrinterOptions {
  getJobLog: (jobId: number, signal?: AbortSignal) => Promise<FlowJobLog>
  mode: JobLogsMode
  /** Its verbatim (else info) writes lines as they are, for the stop/resume lines. */
  logger: Logger
  runUrl: string
  /** In UTF-8 bytes; longer logs keep their last part. */
  maxBytes?: number
  redact?: (text: string) => string
  newStopToken?: () => string
}

export const DEFAULT_MAX_LOG_BYTES = 64 * 1024

/** The last `maxBytes` bytes at most, from a line start when it has one, else a character's. */
export function tailOfLog(content: string, maxBytes: number) {
  const buf = Buffer.from(content, 'utf8')
  if (buf.length <= maxBytes) return { text: content, cutBytes: 0, cutLines: 0 }
  let start = buf.length - Math.max(0, maxBytes)
  // The byte before `start` may itself end a line; only look further when it does not.
  if (start > 0 && buf[start - 1] !== 0x0a) {
    const newline = buf.indexOf(0x0a, start)
    if (newline !== -1 && newline < buf.length - 1) start = newline + 1
  }
  while (start < buf.length && (buf[start] & 0xc0) === 0x80) start++ // inside a UTF-8 character
  let cutLines = 0
  for (let i = 0; i < start; i++) if (buf[i] === 0x0a) cutLines++
  return { text: buf.subarray(start).toString('utf8'), cutBytes: start, cutLines }
}

/** The lines of `text` (LF, CRLF or CR), without an empty one after a final break. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/)
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop()
  return lines
}

export function annotate(logger: Logger, line: string): void {
  if (logger.error) logger.error(line)
  else logger.warning(line)
}

/** The onJobEnded of waitForRun; nothing once its signal aborts (it would land among other lines). */
export function createJobLogPrinter(
  options: JobLogPrinterOptions
): (stage: FlowStage, job: FlowJob, signal?: AbortSignal, name?: string) => Promise<void> {
  const { getJobLog, mode, logger, runUrl } = options
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_LOG_BYTES
  const redact = options.redact ?? ((text: string) => text)
  const newStopToken = options.newStopToken ?? (() => randomUUID())
  const verbatim = (line: string) => (logger.verbatim ? logger.verbatim(line) : logger.info(line))

  return async (stage, job, signal, given) => {
    const status = statusName(job.status)
    const failed = status === 'FAIL'
    if (mode === 'none' || (mode === 'failed' && !failed) || signal?.aborted) return

    const name = given ?? `${stageName(stage, 0)} / ${jobName(job, 0)}`
    let log: FlowJobLog
    try {
      if (job.id === undefined) throw new Error('Yunxiao gave no id for this job')
      log = await getJobLog(job.id, signal)
    } catch (err) {
      if (signal?.aborted) return
      logger.warning(`Could not read the log of job "${name}" (${messageOf(err)}); see ${runUrl}`)
      if (failed) annotate(logger, `Job "${name}" failed; its log could not be read. See ${runUrl}`)
      return
    }
    if (signal?.aborted) return

    const content = redact(typeof log?.content === 'string' ? log.content : '')
    const tail = tailOfLog(content, maxBytes)
    const cutBytes = tail.cutBytes + (log?.cutBytes ?? 0)
    logger.startGroup(`${name} (${oneLine(status)})`)
    try {
      if (cutBytes > 0) {
        const lines = log?.cutBytes ? '' : ` (${tail.cutLines} lines)`
        logger.info(`... ${cutBytes} earlier bytes${lines} cut; full log: ${runUrl}`)
      }
      if (tail.text === '') {
        logger.info('(the log is empty)')
      } else {
        // GitHub's way to print untrusted text: stop command processing until an unguessable token.
        const token = newStopToken()
        verbatim(`::stop-commands::${token}`)
        try {
          for (const line of splitLines(tail.text)) verbatim(line)
        } finally {
          verbatim(`::${token}::`)
        }
      }
      if (log?.more === true) logger.info(`(Yunxiao has more of this log: ${runUrl})`)
    } finally {
      logger.endGroup()
    }
    if (failed) annotate(logger, `Job "${name}" failed; its log is above. Run: ${runUrl}`)
  }
}
