// Cancellation by SIGINT / SIGTERM. Signals are emitted on `process` (no real signal is sent),
// and the exit timer runs on jest's fake clock.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { watchCancellation, type Cancellation } from '../../src/follow/cancel.js'

const SIGNALS = ['SIGINT', 'SIGTERM'] as const

let logged: string[]
let exit: jest.Mock<(code: number) => void>
let watcher: Cancellation | undefined
let baseline: Record<string, number>

/** As Node emits a real signal: the listener gets the signal's name as its first argument. */
function signal(name: NodeJS.Signals): void {
  process.emit(name, name)
}

function watch(exitAfterMs = 9000): Cancellation {
  watcher = watchCancellation(line => logged.push(line), exitAfterMs, exit)
  return watcher
}

beforeEach(() => {
  jest.useFakeTimers()
  logged = []
  exit = jest.fn<(code: number) => void>()
  baseline = Object.fromEntries(SIGNALS.map(s => [s, process.listenerCount(s)]))
})

afterEach(() => {
  watcher?.dispose()
  watcher = undefined
  jest.clearAllTimers()
  jest.useRealTimers()
})

describe('watchCancellation', () => {
  it('listens for SIGINT and SIGTERM, and is not aborted before a signal', () => {
    const c = watch()
    for (const s of SIGNALS) expect(process.listenerCount(s)).toBe(baseline[s] + 1)
    expect(c.signal.aborted).toBe(false)
    expect(c.received()).toBeUndefined()
    expect(logged).toEqual([])
  })

  for (const name of SIGNALS) {
    it(`aborts on ${name} and names it`, () => {
      const c = watch()
      const onAbort = jest.fn()
      c.signal.addEventListener('abort', onAbort)

      signal(name)

      expect(c.signal.aborted).toBe(true)
      expect(onAbort).toHaveBeenCalledTimes(1)
      expect(c.received()).toBe(name)
      expect(c.signal.reason).toBeInstanceOf(Error)
      expect((c.signal.reason as Error).message).toBe(`cancelled (${name})`)
      expect(logged).toEqual([`Received ${name}: the GitHub job is being cancelled.`])
    })
  }

  it('only logs a second signal: the first one stays the one received', () => {
    const c = watch()
    signal('SIGINT')
    const reason = c.signal.reason as unknown
    signal('SIGTERM')
    signal('SIGINT')

    expect(c.received()).toBe('SIGINT')
    expect(c.signal.reason).toBe(reason)
    expect(logged).toEqual([
      'Received SIGINT: the GitHub job is being cancelled.',
      'Received SIGTERM while stopping; finishing up.',
      'Received SIGINT while stopping; finishing up.'
    ])
  })

  it('calls exit(1) once, exitAfterMs after the first signal', () => {
    watch(5000)
    signal('SIGTERM')
    jest.advanceTimersByTime(4999)
    // A later signal does not start a second timer nor delay the first.
    signal('SIGINT')
    expect(exit).not.toHaveBeenCalled()

    jest.advanceTimersByTime(1)
    expect(exit).toHaveBeenCalledTimes(1)
    expect(exit).toHaveBeenCalledWith(1)

    jest.advanceTimersByTime(60_000)
    expect(exit).toHaveBeenCalledTimes(1)
  })

  it('says its last words (the latest ones set) just before it exits, and exits even if they throw', () => {
    const said: string[] = []
    const c = watch(1000)
    c.setLastWords(() => said.push('first'))
    c.setLastWords(() => said.push('second'))
    signal('SIGINT')
    jest.advanceTimersByTime(999)
    expect(said).toEqual([])
    jest.advanceTimersByTime(1)
    expect(said).toEqual(['second'])
    expect(exit).toHaveBeenCalledWith(1)

    exit.mockClear()
    c.dispose()
    const d = watch(10)
    d.setLastWords(() => {
      throw new Error('boom')
    })
    signal('SIGTERM')
    expect(() => jest.advanceTimersByTime(10)).toThrow('boom')
    expect(exit).toHaveBeenCalledWith(1)
  })

  it('says nothing at exit once the last words are cleared', () => {
    const said: string[] = []
    const c = watch(10)
    c.setLastWords(() => said.push('x'))
    c.setLastWords(undefined)
    signal('SIGINT')
    jest.advanceTimersByTime(10)
    expect(said).toEqual([])
    expect(exit).toHaveBeenCalledWith(1)
  })

  it('does not let the exit timer keep the process alive', () => {
    const setTimeoutSpy = jest.spyOn(globalThis, 'setTimeout')
    watch(5000)
    signal('SIGINT')
    expect(setTimeoutSpy).toHaveBeenCalledTimes(1)
    const timer = setTimeoutSpy.mock.results[0].value as NodeJS.Timeout
    expect(timer.hasRef()).toBe(false)
    setTimeoutSpy.mockRestore()
  })

  it('starts no exit timer without a signal', () => {
    watch(10)
    jest.advanceTimersByTime(60_000)
    expect(exit).not.toHaveBeenCalled()
    expect(jest.getTimerCount()).toBe(0)
  })

  it('dispose() removes both listeners, so later signals change nothing', () => {
    const c = watch()
    c.dispose()
    for (const s of SIGNALS) expect(process.listenerCount(s)).toBe(baseline[s])

    signal('SIGINT')
    signal('SIGTERM')
    jest.advanceTimersByTime(60_000)

    expect(c.signal.aborted).toBe(false)
    expect(c.received()).toBeUndefined()
    expect(logged).toEqual([])
    expect(exit).not.toHaveBeenCalled()
  })

  it('dispose() removes only its own listeners', () => {
    const other = jest.fn()
    process.on('SIGINT', other)
    try {
      const c = watch()
      c.dispose()
      signal('SIGINT')
      expect(other).toHaveBeenCalledTimes(1)
      expect(process.listenerCount('SIGINT')).toBe(baseline.SIGINT + 1)
    } finally {
      process.off('SIGINT', other)
    }
  })
  // The handler takes the signal's name from its argument, which Node passes for real signals;
  // `first === undefined` doubles as "no signal yet" (src/cancel.ts, the handler), so an emit
  // without the argument is taken for a first signal every time: logged as "Received undefined",
  // with one more exit timer each.
  it('counts a bare process.emit(signal) without the name argument', () => {
    const c = watch(5000)
    process.emit('SIGINT')
    process.emit('SIGTERM')
    jest.advanceTimersByTime(5000)
    expect(c.received()).toBe('SIGINT')
    expect(exit).toHaveBeenCalledTimes(1)
  })
})
