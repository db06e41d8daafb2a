// Which commit a commit status or a deployment may go on: only one whose branch the run builds, so
// that a green check never stands on code that was not built.
// - Pull-request events: the head when the branch sent for its repository is the head branch; else
//   GITHUB_SHA when the branch sent is GITHUB_REF's (pull_request_target: the base); else none.
// - Other events: GITHUB_SHA when the ref sent is GITHUB_REF's, or when none is sent (the pipeline
//   then builds the pushed branch, as the docs say); else none.
// The branch sent for a repository: its runningBranchs (runningTags) entry in the params sent; else
// the one name all entries not for a GitHub repository and branchModeBranchs agree on (a mirror).
import { isJsonObject } from '../common/json.js'
import { isPullRequestEvent, shortSha, type GithubEvent } from './event.js'

/** The refs in the params sent to Yunxiao. */
export interface SentRefs {
  runningBranchs?: unknown
  runningTags?: unknown
  branchModeBranchs?: unknown
}

export type CommitChoice = { sha: string } | { sha?: undefined; warning: string }

type Built =
  { kind: 'none' } | { kind: 'branch' | 'tag'; name: string } | { kind: 'unclear'; names: string[] }

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
  if (ownTag !== undefined) return { kind: 'tag', name: ownTag }
  const ownBranch = own(branches)
  if (ownBranch !== undefined) return { kind: 'branch', name: ownBranch }
  if (!fallback) return { kind: 'none' }
  // Entries for other GitHub repositories say nothing of this one.
  const others = (list: Array<[string, string]>) =>
    list.filter(([url]) => githubRepositoryOf(url, host) === undefined).map(([, name]) => name)
  const modeBranches = Array.isArray(sent.branchModeBranchs)
    ? sent.branchModeBranchs.filter((b): b is string => typeof b === 'string')
    : []
  const branchNames = [...new Set([...others(branches), ...modeBranches])]
  const tagNames = [...new Set(others(tags))]
  if (branchNames.length === 0 && tagNames.length === 0) return { kind: 'none' }
  if (tagNames.length === 0 && branchNames.length === 1)
    return { kind: 'branch', name: branchNames[0] }
  if (branchNames.length === 0 && tagNames.length === 1) return { kind: 'tag', name: tagNames[0] }
  return {
    kind: 'unclear',
    names: [...branchNames.map(b => `branch "${b}"`), ...tagNames.map(t => `tag "${t}"`)]
  }
}

function describe(built: Built): string {
  if (built.kind === 'none') return 'the branch set in the pipeline (no branch is sent)'
  if (built.kind === 'unclear') return `several refs (${built.names.join(', ')})`
  return `${built.kind} "${built.name}"`
}

/** GITHUB_REF as what a run would build. */
function eventRef(ref: string | undefined): Built {
  const match = /^refs\/(heads|tags)\/(.+)$/.exec(ref ?? '')
  if (!match) return { kind: 'none' }
  return { kind: match[1] === 'heads' ? 'branch' : 'tag', name: match[2] }
}

function same(a: Built, b: Built): boolean {
  return (a.kind === 'branch' || a.kind === 'tag') && describe(a) === describe(b)
}

const NONE =
  'so no commit status and no deployment are made: they would mark a commit whose code this run does not build'

function pullRequestChoice(event: GithubEvent, sent: SentRefs, followed: boolean): CommitChoice {
  const host = hostOf(event.serverUrl)
  const pr = event.pullRequest
  const eventSha = event.eventSha ?? event.sha
  if (pr?.headRef !== undefined) {
    const headRepo = pr.headRepository ?? event.repository
    const forHead = builtFor(sent, headRepo, host, !pr.fromFork)
    if (same(forHead, { kind: 'branch', name: pr.headRef })) return { sha: pr.headSha }
  }
  const built = builtFor(sent, event.repository, host, true)
  const base = eventRef(event.ref)
  if (same(built, base)) return { sha: eventSha }

  const what = `This is a ${event.name} event`
  if (followed)
    return {
      warning: `${what} and the run followed (run-id) was not started by this step: which branch it builds is not known here, ${NONE}. Start the run in this step with ${HEAD_HINT} to mark the pull request.`
    }
  if (!pr)
    return {
      warning: `${what}, but ${event.problem ?? 'its pull request could not be read'}: the pull request's branch is not known, and the run builds ${describe(built)}, not the branch of GITHUB_SHA (${shortSha(eventSha)}), ${NONE}.`
    }
  const fork = pr.fromFork
    ? ` The pull request comes from the fork ${pr.headRepository ?? 'of another repository'}: its branch "${pr.headRef ?? ''}" is not a branch of ${event.repository}, and only a runningBranchs entry for the fork's URL would build it.`
    : ''
  return {
    warning: `${what} and the run builds ${describe(built)}, not the pull request's branch "${pr.headRef ?? '?'}"${base.kind === 'branch' ? ` nor the branch "${base.name}" of GITHUB_SHA` : ''}, ${NONE}.${fork} To build and mark the pull request, ${HEAD_HINT}.`
  }
}

/** The commit, or a warning saying why none and what to set. `followed`: a run-id run. */
export function chooseCommit(event: GithubEvent, sent: SentRefs, followed = false): CommitChoice {
  if (isPullRequestEvent(event.name)) return pullRequestChoice(event, sent, followed)
  const eventSha = event.eventSha ?? event.sha
  const built = builtFor(sent, event.repository, hostOf(event.serverUrl), true)
  const ref = eventRef(event.ref)
  if (built.kind === 'none' || same(built, ref)) return { sha: eventSha }
  const of =
    ref.kind === 'branch' || ref.kind === 'tag' ? `${ref.kind} "${ref.name}"` : 'GITHUB_REF'
  return {
    warning: `The run builds ${describe(built)}, not the ${of} of this ${event.name || 'workflow'} run (GITHUB_SHA ${shortSha(eventSha)}), ${NONE}. Send the ref this workflow runs on (branch: \${{ github.ref_name }}), or no branch at all.`
  }
}
