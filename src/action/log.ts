// Everything the main step says (log lines, annotations, outputs, the job summary) goes out here,
// through the one gate for foreign text (common/foreign-text.ts): the secrets registered here are
// removed in every form, URL credentials too, and no line can act as a workflow command.
import * as core from '@actions/core'
import { clean, safeLine, safeMessage } from '../common/foreign-text.js'
import { fileCommand } from './commands.js'

const secrets: string[] = []

/** Masks a secret for the runner and removes it from everything said from now on. */
export function addSecret(secret: string): void {
  if (!secret || secrets.includes(secret)) return
  core.setSecret(secret)
  secrets.push(secret)
}

/** The secrets registered so far (for code that cleans text itself, e.g. job logs). */
export function registeredSecrets(): readonly string[] {
  return secrets
}

/** `text` cleaned of the registered secrets and URL credentials. */
export function hide(text: string): string {
  return clean(text, secrets)
}

/** A log line: one line, cleaned, never a workflow command. */
export function info(line: string): void {
  core.info(safeLine(line, secrets))
}

/**
 * A line written exactly as given: only for the job-log printer's own `::stop-commands::` and
 * resume lines, and for log text between them (already cleaned, and inert while commands are stopped).
 */
export function verbatim(line: string): void {
  core.info(line)
}

// Annotations and group names: their text is a command's data, which @actions/core escapes (a line
// break in it cannot start a new line): cleaned, `##[` broken up (common/foreign-text.ts).
const message = (text: string): string => safeMessage(text, secrets)

export function warning(text: string, properties?: core.AnnotationProperties): void {
  core.warning(message(text), properties)
}

export function error(text: string, properties?: core.AnnotationProperties): void {
  core.error(message(text), properties)
}

export function notice(text: string, properties?: core.AnnotationProperties): void {
  core.notice(message(text), properties)
}

export function setFailed(text: string): void {
  core.setFailed(message(text))
  // @actions/core does this too; said here so that a stand-in for it (@github/local-action's, in
  // `npm run local-action`) also ends the process with a failure.
  process.exitCode = 1
}

export function startGroup(name: string): void {
  core.startGroup(message(name))
}

export function endGroup(): void {
  core.endGroup()
}

export function setOutput(name: string, value: string): void {
  fileCommand('OUTPUT', name, hide(value))
}
