// Workflow commands written straight to stdout, as @actions/core writes them, for the post entry,
// which must start fast and so does without @actions/core (README "Performance").
import { EOL } from 'node:os'

/** As @actions/core escapes a command's message: the runner turns these back. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function write(line: string): void {
  process.stdout.write(line + EOL)
}

/** A plain log line. The caller makes sure it is one line that does not start with `::`. */
export function info(line: string): void {
  write(line)
}

export function debug(message: string): void {
  write(`::debug::${escapeData(message)}`)
}

export function warning(message: string): void {
  write(`::warning::${escapeData(message)}`)
}

export function error(message: string): void {
  write(`::error::${escapeData(message)}`)
}

export function addMask(secret: string): void {
  write(`::add-mask::${escapeData(secret)}`)
}
