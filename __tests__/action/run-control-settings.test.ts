// The inputs of run control: pipeline-name, run-id and on-manual-gate, and their conflicts.
import { describe, expect, it } from '@jest/globals'
import { inputEnvName, readInput, InputError } from '../../src/action/inputs/inputs.js'
import { getSettings, type Settings } from '../../src/action/inputs/settings.js'

const TOKEN = 'pt-runControlSecret0123456789'

function settingsFrom(inputs: Record<string, string>): Promise<Settings> {
  const env = Object.fromEntries(
    Object.entries({ token: TOKEN, 'organization-id': 'org-1', ...inputs }).map(([name, value]) => [
      inputEnvName(name),
      value
    ])
  )
  return getSettings(name => readInput(name, env), {})
}

async function errorsFrom(inputs: Record<string, string>): Promise<InputError[]> {
  try {
    await settingsFrom(inputs)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).not.toContain(TOKEN)
    // A line a problem, naming its input (the second of `Inputs "run-id" and "x"`).
    const named = /^Inputs? (?:"[^"]+" and )?"([^"]+)"/
    const lines = (error as Error).message.split('\n')
    return lines.map(line => new InputError(named.exec(line)?.[1] ?? '', line))
  }
  throw new Error(`expected an InputError for ${JSON.stringify(inputs)}`)
}

describe('pipeline-id and pipeline-name', () => {
  it('pipeline-name instead of pipeline-id: the id is 0 until looked up', async () => {
    const settings = await settingsFrom({ 'pipeline-name': ' 商城 生产部署 ' })
    expect(settings).toMatchObject({ pipelineId: 0, pipelineName: '商城 生产部署' })
  })

  it('pipeline-id alone: no name', async () => {
    const settings = await settingsFrom({ 'pipeline-id': '42' })
    expect(settings.pipelineId).toBe(42)
    expect('pipelineName' in settings).toBe(false)
  })

  it('both: one error naming both, quoting both', async () => {
    const [error] = await errorsFrom({ 'pipeline-id': '42', 'pipeline-name': 'shop' })
    expect(error.input).toBe('pipeline-name')
    expect(error.message).toBe(
      'Inputs "pipeline-id" and "pipeline-name": give one of them, not both; got pipeline-id "42" and pipeline-name "shop".'
    )
  })

  it('neither: pipeline-id is required, or pipeline-name', async () => {
    const [error] = await errorsFrom({})
    expect(error.input).toBe('pipeline-id')
    expect(error.message).toMatch(/^Input "pipeline-id" is required \(or "pipeline-name"\)/)
  })

  it('a name on several lines is refused', async () => {
    const [error] = await errorsFrom({ 'pipeline-name': 'a\nb' })
    expect(error.input).toBe('pipeline-name')
    expect(error.message).toContain('on one line')
  })

  it('the default status context names the pipeline by its name', async () => {
    const settings = await settingsFrom({
      'pipeline-name': 'shop',
      wait: 'true',
      'commit-status': 'true',
      'github-token': 'ghs_x'
    })
    expect(settings.github?.statusContext).toBe('yunxiao/shop')
  })
})

describe('run-id', () => {
  it.each([
    ['17', { runId: 17 }],
    ['latest', { latest: true }]
  ])('%s: followed, and wait is on', async (value, follow) => {
    const settings = await settingsFrom({ 'pipeline-id': '42', 'run-id': value })
    expect(settings.follow).toEqual(follow)
    expect(settings.wait).toBe(true)
  })

  it.each(['0', '-1', '1.5', 'Latest', 'last', '#12'])('%j is refused', async value => {
    const [error] = await errorsFrom({ 'pipeline-id': '42', 'run-id': value })
    expect(error.input).toBe('run-id')
    expect(error.message).toContain(`expected a run number`)
    expect(error.message).toContain(JSON.stringify(value))
  })

  it.each([
    ['branches', 'main'],
    ['branch', 'main'],
    ['tag', 'v1'],
    ['running-branches', 'a: b'],
    ['running-tags', 'a: b'],
    ['pipeline-artifacts', 'a: "1"'],
    ['acr-artifacts', 'a: b'],
    ['package-artifacts', 'a: "1"'],
    ['comment', 'hi'],
    ['dry-run', 'true'],
    ['dry-run', 'TRUE'],
    ['context-envs', 'true']
  ])('with %s: an error naming both, quoting the value', async (name, value) => {
    const errors = await errorsFrom({ 'pipeline-id': '42', 'run-id': '3', [name]: value })
    expect(errors.map(e => e.input)).toEqual([name])
    expect(errors[0].message).toBe(
      `Inputs "run-id" and "${name}": ${name} only applies when the step starts a run, and run-id ("3") follows a run that exists; remove ${name} (${JSON.stringify(value)}) or run-id.`
    )
  })

  it.each(['envs', 'params'])(
    'with %s: named, the value never shown (it may be secret)',
    async name => {
      const [error] = await errorsFrom({
        'pipeline-id': '42',
        'run-id': 'latest',
        [name]: 'K: s3cr3t'
      })
      expect(error.message).toContain(`Inputs "run-id" and "${name}"`)
      expect(error.message).toContain(`remove ${name} (set)`)
      expect(error.message).not.toContain('s3cr3t')
    }
  )

  it('every conflict at once, each named', async () => {
    const errors = await errorsFrom({
      'pipeline-id': '42',
      'run-id': '3',
      branches: 'main',
      comment: 'x',
      'dry-run': 'false'
    })
    expect(errors.map(e => e.input)).toEqual(['branches', 'comment'])
  })

  it('latest with stop-on-timeout: true is refused; with the run number it is fine', async () => {
    const [error] = await errorsFrom({
      'pipeline-id': '42',
      'run-id': 'latest',
      'stop-on-timeout': 'true'
    })
    expect(error.input).toBe('stop-on-timeout')
    expect(error.message).toContain('never stopped')
    const settings = await settingsFrom({
      'pipeline-id': '42',
      'run-id': '3',
      'stop-on-timeout': 'true'
    })
    expect(settings.stopOnTimeout).toBe(true)
  })

  it('commit-status works with run-id (it follows)', async () => {
    const settings = await settingsFrom({
      'pipeline-id': '42',
      'run-id': '3',
      'commit-status': 'true',
      'github-token': 'ghs_x'
    })
    expect(settings.github?.statusContext).toBe('yunxiao/42')
  })

  it('a bad run-id is the one problem: commit-status and on-manual-gate take run-id as waiting', async () => {
    const errors = await errorsFrom({
      'pipeline-id': '42',
      'run-id': 'last',
      'commit-status': 'true',
      'on-manual-gate': 'approve',
      'github-token': 'ghs_x'
    })
    expect(errors.map(e => e.input)).toEqual(['run-id'])
  })
})

describe('on-manual-gate', () => {
  it('defaults to wait', async () => {
    expect((await settingsFrom({ 'pipeline-id': '42' })).onManualGate).toBe('wait')
  })

  it.each(['fail', 'approve'])('%s with wait or run-id', async mode => {
    expect(
      (await settingsFrom({ 'pipeline-id': '42', wait: 'true', 'on-manual-gate': mode }))
        .onManualGate
    ).toBe(mode)
    expect(
      (await settingsFrom({ 'pipeline-id': '42', 'run-id': '1', 'on-manual-gate': mode }))
        .onManualGate
    ).toBe(mode)
  })

  it.each(['fail', 'approve'])('%s without following is an error', async mode => {
    const [error] = await errorsFrom({ 'pipeline-id': '42', 'on-manual-gate': mode })
    expect(error.input).toBe('on-manual-gate')
    expect(error.message).toContain('set wait: true (or run-id)')
  })

  it.each(['Approve', 'pass', 'skip', 'true'])('%j is refused', async value => {
    const [error] = await errorsFrom({ 'pipeline-id': '42', wait: 'true', 'on-manual-gate': value })
    expect(error.message).toBe(
      `Input "on-manual-gate": expected wait, fail or approve; got ${JSON.stringify(value)}.`
    )
  })
})
