// The GitHub API simulator, exercised over real loopback HTTP with fetch: the answers the action's
// GitHub side relies on (GitHub's documented behaviour, see the header of github-simulator.js).
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  DEFAULT_GITHUB_TOKEN,
  startGithubSimulator,
  type GithubSimulator,
  type GithubSimulatorOptions
} from '../../simulator/github-simulator.js'

const SHA = '3f786850e387550fdab836ed7e6dc881de23001b'
let sim: GithubSimulator | undefined

afterEach(async () => {
  await sim?.close()
  sim = undefined
})

async function start(options: GithubSimulatorOptions = {}): Promise<GithubSimulator> {
  sim = await startGithubSimulator({ commits: [SHA], branches: { main: SHA }, ...options })
  return sim
}

async function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = {}
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const res = await fetch(`${sim!.url}${path}`, {
    method: 'POST',
    headers: {
      Accept: 'application/vnd.github+json',
      Authorization: `Bearer ${DEFAULT_GITHUB_TOKEN}`,
      'X-GitHub-Api-Version': '2022-11-28',
      ...headers
    },
    body: typeof body === 'string' ? body : JSON.stringify(body)
  })
  return {
    status: res.status,
    headers: res.headers,
    json: (await res.json()) as Record<string, unknown>
  }
}

const STATUS = `/repos/octo-org/shop/statuses/${SHA}`

describe('commit statuses', () => {
  it('201 with the status; recorded and logged', async () => {
    await start()
    const answer = await post(STATUS, {
      state: 'pending',
      context: 'ci',
      description: 'd',
      target_url: 'https://x'
    })
    expect(answer.status).toBe(201)
    expect(answer.json).toMatchObject({ state: 'pending', context: 'ci', target_url: 'https://x' })
    expect(sim!.statuses(SHA).map(s => s.state)).toEqual(['pending'])
    expect(sim!.requests[0]).toMatchObject({
      method: 'POST',
      path: STATUS,
      json: { state: 'pending' }
    })
  })

  it('422 for an unknown commit, a bad state and a description over 140 characters', async () => {
    await start()
    const unknown = await post(`/repos/octo-org/shop/statuses/${'c'.repeat(40)}`, {
      state: 'success'
    })
    expect(unknown.status).toBe(422)
    expect(unknown.json.message).toBe(`No commit found for SHA: ${'c'.repeat(40)}`)
    expect((await post(STATUS, { state: 'done' })).status).toBe(422)
    const long = await post(STATUS, { state: 'success', description: 'x'.repeat(141) })
    expect(long.json).toMatchObject({
      message: 'Validation Failed',
      errors: [
        { field: 'description', message: 'description is too long (maximum is 140 characters)' }
      ]
    })
  })

  it("403 with GitHub's body and the permission header when the token may not write statuses", async () => {
    await start({ permissions: { statuses: 'read' } })
    const answer = await post(STATUS, { state: 'success' })
    expect(answer.status).toBe(403)
    expect(answer.json).toEqual({
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest/commits/statuses#create-a-commit-status',
      status: '403'
    })
    expect(answer.headers.get('x-accepted-github-permissions')).toBe('statuses=write')
  })

  it('401 for a wrong token, 404 for another repository, 400 for an unknown API version', async () => {
    await start()
    expect(
      (await post(STATUS, { state: 'success' }, { Authorization: 'Bearer nope' })).json.message
    ).toBe('Bad credentials')
    expect((await post(`/repos/octo-org/other/statuses/${SHA}`, { state: 'success' })).status).toBe(
      404
    )
    expect(
      (await post(STATUS, { state: 'success' }, { 'X-GitHub-Api-Version': '2020-01-01' })).status
    ).toBe(400)
  })
})

describe('deployments', () => {
  const deploy = { ref: SHA, environment: 'staging', auto_merge: false, required_contexts: [] }

  it('201 with the deployment; statuses on it; an earlier success goes inactive', async () => {
    await start()
    const first = await post('/repos/octo-org/shop/deployments', deploy)
    expect(first.status).toBe(201)
    expect(first.json).toMatchObject({ sha: SHA, ref: SHA, environment: 'staging', task: 'deploy' })
    const id = first.json.id as number
    const status = await post(`/repos/octo-org/shop/deployments/${id}/statuses`, {
      state: 'success',
      log_url: 'https://log',
      environment_url: 'https://site'
    })
    expect(status.status).toBe(201)
    expect(status.json).toMatchObject({
      state: 'success',
      log_url: 'https://log',
      target_url: 'https://log'
    })
    const second = await post('/repos/octo-org/shop/deployments', { ...deploy, ref: 'main' })
    await post(`/repos/octo-org/shop/deployments/${second.json.id as number}/statuses`, {
      state: 'success'
    })
    expect(sim!.deployments()[0].statuses.map(s => s.state)).toEqual(['success', 'inactive'])
  })

  it('checks commit statuses unless required_contexts is [], and merges unless auto_merge is false', async () => {
    await start({ behind: true })
    await post(STATUS, { state: 'pending', context: 'ci' })
    const checked = await post('/repos/octo-org/shop/deployments', { ref: SHA, auto_merge: false })
    expect(checked.status).toBe(409)
    expect(checked.json.message).toBe(`Conflict: Commit status checks failed for ${SHA}.`)
    const merged = await post('/repos/octo-org/shop/deployments', {
      ref: SHA,
      required_contexts: []
    })
    expect(merged.status).toBe(202)
    expect(sim!.deployments()).toEqual([])
  })

  it('422 for an unknown ref, 404 for an unknown deployment, 403 without the permission', async () => {
    await start()
    expect(
      (await post('/repos/octo-org/shop/deployments', { ...deploy, ref: 'nope' })).json.message
    ).toBe('No ref found for: nope')
    expect(
      (await post('/repos/octo-org/shop/deployments/999/statuses', { state: 'success' })).status
    ).toBe(404)
    sim!.setPermissions({ deployments: 'read' })
    const denied = await post('/repos/octo-org/shop/deployments', deploy)
    expect(denied.status).toBe(403)
    expect(denied.headers.get('x-accepted-github-permissions')).toBe('deployments=write')
  })
})

describe('serving', () => {
  it('under a path prefix, like GitHub Enterprise Server', async () => {
    await start({ pathPrefix: '/api/v3' })
    expect(sim!.url).toMatch(/\/api\/v3$/)
    expect((await post(STATUS, { state: 'success' })).status).toBe(201)
  })

  it('faults: a status, then normal service', async () => {
    await start({ faults: [{ path: '/statuses/', status: 503 }] })
    expect((await post(STATUS, { state: 'success' })).status).toBe(503)
    expect((await post(STATUS, { state: 'success' })).status).toBe(201)
  })
})
