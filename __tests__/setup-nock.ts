import { afterAll, afterEach } from '@jest/globals'
import nock from 'nock'

// nock patches the http module once per module registry; without this, interception
// silently stops working in the second test file that uses it.
afterEach(() => {
  nock.cleanAll()
})
afterAll(() => {
  nock.restore()
})
