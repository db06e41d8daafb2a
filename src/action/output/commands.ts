// Workflow commands on stdout and file commands (outputs, state), byte for byte as @actions/core
// writes them (__tests__/action/commands.test.ts holds the two side by side). Not @actions/core
// itself: 3.0.1 bundles @actions/http-client and undici; measured (`npm run bench`), a plain trigger
// took +10.3 MiB peak RSS, dist/index.js grew to 597.5 KiB and the idle post step to 1.8-3x `node -e 0`.
import { appendFileSync, existsSync } from 'node:fs'

/** The line ending @actions/core writes (os.EOL), without loading node:os. */
export const EOL = process.platform === 'win32' ? '\r\n' : '\n'

/** As @actions/core escapes a command's message: the runner turns these back. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** A plain log line: the caller makes it one line, not starting with `::`. */
export function info(line: string): void {
  process.stdout.write(line + EOL)
}

/** `::name key=value,...::message`; properties without a value are left out, as @actions/core does. */
function command(name: string, message = '', properties: AnnotationProperties = {}): void {
  const props = Object.entries<string | undefined>({ ...properties })
    .flatMap(([key, value]) =>
      value ? [`${key}=${escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C')}`] : []
    )
    .join(',')
  info(`::${name}${props ? ` ${props}` : ''}::${escapeData(message)}`)
}

/** Of the properties @actions/core knows, the action gives a title (and a file command a name). */
export interface AnnotationProperties {
  title?: string
  name?: string
}

export const debug = (message: string): void => command('debug', message)
export const addMask = (secret: string): void => command('add-mask', secret)
export const startGroup = (name: string): void => command('group', name)
export const endGroup = (): void => command('endgroup')

export type Annotate = (message: string, properties?: AnnotationProperties) => void
export const notice: Annotate = (message, properties) => command('notice', message, properties)
export const warning: Annotate = (message, properties) => command('warning', message, properties)
export const error: Annotate = (message, properties) => command('error', message, properties)

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
