import { describe, it, expect } from '@jest/globals'
import {
  commitStatusFor,
  deploymentStatusFor,
  fitDescription,
  type RunOutcome
} from '../../src/github/outcome.js'

describe('status mapping', () => {
  const cases: Array<[RunOutcome, string, string, RegExp]> = [
    [{ kind: 'ended', status: 'SUCCESS' }, 'success', 'success', /^Yunxiao run #5 succeeded$/],
    [{ kind: 'ended', status: 'FAIL' }, 'failure', 'failure', /^Yunxiao run #5 failed$/],
    [
      { kind: 'ended', status: 'CANCELED' },
      'error',
      'inactive',
      /^Cancelled: .*cancelled in Yunxiao/
    ],
    [{ kind: 'cancelled', stopped: true }, 'error', 'inactive', /^Cancelled: .*was stopped$/],
    [{ kind: 'cancelled', stopped: false }, 'error', 'error', /^Cancelled: .*goes on$/],
    [
      { kind: 'timeout', stopped: false, after: '1h' },
      'error',
      'error',
      /^Timed out after 1h; .*goes on$/
    ],
    [{ kind: 'timeout', stopped: true, after: '30m' }, 'error', 'error', /was stopped$/],
    [{ kind: 'unknown', why: 'could not be followed' }, 'error', 'error', /could not be followed/],
    [{ kind: 'ended', status: 'ODD' }, 'error', 'error', /ended ODD/]
  ]
  it.each(cases)('%j -> commit %s, deployment %s', (outcome, commit, deployment, description) => {
    const c = commitStatusFor(outcome, 5)
    const d = deploymentStatusFor(outcome, 5)
    expect([c.state, d.state]).toEqual([commit, deployment])
    expect(c.description).toMatch(description)
    expect(d.description).toBe(c.description)
  })
})

describe('fitDescription', () => {
  it('keeps GitHub within 140 characters, counting characters, not UTF-16 units', () => {
    expect(fitDescription('short')).toBe('short')
    const long = '流'.repeat(200)
    const cut = fitDescription(long)
    expect([...cut].length).toBe(140)
    expect(cut.endsWith('…')).toBe(true)
    expect(fitDescription('a\nb\t c')).toBe('a b c')
    expect([...fitDescription('😀'.repeat(140))].length).toBe(140)
  })
})
