// The state the post step reads (STATE_<name> variables) and the main step writes (the
// GITHUB_STATE file). `isPost` is read when the module loads, so each case sets the environment
// first and imports a fresh copy.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseCommandFile } from '../../simulator/runner.js'

const NAMES = ['isPost', 'runId', 'pipelineId', 'following', 'finished'] as const
type StateName = (typeof NAMES)[number]

let dir: string
let stateFile: string
const saved: Record<string, string | undefined> = {}

beforeEach(() => {
  for (const key of ['GITHUB_STATE', ...NAMES.map(n => `STATE_${n}`)]) {
    saved[key] = process.env[key]
    delete process.env[key]
  }
  dir = mkdtempSync(join(tmpdir(), 'state-test-'))
  stateFile = join(dir, 'state')
  writeFileSync(stateFile, '')
  process.env.GITHUB_STATE = stateFile
  jest.resetModules()
})

afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  rmSync(dir, { recursive: true, force: true })
})

/** Sets STATE_<name> as the runner does for the post step, then loads the module afresh. */
async function load(state: Partial<Record<StateName, string>> = {}) {
  for (const [name, value] of Object.entries(state)) {
    // Assigning undefined to process.env would store the string 'undefined'.
    if (value !== undefined) process.env[`STATE_${name}`] = value
  }
  return import('../../src/action/state.js')
}

const written = () => parseCommandFile(readFileSync(stateFile, 'utf8'))

describe('isPost', () => {
  it('is false in the main step, where nothing was saved yet', async () => {
    expect((await load()).isPost).toBe(false)
  })

  it('is true once main saved it, as the post step sees it', async () => {
    expect((await load({ isPost: 'true' })).isPost).toBe(true)
  })

  it('is read once, when the module loads', async () => {
    const state = await load()
    process.env.STATE_isPost = 'true'
    expect(state.isPost).toBe(false)
  })

  it('is false for anything but "true"', async () => {
    expect((await load({ isPost: 'yes' })).isPost).toBe(false)
  })
})

describe('savedRun', () => {
  it('is undefined when main saved nothing', async () => {
    expect((await load()).savedRun()).toBeUndefined()
  })

  it('reads the ids and the flags', async () => {
    const { savedRun } = await load({
      pipelineId: '42',
      runId: '7',
      following: 'true',
      finished: 'true'
    })
    expect(savedRun()).toEqual({ pipelineId: 42, runId: 7, following: true, finished: true })
  })

  it('reads a run not followed and not finished', async () => {
    const { savedRun } = await load({ pipelineId: '42', runId: '7', following: 'false' })
    expect(savedRun()).toEqual({ pipelineId: 42, runId: 7, following: false, finished: false })
  })

  it('takes only "true" for a flag', async () => {
    const { savedRun } = await load({
      pipelineId: '42',
      runId: '7',
      following: 'TRUE',
      finished: '1'
    })
    expect(savedRun()).toMatchObject({ following: false, finished: false })
  })

  for (const runId of ['', 'abc', '0', '-3', '1.5', '9007199254740993', 'NaN', 'Infinity']) {
    it(`is undefined for the run id ${JSON.stringify(runId)}`, async () => {
      const { savedRun } = await load({ pipelineId: '42', runId, following: 'true' })
      expect(savedRun()).toBeUndefined()
    })
  }

  for (const pipelineId of ['abc', '2.5', '9007199254740993']) {
    it(`is undefined for the pipeline id ${JSON.stringify(pipelineId)}`, async () => {
      const { savedRun } = await load({ pipelineId, runId: '7', following: 'true' })
      expect(savedRun()).toBeUndefined()
    })
  }

  // Number('') is 0, and only the run id is checked for being positive (src/state.ts, savedRun):
  // a missing, zero or negative pipeline id gives a SavedRun the client then refuses
  // (RangeError), so post warns instead of doing nothing.
  for (const pipelineId of [undefined, '0', '-5']) {
    it(`is undefined for the pipeline id ${JSON.stringify(pipelineId)}`, async () => {
      const { savedRun } = await load({ pipelineId, runId: '7', following: 'true' })
      expect(savedRun()).toBeUndefined()
    })
  }
})

describe('saving', () => {
  it('markMainStarted saves isPost', async () => {
    ;(await load()).markMainStarted()
    expect(written()).toEqual({ isPost: 'true' })
  })

  it('saveRunStarted saves the pipeline id, the run id and following', async () => {
    const state = await load()
    state.saveRunStarted(42, 7, true)
    expect(written()).toEqual({ pipelineId: '42', runId: '7', following: 'true' })
  })

  it('saveRunStarted saves following=false for a run not waited for', async () => {
    ;(await load()).saveRunStarted(42, 7, false)
    expect(written()).toEqual({ pipelineId: '42', runId: '7', following: 'false' })
  })

  it('saveRunFinished saves finished', async () => {
    ;(await load()).saveRunFinished()
    expect(written()).toEqual({ finished: 'true' })
  })

  it('appends each value at once, as name<<delimiter entries', async () => {
    const state = await load()
    state.markMainStarted()
    const afterMark = readFileSync(stateFile, 'utf8')
    state.saveRunStarted(42, 7, true)
    const text = readFileSync(stateFile, 'utf8')
    expect(text.startsWith(afterMark)).toBe(true)
    state.saveRunFinished()

    const entries = [...readFileSync(stateFile, 'utf8').matchAll(/^(\w+)<<(ghadelimiter_\S+)$/gm)]
    expect(entries.map(m => m[1])).toEqual([
      'isPost',
      'pipelineId',
      'runId',
      'following',
      'finished'
    ])
    // Each entry has its own delimiter, closing its value.
    const delimiters = entries.map(m => m[2])
    expect(new Set(delimiters).size).toBe(delimiters.length)
    expect(written()).toEqual({
      isPost: 'true',
      pipelineId: '42',
      runId: '7',
      following: 'true',
      finished: 'true'
    })
  })

  it('reads back what it wrote, as the post step would', async () => {
    const main = await load()
    main.markMainStarted()
    main.saveRunStarted(42, 7, true)

    jest.resetModules()
    const post = await load(written())
    expect(post.isPost).toBe(true)
    expect(post.savedRun()).toEqual({ pipelineId: 42, runId: 7, following: true, finished: false })
  })
})
