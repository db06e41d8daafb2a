import { describe, expect, it } from '@jest/globals'
import { chooseCommit, githubRepositoryOf, type SentRefs } from '../../src/github/commit-choice.js'
import type { GithubEvent } from '../../src/github/event.js'

const BASE = '3f786850e387550fdab836ed7e6dc881de23001b'
const HEAD = 'a'.repeat(40)
const MERGE = 'b'.repeat(40)
const OWN = 'https://github.com/octo-org/shop.git'
const MIRROR = 'https://codeup.aliyun.com/acme/shop.git'

const push: GithubEvent = {
  name: 'push',
  repository: 'octo-org/shop',
  sha: BASE,
  ref: 'refs/heads/main',
  serverUrl: 'https://github.com'
}
const pr = (name: string, fork = false): GithubEvent => ({
  name,
  repository: 'octo-org/shop',
  sha: name === 'pull_request' ? MERGE : BASE,
  ref: name === 'pull_request' ? 'refs/pull/7/merge' : 'refs/heads/main',
  serverUrl: 'https://github.com',
  pullRequest: {
    number: 7,
    headSha: HEAD,
    headRef: 'feature/x',
    headRepository: fork ? 'someone/shop' : 'octo-org/shop',
    fromFork: fork
  }
})

describe('githubRepositoryOf', () => {
  it.each([
    ['https://github.com/octo-org/shop.git', 'octo-org/shop'],
    ['https://github.com/Octo-Org/Shop', 'octo-org/shop'],
    ['https://github.com/octo-org/shop/', 'octo-org/shop'],
    ['git@github.com:octo-org/shop.git', 'octo-org/shop'],
    ['ssh://git@github.com/octo-org/shop.git', 'octo-org/shop'],
    ['https://GITHUB.COM/octo-org/shop.git', 'octo-org/shop'],
    [MIRROR, undefined],
    ['https://github.com/octo-org', undefined],
    ['https://github.com/octo-org/shop/tree/main', undefined],
    ['not a url', undefined]
  ])('%s -> %s', (url, repo) => {
    expect(githubRepositoryOf(url, 'github.com')).toBe(repo)
  })
})

describe('chooseCommit', () => {
  const sha = (event: GithubEvent, sent: SentRefs) => chooseCommit(event, sent).sha

  it.each(['pull_request', 'pull_request_target'])(
    '%s: the head only when the branch sent for the repository is the head ref',
    name => {
      expect(sha(pr(name), { runningBranchs: { [OWN]: 'feature/x' } })).toBe(HEAD)
      expect(sha(pr(name), { branchModeBranchs: ['feature/x'] })).toBe(HEAD)
      expect(sha(pr(name), { runningBranchs: { [MIRROR]: 'feature/x' } })).toBe(HEAD)
      // the entry for this repository wins over any other
      expect(sha(pr(name), { runningBranchs: { [MIRROR]: 'main', [OWN]: 'feature/x' } })).toBe(HEAD)
      // an entry for another GitHub repository says nothing of this one
      expect(
        sha(pr(name), { runningBranchs: { 'https://github.com/octo-org/lib': 'feature/x' } })
      ).toBeUndefined()
      expect(sha(pr(name), { runningBranchs: { [OWN]: 'develop' } })).toBeUndefined()
      expect(sha(pr(name), { branchModeBranchs: ['feature/x', 'other'] })).toBeUndefined()
      expect(sha(pr(name), { runningTags: { [OWN]: 'feature/x' } })).toBeUndefined()
      expect(sha(pr(name), {})).toBeUndefined()
    }
  )

  it('pull_request_target: GITHUB_SHA when the base branch is sent; pull_request has no base branch', () => {
    expect(sha(pr('pull_request_target'), { runningBranchs: { [OWN]: 'main' } })).toBe(BASE)
    expect(sha(pr('pull_request'), { runningBranchs: { [OWN]: 'main' } })).toBeUndefined()
  })

  it('a fork: only an entry for the fork itself builds its branch', () => {
    expect(
      sha(pr('pull_request', true), { runningBranchs: { [OWN]: 'feature/x' } })
    ).toBeUndefined()
    expect(sha(pr('pull_request', true), { branchModeBranchs: ['feature/x'] })).toBeUndefined()
    expect(
      sha(pr('pull_request', true), {
        runningBranchs: { 'https://github.com/someone/shop.git': 'feature/x' }
      })
    ).toBe(HEAD)
    expect(chooseCommit(pr('pull_request', true), { branchModeBranchs: ['feature/x'] })).toEqual({
      warning: expect.stringMatching(
        /fork someone\/shop: its branch "feature\/x" is not a branch of octo-org\/shop/
      )
    })
  })

  it('one warning that says why and what to set', () => {
    const choice = chooseCommit(pr('pull_request_target'), { runningBranchs: { [OWN]: 'release' } })
    expect(choice).toEqual({
      warning:
        'This is a pull_request_target event and the run builds branch "release", not the pull request\'s branch "feature/x" nor the branch "main" of GITHUB_SHA, so no commit status and no deployment are made: they would mark a commit whose code this run does not build. To build and mark the pull request, set branch: ${{ github.head_ref }}.'
    })
    expect(chooseCommit(pr('pull_request'), {})).toEqual({
      warning: expect.stringContaining('builds the branch set in the pipeline (no branch is sent)')
    })
    expect(chooseCommit(pr('pull_request'), {}, true)).toEqual({
      warning: expect.stringContaining('run-id')
    })
  })

  it('a pull request whose payload could not be read: GITHUB_SHA only for its own branch', () => {
    const unread: GithubEvent = {
      ...pr('pull_request_target'),
      pullRequest: undefined,
      sha: BASE,
      problem: 'GITHUB_EVENT_PATH is not set'
    }
    expect(sha(unread, { runningBranchs: { [OWN]: 'main' } })).toBe(BASE)
    expect(chooseCommit(unread, { runningBranchs: { [OWN]: 'feature/x' } })).toEqual({
      warning: expect.stringContaining('GITHUB_EVENT_PATH is not set')
    })
  })

  it('push: GITHUB_SHA when nothing is sent or its own branch (tag) is; none for another', () => {
    expect(sha(push, {})).toBe(BASE)
    expect(sha(push, { runningBranchs: { [OWN]: 'main' } })).toBe(BASE)
    expect(sha(push, { branchModeBranchs: ['main'] })).toBe(BASE)
    expect(sha(push, { runningBranchs: { [OWN]: 'dev' } })).toBeUndefined()
    const tagPush = { ...push, ref: 'refs/tags/v1' }
    expect(sha(tagPush, { runningTags: { [OWN]: 'v1' } })).toBe(BASE)
    expect(sha(tagPush, { runningBranchs: { [OWN]: 'v1' } })).toBeUndefined()
    expect(sha({ ...push, ref: undefined }, { branchModeBranchs: ['main'] })).toBeUndefined()
    expect(chooseCommit(push, { branchModeBranchs: ['dev'] })).toEqual({
      warning: expect.stringMatching(
        /^The run builds branch "dev", not the branch "main" of this push run \(GITHUB_SHA 3f78685\).*branch: \$\{\{ github\.ref_name \}\}/
      )
    })
  })

  it('ignores what is not a string (odd raw params)', () => {
    expect(sha(push, { runningBranchs: ['main'], branchModeBranchs: 'main' })).toBe(BASE)
    expect(sha(pr('pull_request'), { runningBranchs: { [OWN]: 7 } })).toBeUndefined()
  })
})
