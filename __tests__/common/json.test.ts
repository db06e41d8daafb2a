import { describe, it, expect } from '@jest/globals'
import { isJsonObject, setOwn } from '../../src/common/json.js'

describe('isJsonObject', () => {
  it('is true for an object only, not null or a list', () => {
    expect(isJsonObject({})).toBe(true)
    expect(isJsonObject(null)).toBe(false)
    expect(isJsonObject([])).toBe(false)
    expect(isJsonObject('x')).toBe(false)
  })
})

describe('setOwn', () => {
  it('defines __proto__ as data, leaving the prototype alone', () => {
    const target: Record<string, unknown> = {}
    setOwn(target, '__proto__', { polluted: true })
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(JSON.stringify(target)).toBe('{"__proto__":{"polluted":true}}')
  })
})
