// The GitHub event that started the job: its commit and pull request, if any.
import { readFileSync } from 'node:fs'
import { isJsonObject } from '../common/json.js'
import { messageOf } from '../common/logger.js'

export interface PullRequestFacts {
  number: number
  /** Where the pull request's checks are shown. */
  headSha: string
  /** `${{ github.head_ref }}` */
  headRef?: string
  headRepository?: string
  /** Its GITHUB_TOKEN is then read-only. */
  fromFork: boolean
}

export interface GithubEvent {
  /** GITHUB_EVENT_NAME */
  name: string
  /** GITHUB_REPOSITORY */
  repository: string
  /** GITHUB_SHA (on pull_request, GitHub's merge commit); in a report, the commit chosen. */
  sha: string
  /** GITHUB_REF */
  ref?: string
  /** GITHUB_SERVER_URL */
  serverUrl?: string
  pullRequest?: PullRequestFacts
  /** Why a pull-request event's payload could not be read. */
  problem?: string
}

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/

/** Events whose GITHUB_SHA is a merge commit GitHub made, not a commit of the pull request. */
export function isPullRequestEvent(name: string | undefined): boolean {
  return name === 'pull_request' || name === 'pull_request_target'
}

const record = (value: unknown) => (isJsonObject(value) ? value : undefined)

function repoName(value: unknown): string | undefined {
  const name = record(value)?.full_name
  return typeof name === 'string' ? name : undefined
}

/** The pull request of a payload, or what is wrong with it. */
export function pullRequestOf(payload: unknown): PullRequestFacts | string {
  const pr = record(record(payload)?.pull_request)
  if (!pr) return 'it has no pull_request object'
  const head = record(pr.head)
  // A commit id in capitals is still that commit: GitHub's API takes it in lower case.
  const headSha = typeof head?.sha === 'string' ? head.sha.toLowerCase() : undefined
  if (headSha === undefined || !SHA.test(headSha))
    return 'its pull_request.head.sha is not a commit id'
  const number = pr.number ?? record(payload)?.number
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number <= 0)
    return 'its pull_request.number is not a positive number'
  const headRepo = repoName(head?.repo)
  const baseRepo = repoName(record(pr.base)?.repo)
  const fork =
    record(head?.repo)?.fork === true ||
    (headRepo !== undefined && baseRepo !== undefined && headRepo !== baseRepo)
  return {
    number,
    headSha,
    headRef: typeof head?.ref === 'string' ? head.ref : undefined,
    headRepository: headRepo ?? baseRepo,
    fromFork: fork
  }
}

/** The event from the runner's variables and the payload; throws outside a runner. */
export function readEvent(
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string = path => readFileSync(path, 'utf8')
): GithubEvent {
  const repository = env.GITHUB_REPOSITORY?.trim() ?? ''
  const sha = env.GITHUB_SHA?.trim().toLowerCase() ?? ''
  const name = env.GITHUB_EVENT_NAME?.trim() ?? ''
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository))
    throw new Error(
      `GITHUB_REPOSITORY is ${repository ? JSON.stringify(repository) : 'not set'}; the runner sets it to owner/name.`
    )
  if (!SHA.test(sha))
    throw new Error(
      `GITHUB_SHA is ${sha ? JSON.stringify(sha.slice(0, 80)) : 'not set'}; the runner sets it to the commit id.`
    )
  const ref = env.GITHUB_REF?.trim() || undefined
  const serverUrl = env.GITHUB_SERVER_URL?.trim() || undefined
  const event: GithubEvent = { name, repository, sha, ref, serverUrl }
  if (!isPullRequestEvent(name)) return event

  const path = env.GITHUB_EVENT_PATH?.trim()
  if (!path) return { ...event, problem: 'GITHUB_EVENT_PATH is not set' }
  let found: PullRequestFacts | string
  try {
    found = pullRequestOf(JSON.parse(readFile(path)))
    if (typeof found === 'string') found = `the event payload (GITHUB_EVENT_PATH) is odd: ${found}`
  } catch (error) {
    found = `the event payload (GITHUB_EVENT_PATH) could not be read: ${messageOf(error)}`
  }
  if (typeof found === 'string') return { ...event, problem: found }
  return { ...event, pullRequest: found }
}

/**
 * context-envs: the GitHub context as Yunxiao run variables, so a pipeline can check or record what
 * GitHub meant (Yunxiao builds the head of the branch when the run starts; it takes no commit).
 * One whose value is unknown is left out.
 */
export function contextEnvs(env: NodeJS.ProcessEnv, event: GithubEvent): Record<string, string> {
  const server = env.GITHUB_SERVER_URL?.trim().replace(/\/+$/, '')
  const runId = env.GITHUB_RUN_ID?.trim()
  const attempt = env.GITHUB_RUN_ATTEMPT?.trim()
  const runUrl =
    server && runId
      ? `${server}/${event.repository}/actions/runs/${runId}${attempt && attempt !== '1' ? `/attempts/${attempt}` : ''}`
      : undefined
  const values: Record<string, string | undefined> = {
    GITHUB_SHA: env.GITHUB_SHA?.trim(),
    GITHUB_REF_NAME: env.GITHUB_REF_NAME?.trim(),
    GITHUB_REPOSITORY: event.repository,
    GITHUB_RUN_URL: runUrl,
    GITHUB_ACTOR: env.GITHUB_ACTOR?.trim(),
    GITHUB_EVENT_NAME: event.name || undefined,
    GITHUB_PR_NUMBER: event.pullRequest ? String(event.pullRequest.number) : undefined,
    GITHUB_PR_HEAD_SHA: event.pullRequest?.headSha
  }
  return Object.fromEntries(
    Object.entries(values).filter((e): e is [string, string] => Boolean(e[1]))
  )
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7)
}
