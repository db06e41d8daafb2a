// The runner cancels a step with SIGINT, then SIGTERM a few seconds later, then kills it.
// Both signals abort one AbortSignal; work already under way (a create request in flight,
// stopping the run) finishes, and a last timer makes sure the process ends before the kill.
import { CANCEL_EXIT_MS } from '../common/timing.js'

export interface Cancellation {
  readonly signal: AbortSignal
  readonly received: () => string | undefined
  /** Said when the last timer ends the process, for the work it cuts short. */
  setLastWords(say: (() => void) | undefined): void
  dispose(): void
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const

export function watchCancellation(
  log: (line: string) => void,
  exitAfterMs = CANCEL_EXIT_MS,
  exit: (code: number) => void = code => process.exit(code)
): Cancellation {
  const controller = new AbortController()
  let first: string | undefined
  let lastWords: (() => void) | undefined
  const handle = (name: string): void => {
    if (first === undefined) {
      first = name
      log(`Received ${name}: the GitHub job is being cancelled.`)
      controller.abort(new Error(`cancelled (${name})`))
      setTimeout(() => {
        try {
          lastWords?.()
        } finally {
          exit(1)
        }
      }, exitAfterMs).unref()
    } else {
      log(`Received ${name} while stopping; finishing up.`)
    }
  }
  // One listener per signal, so the name never depends on what the emitter passes.
  const listeners = SIGNALS.map(name => [name, () => handle(name)] as const)
  for (const [name, listener] of listeners) process.on(name, listener)
  return {
    signal: controller.signal,
    received: () => first,
    setLastWords: say => {
      lastWords = say
    },
    dispose: () => {
      for (const [name, listener] of listeners) process.off(name, listener)
    }
  }
}
