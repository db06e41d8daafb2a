// The version sent in the User-Agent header must follow package.json.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { ACTION_NAME, ACTION_VERSION, USER_AGENT } from '../../src/common/version.js'

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  name: string
  version: string
}

describe('version', () => {
  it('ACTION_VERSION equals the package.json version', () => {
    expect(ACTION_VERSION).toBe(pkg.version)
  })

  it('ACTION_NAME equals the package name', () => {
    expect(ACTION_NAME).toBe(pkg.name)
  })

  it('USER_AGENT is yunxiao-flow-action/<version>', () => {
    expect(USER_AGENT).toBe(`yunxiao-flow-action/${pkg.version}`)
  })

  it('USER_AGENT is a valid product token for the header', () => {
    // RFC 9110: product = token ["/" product-version], token = 1*tchar
    expect(USER_AGENT).toMatch(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+$/)
  })
})
