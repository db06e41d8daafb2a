// Workflow commands written straight to stdout, as @actions/core writes them, for the post entry,
// which must start fast and so does without @actions/core (README "Performance"); and the file
// commands (outputs, state) of both steps.
import { appendFileSync, existsSync } from 'node:fs'
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

/** As @actions/core escapes a command's property (a name): also `:` and `,`. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/**
 * A heredoc delimiter that appears in neither `name` nor `value`. @actions/core draws a UUID from
 * node:crypto and throws should the value hold it; loading node:crypto costs a run over plain HTTP
 * 1.4 ms (Node 20) to 3 ms and 3 MiB (Node 24) (README "Performance"). Here the delimiter is
 * checked against the text and drawn again until it is absent, so no value, whoever wrote it, can
 * end the heredoc early: that check, not the randomness, is what keeps a value from setting other
 * outputs. (Over HTTPS, node:tls loads node:crypto anyway.)
 */
export function delimiterFor(
  name: string,
  value: string,
  random: () => number = Math.random
): string {
  for (;;) {
    const delimiter = `ghadelimiter_${random().toString(36).slice(2)}${random().toString(36).slice(2)}`
    if (!name.includes(delimiter) && !value.includes(delimiter)) return delimiter
  }
}

/**
 * Sets an output (`OUTPUT`) or a state value (`STATE`) as @actions/core's setOutput / saveState do:
 * appended to the runner's GITHUB_OUTPUT / GITHUB_STATE file at once, or, with no such file (a
 * run outside a runner), as the older `::set-output::` / `::save-state::` command. Throws when the
 * variable names a file that does not exist.
 */
export function fileCommand(command: 'OUTPUT' | 'STATE', name: string, value: string): void {
  const file = process.env[`GITHUB_${command}`] || ''
  if (!file) {
    if (command === 'OUTPUT') process.stdout.write(EOL)
    const verb = command === 'OUTPUT' ? 'set-output' : 'save-state'
    write(`::${verb} name=${escapeProperty(name)}::${escapeData(value)}`)
    return
  }
  if (!existsSync(file)) throw new Error(`Missing file at path: ${file}`)
  const delimiter = delimiterFor(name, value)
  appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, {
    encoding: 'utf8'
  })
}
