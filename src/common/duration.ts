// Durations as people write them in a workflow (`90s`, `30m`, `1h30m`, `600`) and as the log prints them.

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000 } as const

// Units in descending order, each at most once; spaces allowed between parts so that
// formatDuration's own output ('1h 2m 3s') reads back.
const DURATION = /^(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?$/

/**
 * Parses `90s`, `30m`, `1h30m`, `2h`, `1h30m15s`, or a bare number of seconds (`600`) into milliseconds.
 * Throws a plain Error saying what is accepted; callers add the input's name.
 */
export function parseDuration(text: string): number {
  const value = text.trim()
  if (/^\d+$/.test(value)) return checked(Number(value) * UNIT_MS.s, text)
  const match = DURATION.exec(value)
  if (!value || !match || (!match[1] && !match[2] && !match[3])) {
    throw new Error(
      `expected a duration such as 90s, 30m, 1h30m or 2h, or a number of seconds; got ${JSON.stringify(text)}`
    )
  }
  const [, h = '0', m = '0', s = '0'] = match
  return checked(Number(h) * UNIT_MS.h + Number(m) * UNIT_MS.m + Number(s) * UNIT_MS.s, text)
}

function checked(ms: number, text: string): number {
  if (!Number.isSafeInteger(ms)) throw new Error(`duration ${JSON.stringify(text)} is too large`)
  return ms
}

/** Whole seconds (rounded down, none below 0) as hours, minutes and seconds. */
function hms(ms: number): [number, number, number] {
  const total = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0
  return [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60]
}

/** '1h 2m 3s', '45s', '2h', '0s': zero parts left out. */
export function formatDuration(ms: number): string {
  const [h, m, s] = hms(ms)
  const parts = [h && `${h}h`, m && `${m}m`, (s || (!h && !m)) && `${s}s`]
  return parts.filter(Boolean).join(' ')
}

/** A pause, for a retry line: '250 ms' below a second, else whole seconds ('2s', '1m 5s'); never '0s'. */
export function formatPause(ms: number): string {
  const value = Number.isFinite(ms) && ms > 0 ? Math.round(ms) : 0
  if (value < 1000) return `${value} ms`
  return formatDuration(Math.round(value / 1000) * 1000)
}

/** Time since the run started, padded so progress lines line up: '45s', '1m 05s', '1h 02m 05s'. */
export function formatElapsed(ms: number): string {
  const [h, m, s] = hms(ms)
  const ss = String(s).padStart(2, '0')
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m ${ss}s`
  return m > 0 ? `${m}m ${ss}s` : `${s}s`
}
