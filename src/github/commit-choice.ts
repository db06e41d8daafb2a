// Which commit a commit status or a deployment may go on: only one whose branch the run builds, so
// that a green check never stands on code that was not built (docs/github-feedback.md, "Which
// commit gets a status or a deployment"). The branch sent for a repository: its runningBranchs
// (runningTags) entry in the params sent; else the one name all other entries agree on (a mirror).
import { isJsonObject } from '../common/json.js'
import { isPullRequestEvent, shortSha, type GithubEvent } from './event.js'

/** The refs in the params sent to Yunxiao. */
export interface SentRefs {
  runningBranchs?: unknown
  runningTags?: unknown
  branchModeBranchs?: unknown
}

export type CommitChoice = { sha: string } | { sha?: undefined; warning: string }

/**
 * What a run builds, as told: `branch "main"`, `tag "v1"`, `several refs (...)`; undefined when
 * no ref is sent (the pipeline's own branch). Two refs are the same when their texts are.
 */
type Built = string | undefined

const HEAD_HINT = 'set branch: ${{ github.head_ref }}'

function entries(value: unknown): Array<[string, string]> {
  if (!isJsonObject(value)) return []
  return Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string')
}

function hostOf(serverUrl: string | undefined): string {
  try {
    return new URL(serverUrl ?? 'https://github.com').hostname.toLowerCase()
  } catch {
    return 'github.com'
  }
}

/** `owner/name` (lower case) of an https, ssh or scp-like repository URL on `host`. */
export function githubRepositoryOf(url: string, host: string): string | undefined {
  const scp = /^[\w.-]+@([^:/]+):\/?(.*)$/.exec(url)
  let urlHost: string
  let path: string
  if (scp) [urlHost, path] = [scp[1], scp[2]]
  else {
    try {
      const parsed = new URL(url)
      ;[urlHost, path] = [parsed.hostname, decodeURIComponent(parsed.pathname)]
    } catch {
      return undefined
    }
  }
  if (urlHost.toLowerCase() !== host) return undefined
  const repo = /^\/?([\w.-]+\/[\w.-]+?)(?:\.git)?\/?$/.exec(path)
  return repo ? repo[1].toLowerCase() : undefined
}

/** What the run builds for `repository` (owner/name); `fallback`: may other entries speak for it. */
function builtFor(sent: SentRefs, repository: string, host: string, fallback: boolean): Built {
  const wanted = repository.toLowerCase()
  const branches = entries(sent.runningBranchs)
  const tags = entries(sent.runningTags)
  const own = (list: Array<[string, string]>) =>
    list.find(([url]) => githubRepositoryOf(url, host) === wanted)?.[1]
  const ownTag = own(tags)
  if (ownTag !== undefined) return `tag "${ownTag}"`
  const ownBranch = own(branches)
  if (ownBranch !== undefined) return `branch "${ownBranch}"`
  if (!fallback) return undefined
  // Entries for other GitHub repositories say nothing of this one.
  const others = (list: Array<[string, string]>) =>
    list.filter(([url]) => githubRepositoryOf(url, host) === undefined).map(([, name]) => name)
  const modeBranches = Array.isArray(sent.branchModeBranchs)
    ? sent.branchModeBranchs.filter((b): b is string => typeof b === 'string')
    : []
  const names = [
    ...new Set([...others(branches), ...modeBranches].map(b => `branch "${b}"`)),
    ...new Set(others(tags).map(t => `tag "${t}"`))
  ]
  if (names.length <= 1) return names[0]
  return `several refs (${names.join(', ')})`
}

const told = (built: Built) => built ?? 'the branch set in the pipeline (no branch is sent)'

/** GITHUB_REF as what a run would build. */
function eventRef(ref: string | undefined): Built {
  const match = /^refs\/(heads|tags)\/(.+)$/.exec(ref ?? '')
  return match ? `${match[1] === 'heads' ? 'branch' : 'tag'} "${match[2]}"` : undefined
}

const NONE =
  'so no commit status and no deployment are made: they would mark a commit whose code this run does not build'

function pullRequestChoice(event: GithubEvent, sent: SentRefs, followed: boolean): CommitChoice {
  const host = hostOf(event.serverUrl)
  const pr = event.pullRequest
  if (pr?.headRef !== undefined) {
    const headRepo = pr.headRepository ?? event.repository
    const forHead = builtFor(sent, headRepo, host, !pr.fromFork)
    if (forHead === `branch "${pr.headRef}"`) return { sha: pr.headSha }
  }
  const built = builtFor(sent, event.repository, host, true)
  const base = eventRef(event.ref)
  if (built !== undefined && built === base) return { sha: event.sha }

  const what = `This is a ${event.name} event`
  if (followed)
    return {
      warning: `${what} and the run followed (run-id) was not started by this step: which branch it builds is not known here, ${NONE}. Start the run in this step with ${HEAD_HINT} to mark the pull request.`
    }
  if (!pr)
    return {
      warning: `${what}, but ${event.problem ?? 'its pull request could not be read'}: the pull request's branch is not known, and the run builds ${told(built)}, not the branch of GITHUB_SHA (${shortSha(event.sha)}), ${NONE}.`
    }
  const fork = pr.fromFork
    ? ` The pull request comes from the fork ${pr.headRepository ?? 'of another repository'}: its branch "${pr.headRef ?? ''}" is not a branch of ${event.repository}, and only a runningBranchs entry for the fork's URL would build it.`
    : ''
  return {
    warning: `${what} and the run builds ${told(built)}, not the pull request's branch "${pr.headRef ?? '?'}"${base ? ` nor the ${base} of GITHUB_SHA` : ''}, ${NONE}.${fork} To build and mark the pull request, ${HEAD_HINT}.`
  }
}

/** The commit, or a warning saying why none and what to set. `followed`: a run-id run. */
export function chooseCommit(event: GithubEvent, sent: SentRefs, followed = false): CommitChoice {
  if (isPullRequestEvent(event.name)) return pullRequestChoice(event, sent, followed)
  const built = builtFor(sent, event.repository, hostOf(event.serverUrl), true)
  const ref = eventRef(event.ref)
  if (built === undefined || built === ref) return { sha: event.sha }
  return {
    warning: `The run builds ${built}, not the ${ref ?? 'GITHUB_REF'} of this ${event.name || 'workflow'} run (GITHUB_SHA ${shortSha(event.sha)}), ${NONE}. Send the ref this workflow runs on (branch: \${{ github.ref_name }}), or no branch at all.`
  }
}
