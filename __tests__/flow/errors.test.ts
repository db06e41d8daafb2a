// The questions callers ask of a Flow error, answered by the error module for anything a catch gives.
import { describe, expect, it } from '@jest/globals'
import {
  FlowApiError,
  httpStatusOf,
  isBadAnswer,
  isCancelled,
  isFlowApiError,
  isRetryable,
  mayHaveStarted,
  retryAfterOf,
  type FlowApiErrorFields
} from '../../src/flow/errors.js'

function flowError(fields: Partial<FlowApiErrorFields>): FlowApiError {
  return new FlowApiError('x', {
    operation: 'CreatePipelineRun',
    kind: 'http',
    retryable: false,
    mayHaveStarted: false,
    attempts: 1,
    ...fields
  })
}

describe('error guards', () => {
  it('answer from the FlowApiError fields', () => {
    expect(isCancelled(flowError({ kind: 'cancelled' }))).toBe(true)
    expect(isCancelled(flowError({ kind: 'network' }))).toBe(false)
    expect(mayHaveStarted(flowError({ mayHaveStarted: true }))).toBe(true)
    expect(mayHaveStarted(flowError({}))).toBe(false)
    expect(isRetryable(flowError({ retryable: true }))).toBe(true)
    expect(isRetryable(flowError({}))).toBe(false)
    expect(httpStatusOf(flowError({ status: 404 }))).toBe(404)
    expect(httpStatusOf(flowError({ kind: 'network' }))).toBeUndefined()
    expect(isBadAnswer(flowError({ kind: 'bad-answer', status: 200 }))).toBe(true)
    expect(retryAfterOf(flowError({ retryAfterMs: 2000 }))).toBe(2000)
    expect(retryAfterOf(flowError({ retryAfterMs: 0 }))).toBeUndefined()
  })

  it('say no for anything else, however it is shaped', () => {
    const lookalike = Object.assign(new Error('x'), {
      kind: 'cancelled',
      mayHaveStarted: true,
      retryable: true,
      status: 500,
      retryAfterMs: 5
    })
    for (const value of [lookalike, undefined, null, 'cancelled', 42, {}]) {
      expect(isFlowApiError(value)).toBe(false)
      expect(isCancelled(value)).toBe(false)
      expect(mayHaveStarted(value)).toBe(false)
      expect(isRetryable(value)).toBe(false)
      expect(httpStatusOf(value)).toBeUndefined()
      expect(isBadAnswer(value)).toBe(false)
      expect(retryAfterOf(value)).toBeUndefined()
    }
  })
})
