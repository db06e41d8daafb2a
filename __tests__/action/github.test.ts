import { describe, it, expect } from '@jest/globals'
import { pullRequestDefaultBranchWarning } from '../../src/action/steps/github.js'
import { makeSettings } from '../support/settings.js'

describe('pullRequestDefaultBranchWarning', () => {
  const pr = { GITHUB_EVENT_NAME: 'pull_request' }

  it('warns on a pull request with no branch, tag, branches or running-branches', () => {
    expect(pullRequestDefaultBranchWarning(makeSettings(), pr)).toMatch(
      /Yunxiao will build the branch configured in the pipeline, not this pull request.*github\.head_ref/
    )
    expect(
      pullRequestDefaultBranchWarning(makeSettings(), { GITHUB_EVENT_NAME: 'pull_request_target' })
    ).toMatch(/pull_request_target event/)
  })

  it('is quiet when a ref is given anywhere, or on other events', () => {
    for (const settings of [
      makeSettings({ branch: 'feature/x' }),
      makeSettings({ tag: 'v1' }),
      makeSettings({ branches: ['feature/x'] }),
      makeSettings({ runningBranches: { 'https://r.git': 'x' } }),
      makeSettings({ runningTags: { 'https://r.git': 'v1' } }),
      makeSettings({ rawParams: { runningBranchs: { 'https://r.git': 'x' } } }),
      // The commit choice's one warning says it then.
      makeSettings({ github: { token: 't', statusContext: 'ci', contextEnvs: false } }),
      makeSettings({ github: { token: 't', deploymentEnvironment: 'prod', contextEnvs: false } })
    ])
      expect(pullRequestDefaultBranchWarning(settings, pr)).toBeUndefined()
    expect(
      pullRequestDefaultBranchWarning(makeSettings(), { GITHUB_EVENT_NAME: 'push' })
    ).toBeUndefined()
  })
})
