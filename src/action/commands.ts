// Workflow commands written to stdout and file commands (outputs, state), as @actions/core writes
// them (__tests__/action/commands.test.ts holds the two side by side), for both steps. Not with
// @actions/core itself: its command writers load node:os and copy module namespaces at start, and
// its file commands load node:crypto (README "Performance").
import { appendFileSync, existsSync } from 'node:fs'

/** The line ending @actions/core writes (os.EOL), without loading node:os. */
export const EOL = process.platform === 'win32' ? '\r\n' : '\n'

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

/**
 * `::name key=value,...::message`: a workflow command, its message and property values escaped;
 * properties without a value are left out, as @actions/core does.
 */
export function command(
  name: string,
  message = '',
  properties: { title?: string; name?: string } = {}
): void {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string] => !!entry[1])
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(',')
  write(`::${name}${props ? ` ${props}` : ''}::${escapeData(message)}`)
}

/** An annotation's properties: of those @actions/core knows, the action gives only a title. */
export interface AnnotationProperties {
  title?: string
}

export function debug(message: string): void {
  command('debug', message)
}

export function notice(message: string, properties?: AnnotationProperties): void {
  command('notice', message, properties)
}

export function warning(message: string, properties?: AnnotationProperties): void {
  command('warning', message, properties)
}

export function error(message: string, properties?: AnnotationProperties): void {
  command('error', message, properties)
}

export function addMask(secret: string): void {
  command('add-mask', secret)
}

export function startGroup(name: string): void {
  command('group', name)
}

export function endGroup(): void {
  command('endgroup')
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
export function fileCommand(kind: 'OUTPUT' | 'STATE', name: string, value: string): void {
  const file = process.env[`GITHUB_${kind}`] || ''
  if (!file) {
    if (kind === 'OUTPUT') process.stdout.write(EOL)
    command(kind === 'OUTPUT' ? 'set-output' : 'save-state', value, { name })
    return
  }
  if (!existsSync(file)) throw new Error(`Missing file at path: ${file}`)
  const delimiter = delimiterFor(name, value)
  appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, {
    encoding: 'utf8'
  })
}
