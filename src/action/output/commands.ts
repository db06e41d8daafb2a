// Workflow commands on stdout and file commands (outputs, state), for both steps, byte for byte as
// @actions/core writes them (__tests__/action/commands.test.ts holds the two side by side).
// Not @actions/core itself: as published (3.0.1) it bundles @actions/http-client and undici. Over
// HTTPS, A/B interleaved (`npm run bench`, 3 x 7 rounds, Node 20 and 24), a plain trigger with it
// took +10.3 to +10.6 MiB more peak RSS (+11.9 to +12.5 over the floor; budget 4) and, on a loaded
// machine, about +50 to +80 ms; dist/index.js grew to 597.5 KiB (budget 300) and the idle post
// step from 0.70-1.23x to 1.81-3.02x `node -e 0`.
import { appendFileSync, existsSync } from 'node:fs'

/** The line ending @actions/core writes (os.EOL), without loading node:os. */
export const EOL = process.platform === 'win32' ? '\r\n' : '\n'

/** As @actions/core escapes a command's message: the runner turns these back. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** A plain log line. The caller makes sure it is one line that does not start with `::`. */
export function info(line: string): void {
  process.stdout.write(line + EOL)
}

/** `::name key=value,...::message`; properties without a value are left out, as @actions/core does. */
function command(name: string, message = '', properties: Record<string, string> = {}): void {
  const props = Object.entries(properties)
    .filter(([, value]) => value)
    .map(([key, value]) => `${key}=${escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C')}`)
    .join(',')
  info(`::${name}${props ? ` ${props}` : ''}::${escapeData(message)}`)
}

/** An annotation's properties: of those @actions/core knows, the action gives only a title. */
export interface AnnotationProperties {
  title?: string
}

export const debug = (message: string): void => command('debug', message)
export const addMask = (secret: string): void => command('add-mask', secret)
export const startGroup = (name: string): void => command('group', name)
export const endGroup = (): void => command('endgroup')

export function notice(message: string, properties?: AnnotationProperties): void {
  command('notice', message, { ...properties })
}

export function warning(message: string, properties?: AnnotationProperties): void {
  command('warning', message, { ...properties })
}

export function error(message: string, properties?: AnnotationProperties): void {
  command('error', message, { ...properties })
}

/**
 * A heredoc delimiter that appears in neither `name` nor `value`: drawn again until it is absent,
 * so no value can end the heredoc early and set other outputs (@actions/core draws a UUID from
 * node:crypto and throws should the value hold it).
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
 * Sets an output or a state value as @actions/core's setOutput / saveState do: appended to the
 * GITHUB_OUTPUT / GITHUB_STATE file at once, or with no such file (outside a runner) as the older
 * `::set-output::` / `::save-state::` command. Throws when the variable names a missing file.
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
