// A sleep that a cancellation can cut short: used by the client's retries and the wait loop.

/**
 * Resolves after `ms`, or as soon as `signal` aborts; never rejects. The timer is cleared on abort
 * so that a cancelled wait does not keep the process alive.
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    if (signal?.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, Math.max(0, ms))
    signal?.addEventListener('abort', done, { once: true })
  })
}
