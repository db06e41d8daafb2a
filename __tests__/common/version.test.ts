// The User-Agent header names the action and its version, and the version is package.json's: the
// build writes it into the bundle (scripts/build.mjs), so the check that matters runs the bundle.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { ACTION_NAME } from '../../src/common/version.js'
import { startFlowSimulator, type FlowSimulator } from '../../simulator/flow-simulator.js'
import { runStep } from '../../simulator/runner.js'
import { TOKEN } from '../support/e2e.js'

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  name: string
  version: string
}

/** RFC 9110: product = token ["/" product-version], token = 1*tchar */
const PRODUCT = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

describe('version, from source', () => {
  it('ACTION_NAME is the package name', () => {
    expect(ACTION_NAME).toBe(pkg.name)
  })
})

describe('version, in the bundle', () => {
  let sim: FlowSimulator
  beforeAll(async () => {
    sim = await startFlowSimulator({ token: TOKEN, organizationId: 'org-1' })
  })
  afterAll(async () => {
    await sim.close()
  })

  it('dist/index.js sends <name>/<package.json version> as its User-Agent', async () => {
    const result = await runStep({
      inputs: { token: TOKEN, 'organization-id': 'org-1', 'pipeline-id': '123', domain: sim.url }
    })
    expect(result.code).toBe(0)
    const agents = sim.requests.map(r => r.headers['user-agent'])
    expect(agents).toEqual([`${pkg.name}/${pkg.version}`])
    expect(agents[0]).toMatch(PRODUCT)
  })
})
