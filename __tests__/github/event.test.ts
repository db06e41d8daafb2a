import { describe, it, expect } from '@jest/globals'
import {
  contextEnvs,
  isPullRequestEvent,
  pullRequestOf,
  readEvent
} from '../../src/github/event.js'

const SHA = '3f786850e387550fdab836ed7e6dc881de23001b'
const HEAD = 'a'.repeat(40)
const MERGE = 'b'.repeat(40)

const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  GITHUB_REPOSITORY: 'octo-org/shop',
  GITHUB_SHA: SHA,
  GITHUB_EVENT_NAME: 'push',
  GITHUB_EVENT_PATH: '/event.json',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '99',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_REF_NAME: 'main',
  GITHUB_ACTOR: 'octocat',
  ...extra
})

function prPayload(overrides: Record<string, unknown> = {}) {
  return {
    number: 7,
    pull_request: {
      number: 7,
      head: { sha: HEAD, ref: 'feature/x', repo: { full_name: 'octo-org/shop', fork: false } },
      base: { sha: SHA, ref: 'main', repo: { full_name: 'octo-org/shop' } },
      ...overrides
    }
  }
}

const fileOf = (payload: unknown) => () => JSON.stringify(payload)

describe('readEvent: which commit GitHub built', () => {
  it('push: GITHUB_SHA, and the payload is not read', () => {
    const event = readEvent(env(), () => {
      throw new Error('not read')
    })
    expect(event).toEqual({
      name: 'push',
      repository: 'octo-org/shop',
      sha: SHA,
      serverUrl: 'https://github.com'
    })
    expect(readEvent(env({ GITHUB_REF: 'refs/heads/main' })).ref).toBe('refs/heads/main')
  })

  it.each(['pull_request', 'pull_request_target'])(
    '%s: GITHUB_SHA, and the pull request with its head from the payload',
    name => {
      const event = readEvent(
        env({ GITHUB_EVENT_NAME: name, GITHUB_SHA: MERGE }),
        fileOf(prPayload())
      )
      expect(event.sha).toBe(MERGE)
      expect(event.pullRequest).toEqual({
        number: 7,
        headSha: HEAD,
        headRef: 'feature/x',
        headRepository: 'octo-org/shop',
        fromFork: false
      })
      expect(event.problem).toBeUndefined()
    }
  )

  it('knows a pull request from a fork', () => {
    const fork = prPayload({
      head: { sha: HEAD, ref: 'patch-1', repo: { full_name: 'someone/shop', fork: true } }
    })
    const event = readEvent(env({ GITHUB_EVENT_NAME: 'pull_request' }), fileOf(fork))
    expect(event.pullRequest?.fromFork).toBe(true)
    const renamed = prPayload({
      head: { sha: HEAD, ref: 'p', repo: { full_name: 'someone/other' } }
    })
    expect(pullRequestOf(renamed)).toMatchObject({ fromFork: true })
  })

  it('takes a head.sha written in capitals as that commit, in lower case', () => {
    const event = readEvent(
      env({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_SHA: MERGE }),
      fileOf(prPayload({ head: { sha: HEAD.toUpperCase(), ref: 'feature/x' } }))
    )
    expect(event.problem).toBeUndefined()
    expect(event.pullRequest?.headSha).toBe(HEAD)
  })

  it('falls back to GITHUB_SHA, saying why, when the payload is missing or odd', () => {
    const pr = env({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_SHA: MERGE })
    const unreadable = readEvent(pr, () => {
      throw new Error('ENOENT: no such file')
    })
    expect(unreadable.sha).toBe(MERGE)
    expect(unreadable.problem).toMatch(/could not be read: ENOENT/)
    expect(readEvent({ ...pr, GITHUB_EVENT_PATH: '' }, fileOf({})).problem).toBe(
      'GITHUB_EVENT_PATH is not set'
    )
    expect(readEvent(pr, fileOf({ action: 'opened' })).problem).toMatch(/no pull_request object/)
    expect(readEvent(pr, fileOf(prPayload({ head: { sha: 'main' } }))).problem).toMatch(
      /head.sha is not a commit id/
    )
    expect(readEvent(pr, () => '{not json').problem).toMatch(/could not be read/)
  })

  it('throws outside a runner (no repository or commit)', () => {
    expect(() => readEvent(env({ GITHUB_REPOSITORY: '' }))).toThrow(/GITHUB_REPOSITORY is not set/)
    expect(() => readEvent(env({ GITHUB_SHA: 'HEAD' }))).toThrow(/GITHUB_SHA is "head"/)
  })

  it('isPullRequestEvent', () => {
    expect(isPullRequestEvent('pull_request')).toBe(true)
    expect(isPullRequestEvent('pull_request_target')).toBe(true)
    expect(isPullRequestEvent('pull_request_review')).toBe(false)
    expect(isPullRequestEvent(undefined)).toBe(false)
  })
})

describe('contextEnvs', () => {
  it('push: the context, with the run URL built from the server, repository and run id', () => {
    const vars = contextEnvs(env(), readEvent(env()))
    expect(vars).toEqual({
      GITHUB_SHA: SHA,
      GITHUB_REF_NAME: 'main',
      GITHUB_REPOSITORY: 'octo-org/shop',
      GITHUB_RUN_URL: 'https://github.com/octo-org/shop/actions/runs/99',
      GITHUB_ACTOR: 'octocat',
      GITHUB_EVENT_NAME: 'push'
    })
  })

  it('pull request: adds the number and head commit; a re-run attempt is in the run URL', () => {
    const pr = env({
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_SHA: MERGE,
      GITHUB_REF_NAME: '7/merge',
      GITHUB_RUN_ATTEMPT: '2'
    })
    const vars = contextEnvs(pr, readEvent(pr, fileOf(prPayload())))
    expect(vars).toMatchObject({
      GITHUB_SHA: MERGE,
      GITHUB_REF_NAME: '7/merge',
      GITHUB_PR_NUMBER: '7',
      GITHUB_PR_HEAD_SHA: HEAD,
      GITHUB_RUN_URL: 'https://github.com/octo-org/shop/actions/runs/99/attempts/2'
    })
  })

  it('leaves out what it does not know', () => {
    const bare = { GITHUB_REPOSITORY: 'o/r', GITHUB_SHA: SHA }
    expect(contextEnvs(bare, readEvent(bare))).toEqual({
      GITHUB_SHA: SHA,
      GITHUB_REPOSITORY: 'o/r'
    })
  })
})
