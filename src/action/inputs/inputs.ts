// Reads action inputs as the runner passes them, with action.yml's defaults applied here too (a local
// run, `node dist/index.js`, gets none from the runner); the helpers every input parser shares.

/** Reads one input by its action.yml name (e.g. 'pipeline-id') as readInput does, defaults applied. */
export type InputReader = (name: string) => string

/** A bad input: `input` names it, the message says what was expected and what was given. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    message: string
  ) {
    super(message)
    this.name = 'InputError'
  }
}

/** action.yml's non-empty defaults (a test keeps this equal to action.yml); other inputs default to ''. */
export const INPUT_DEFAULTS: Readonly<Record<string, string>> = {
  domain: 'openapi-rdc.aliyuncs.com',
  'console-url': 'https://flow.aliyun.com',
  'dry-run': 'false',
  wait: 'false',
  timeout: '60m',
  'poll-interval': '10s',
  'stop-on-cancel': 'true',
  'stop-on-timeout': 'false',
  logs: 'failed',
  'on-manual-gate': 'wait',
  'github-token': '${{ github.token }}',
  'commit-status': 'false',
  'context-envs': 'false'
}

/** The runner's variable for an input (as @actions/core reads it): spaces as _, hyphens kept. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/** One input, trimmed; action.yml's default when the variable is unset, empty or blank. */
export function readInput(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return (env[inputEnvName(name)] ?? '').trim() || (INPUT_DEFAULTS[name] ?? '')
}

/** The tokens, to mask before anything can print them (not the unexpanded default github-token). */
export function secretInputs(env: NodeJS.ProcessEnv = process.env): string[] {
  return [readInput('token', env), githubSecret(name => readInput(name, env))].filter(Boolean)
}

/** The github-token; '' when unexpanded (outside GitHub Actions, `node dist/index.js`). */
export function githubSecret(get: InputReader): string {
  const value = get('github-token')
  return value.startsWith('${{') ? '' : value
}

/** Exactly the forms core.getBooleanInput accepts (YAML 1.2 core schema); anything else is an InputError. */
export function parseBooleanInput(name: string, value: string): boolean {
  if (/^(?:true|True|TRUE)$/.test(value)) return true
  if (/^(?:false|False|FALSE)$/.test(value)) return false
  throw invalid(name, 'true or false (also True, TRUE, False, FALSE)', value)
}

/** A value that is not what `name` takes: says what was expected and quotes what was given. */
export function invalid(name: string, expected: string, value: string): InputError {
  return new InputError(name, `Input "${name}": expected ${expected}; got ${quote(value)}.`)
}

const QUOTE_LIMIT = 100

/** A value for an error message: JSON-quoted (so it stays on one line) and cut to a readable length. */
export function quote(value: string): string {
  const chars = [...value]
  return chars.length > QUOTE_LIMIT
    ? `${JSON.stringify(chars.slice(0, QUOTE_LIMIT).join(''))}… (${chars.length} characters)`
    : JSON.stringify(value)
}

// Control characters (Unicode's Cc), as ranges: `\p{Cc}` has V8 ask ICU for the property each time
// such an expression is compiled, about 0.1 MiB of peak memory on Node 24 (docs/performance.md).
// eslint-disable-next-line no-control-regex
export const SPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f-\u009f]/
// eslint-disable-next-line no-control-regex
const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/** A name on one line of at most `limit` characters (`what` it names); undefined when empty. */
export function parseOneLine(name: string, value: string, what: string, limit: number) {
  if (LINE_BREAKING.test(value) || [...value].length > limit)
    throw invalid(name, `${what}, on one line and at most ${limit} characters`, value)
  return value || undefined
}

/**
 * Parses one input; its InputError (an async parser's too) is collected instead of thrown, so all
 * are told at once. Any other error is a bug, and goes on.
 */
export function checker(get: (name: string) => string, problems: InputError[]) {
  const keep = (error: unknown): undefined => {
    if (!(error instanceof InputError)) throw error
    problems.push(error)
  }
  return <T>(name: string, parse: (value: string) => T): T | undefined => {
    try {
      const value = parse(get(name))
      return value instanceof Promise ? (value.catch(keep) as T) : value
    } catch (error) {
      return keep(error)
    }
  }
}
