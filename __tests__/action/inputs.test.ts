import { describe, it, expect } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import {
  INPUT_DEFAULTS,
  inputEnvName,
  parseBooleanInput,
  quote,
  readInput
} from '../../src/action/inputs/inputs.js'
import { InputError } from '../../src/action/inputs/settings.js'

interface ActionYml {
  inputs: Record<string, { default?: string; required?: boolean }>
}

const actionYml = parse(
  readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')
) as ActionYml

describe('the defaults table', () => {
  it('holds every non-empty default of action.yml, and nothing else', () => {
    const fromActionYml = Object.fromEntries(
      Object.entries(actionYml.inputs)
        .filter(([, spec]) => spec.default)
        .map(([name, spec]) => [name, spec.default])
    )
    expect(INPUT_DEFAULTS).toEqual(fromActionYml)
  })

  it('gives every input of action.yml its default, a required one none', () => {
    for (const [name, spec] of Object.entries(actionYml.inputs)) {
      expect(readInput(name, {})).toBe(spec.required ? '' : (spec.default ?? ''))
    }
  })
})

describe('inputEnvName', () => {
  it('upper-cases, turns spaces into underscores and keeps hyphens, as the runner does', () => {
    expect(inputEnvName('pipeline-id')).toBe('INPUT_PIPELINE-ID')
    expect(inputEnvName('stop-on-cancel')).toBe('INPUT_STOP-ON-CANCEL')
    expect(inputEnvName('token')).toBe('INPUT_TOKEN')
    expect(inputEnvName('some input')).toBe('INPUT_SOME_INPUT')
  })
})

describe('readInput', () => {
  it('reads INPUT_<NAME> with the hyphen kept, not an underscore form', () => {
    expect(readInput('pipeline-id', { 'INPUT_PIPELINE-ID': '42' })).toBe('42')
    expect(readInput('pipeline-id', { INPUT_PIPELINE_ID: '42' })).toBe('')
  })

  it('trims the value', () => {
    expect(readInput('branch', { INPUT_BRANCH: '  main \n' })).toBe('main')
  })

  it('falls back to the action.yml default when unset, empty or blank', () => {
    expect(readInput('timeout', {})).toBe('60m')
    expect(readInput('timeout', { INPUT_TIMEOUT: '' })).toBe('60m')
    expect(readInput('timeout', { INPUT_TIMEOUT: '  ' })).toBe('60m')
    expect(readInput('timeout', { INPUT_TIMEOUT: '5m' })).toBe('5m')
    expect(readInput('domain', {})).toBe('openapi-rdc.aliyuncs.com')
    expect(readInput('stop-on-cancel', {})).toBe('true')
    expect(readInput('console-url', {})).toBe('https://flow.aliyun.com')
  })

  it('gives "" for an unset input without a default, and for unknown names', () => {
    expect(readInput('token', {})).toBe('')
    expect(readInput('pipeline-id', {})).toBe('')
    expect(readInput('no-such-input', {})).toBe('')
  })

  it('reads process.env by default', () => {
    const name = 'INPUT_LOGS'
    const before = process.env[name]
    process.env[name] = 'all'
    try {
      expect(readInput('logs')).toBe('all')
    } finally {
      if (before === undefined) delete process.env[name]
      else process.env[name] = before
    }
  })
})

describe('parseBooleanInput', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false]
  ])('accepts %j', (value, expected) => {
    expect(parseBooleanInput('wait', value)).toBe(expected)
  })

  it.each(['yes', 'no', 'on', 'off', '1', '0', 'tRUE', 'y', 'true ', ''])(
    'refuses %j with an InputError naming the input',
    value => {
      let error: unknown
      try {
        parseBooleanInput('dry-run', value)
      } catch (caught) {
        error = caught
      }
      expect(error).toBeInstanceOf(InputError)
      expect((error as InputError).input).toBe('dry-run')
      expect((error as InputError).message).toContain('Input "dry-run"')
      expect((error as InputError).message).toContain('expected true or false')
      expect((error as InputError).message).toContain(JSON.stringify(value))
    }
  )
})

describe('quote', () => {
  it('JSON-quotes short values so they stay on one line', () => {
    expect(quote('a "b"\nc')).toBe('"a \\"b\\"\\nc"')
  })

  it('cuts long values and says how long they were', () => {
    const long = 'x'.repeat(500)
    const quoted = quote(long)
    expect(quoted.startsWith(JSON.stringify('x'.repeat(100)))).toBe(true)
    expect(quoted).toContain('(500 characters)')
    expect(quoted.length).toBeLessThan(140)
  })
})
