// Everything the steps say (log lines, annotations, outputs, the job summary) goes out here, through
// the one gate for foreign text (common/foreign-text.ts): the secrets registered here are removed in
// every form, URL credentials too, and no line can act as a workflow command.
import { appendFileSync } from 'node:fs'
import { clean, safeLine, safeMessage } from '../../common/foreign-text.js'
import { messageOf, type Logger } from '../../common/logger.js'
import * as commands from './commands.js'

const secrets: string[] = []

/** Masks a secret for the runner and removes it from everything said from now on. */
export function addSecret(secret: string): void {
  if (!secret || secrets.includes(secret)) return
  commands.addMask(secret)
  secrets.push(secret)
}

/** The secrets registered so far (for code that cleans text itself, e.g. job logs). */
export const registeredSecrets = (): readonly string[] => secrets

/** `text` cleaned of the registered secrets and URL credentials. */
export const hide = (text: string): string => clean(text, secrets)

/** A log line: one line, cleaned, never a workflow command. */
export const info = (line: string): void => commands.info(safeLine(line, secrets))

/** As given: only the job-log printer's stop-commands pair and the cleaned, inert text between. */
export const verbatim = (line: string): void => commands.info(line)

// Annotations and group names are a command's data, which commands.ts escapes: cleaned, `##[`
// broken up (common/foreign-text.ts).
const message = (text: string): string => safeMessage(text, secrets)

export const warning: commands.Annotate = (text, props) => commands.warning(message(text), props)
export const error: commands.Annotate = (text, props) => commands.error(message(text), props)
export const notice: commands.Annotate = (text, props) => commands.notice(message(text), props)

export function setFailed(text: string): void {
  commands.error(message(text))
  process.exitCode = 1
}

export const startGroup = (name: string): void => commands.startGroup(message(name))
export const endGroup = (): void => commands.endGroup()

export function setOutput(name: string, value: string): void {
  commands.fileCommand('OUTPUT', name, hide(value))
}

/** Appends to the job summary, cleaned. Not core.summary: it loads node:fs/promises at start. */
export function writeSummary(markdown: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY
  if (!file) return
  try {
    appendFileSync(file, hide(markdown) + commands.EOL)
  } catch (error) {
    warning(`Could not write the job summary: ${messageOf(error)}`)
  }
}

/**
 * Resolves when stdout has taken what was written (at once when nothing waits), or on `signal`. The
 * runner reads stdout through a pipe, which Node writes asynchronously: whatever the runner has
 * not read yet is held in memory.
 */
export function drained(signal?: AbortSignal): Promise<void> {
  const out = process.stdout
  if (!out.writableNeedDrain || signal?.aborted) return Promise.resolve()
  return new Promise(resolve => {
    const done = () => {
      out.off('drain', done).off('close', done)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    out.on('drain', done).on('close', done)
    signal?.addEventListener('abort', done)
  })
}

/** The Logger (common/logger.ts) of the follow engine, run control and the GitHub side. */
export const logger: Logger = { info, verbatim, warning, error, startGroup, endGroup, drained }
