import { describe, it, expect } from '@jest/globals'
import { formatDuration, formatPause, parseDuration } from '../../src/common/duration.js'

const S = 1000
const M = 60 * S
const H = 60 * M

describe('parseDuration', () => {
  it.each([
    ['90s', 90 * S],
    ['30m', 30 * M],
    ['2h', 2 * H],
    ['1h30m', H + 30 * M],
    ['1h30m15s', H + 30 * M + 15 * S],
    ['1h15s', H + 15 * S],
    ['5m30s', 5 * M + 30 * S],
    ['600', 600 * S],
    ['0', 0],
    ['0s', 0],
    ['90m', 90 * M],
    ['1h 2m 3s', H + 2 * M + 3 * S],
    ['  45s  ', 45 * S],
    ['007', 7 * S]
  ])('%j -> %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each([
    '',
    ' ',
    'abc',
    '1.5h',
    '-5s',
    '+5',
    '10 s',
    '1d',
    '30M',
    '30m1h',
    '1h1h',
    'h',
    'ms',
    '100ms',
    '1e3',
    '0x10',
    '1h 30'
  ])('%j is refused with what is accepted', text => {
    expect(() => parseDuration(text)).toThrow(/expected a duration such as 90s, 30m, 1h30m or 2h/)
    expect(() => parseDuration(text)).toThrow(JSON.stringify(text))
  })

  it('refuses a duration beyond safe integers', () => {
    expect(() => parseDuration('9'.repeat(30))).toThrow(/too large/)
  })
})

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [999, '0s'],
    [45 * S, '45s'],
    [45 * S + 999, '45s'],
    [M, '1m'],
    [H + 2 * M + 3 * S, '1h 2m 3s'],
    [2 * H, '2h'],
    [H + 3 * S, '1h 3s'],
    [26 * H + 5 * M, '26h 5m'],
    [-5 * S, '0s'],
    [Number.NaN, '0s']
  ])('%d ms -> %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })

  it('reads back through parseDuration', () => {
    for (const ms of [S, 59 * S, 61 * S, H, H + S, 3 * H + 59 * M + 59 * S]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms)
    }
  })
})

describe('formatPause', () => {
  it('milliseconds below a second, whole seconds above, never 0s', () => {
    expect(formatPause(0)).toBe('0 ms')
    expect(formatPause(1)).toBe('1 ms')
    expect(formatPause(250)).toBe('250 ms')
    expect(formatPause(999.6)).toBe('1s')
    expect(formatPause(1000)).toBe('1s')
    expect(formatPause(1499)).toBe('1s')
    expect(formatPause(1500)).toBe('2s')
    expect(formatPause(65_000)).toBe('1m 5s')
    expect(formatPause(NaN)).toBe('0 ms')
  })
})
