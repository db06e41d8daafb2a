import { describe, expect, it } from '@jest/globals'
import { isLoopbackHost } from '../../src/common/loopback.js'

describe('isLoopbackHost', () => {
  it.each([
    'localhost',
    'LOCALHOST',
    '127.0.0.1',
    '127.0.0.2',
    '127.255.255.254',
    '[::1]',
    '::1',
    '[0:0:0:0:0:0:0:1]',
    '[::ffff:7f00:1]',
    '[::ffff:127.0.0.9]'
  ])('%s is loopback', host => expect(isLoopbackHost(host)).toBe(true))

  it.each([
    'localhost.example.com',
    'example.com',
    '128.0.0.1',
    '10.127.0.1',
    '127.example.com',
    '[::2]',
    '[::]',
    '[::ffff:a00:1]',
    ''
  ])('%s is not', host => expect(isLoopbackHost(host)).toBe(false))
})
