import { describe, expect, it } from '@jest/globals'
import { abortableSleep } from '../../src/common/sleep.js'

describe('abortableSleep', () => {
  it('ends at once when the signal aborts, long before its time', async () => {
    const controller = new AbortController()
    const slept = abortableSleep(600_000, controller.signal)
    controller.abort()
    await expect(slept).resolves.toBeUndefined()
  })

  it('ends at once for a signal that is already aborted', async () => {
    await expect(abortableSleep(600_000, AbortSignal.abort())).resolves.toBeUndefined()
  })

  it('ends by itself without a signal', async () => {
    await expect(abortableSleep(5)).resolves.toBeUndefined()
  })

  it('ends by itself with a signal, and leaves no listener on it behind', async () => {
    const controller = new AbortController()
    const signal = controller.signal
    const listening = new Set<unknown>()
    const add = signal.addEventListener.bind(signal)
    const remove = signal.removeEventListener.bind(signal)
    signal.addEventListener = (type: string, listener: (event: Event) => void) => {
      listening.add(listener)
      add(type, listener)
    }
    signal.removeEventListener = (type: string, listener: (event: Event) => void) => {
      listening.delete(listener)
      remove(type, listener)
    }
    await expect(abortableSleep(5, signal)).resolves.toBeUndefined()
    // A later abort of a long-lived signal (the job's cancellation) finds nothing of this sleep.
    expect(listening.size).toBe(0)
  })
})
