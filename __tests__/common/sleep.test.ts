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

  it('ends by itself without a signal, and then ignores a later abort', async () => {
    const controller = new AbortController()
    await expect(abortableSleep(5, controller.signal)).resolves.toBeUndefined()
    await expect(abortableSleep(5)).resolves.toBeUndefined()
    controller.abort()
  })
})
