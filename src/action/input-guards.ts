// Newcomers' mistakes caught before anything is sent (used by settings.ts): the center host without
// an organization id, the web console given as `domain`, a full git ref (`refs/heads/x`) where a
// name is expected, a pull request's ref hidden in `params`, and a bare `timeout` in seconds that
// was surely meant in minutes. Each problem is an InputError naming its input; each note, one line.
import { InputError, quote, type InputName } from './inputs.js'

/** The center edition's OpenAPI origin (action.yml's default `domain`). */
export const CENTER_ORIGIN = 'https://openapi-rdc.aliyuncs.com'

/**
 * The center host serves only `/organizations/{organizationId}/...` paths: without an id the
 * Region paths would go there and fail with a 404 that does not say why.
 */
export function editionProblem(
  baseUrl: string | undefined,
  organizationId: string | undefined
): InputError | undefined {
  if (baseUrl !== CENTER_ORIGIN || organizationId !== undefined) return undefined
  return new InputError(
    'organization-id',
    `Input "organization-id" is required with the center host openapi-rdc.aliyuncs.com (the default domain): your Yunxiao organization's id, e.g. 60d54f3daccf2bbd6659f3ad; got nothing. If it comes from a variable (\${{ vars.YUNXIAO_ORG_ID }}), check that the variable is set for this repository; for the Region edition, set domain to your organization's host (<org>-<region>.devops.aliyuncs.com) instead.`
  )
}

/** The web console (flow.aliyun.com, devops.aliyun.com, ...) is not the OpenAPI: say which host is. */
export function consoleHostProblem(hostname: string): string | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '')
  if (host !== 'aliyun.com' && !host.endsWith('.aliyun.com')) return undefined
  return `${host} is the Yunxiao web console, not its OpenAPI; use openapi-rdc.aliyuncs.com (the center edition, with organization-id) or your Region host <org>-<region>.devops.aliyuncs.com (the console address belongs in console-url)`
}

export type RefKind = 'branch' | 'tag'

/**
 * A name given as a full git ref: `refs/heads/x` for a branch (`refs/tags/v1` for a tag) is the
 * name `x` (`v1`), and `notes` gets one line saying so; any other `refs/...` is refused with a hint.
 * Pull request refs (`refs/pull/...`) are left to pullRequestRefProblem.
 */
export function plainRefName(
  input: InputName,
  value: string,
  kind: RefKind,
  notes: Set<string>
): string {
  if (!value.startsWith('refs/') || value.startsWith('refs/pull/')) return value
  const own = kind === 'branch' ? 'refs/heads/' : 'refs/tags/'
  if (value.startsWith(own) && value.length > own.length) {
    const name = value.slice(own.length)
    notes.add(
      `Input "${input}": ${quote(value)} is a full git ref; it is sent as the ${kind} name ${quote(name)} (Yunxiao takes names, e.g. \${{ github.${kind === 'branch' ? 'head_ref || github.ref_name' : 'ref_name'} }}).`
    )
    return name
  }
  const other = kind === 'branch' ? 'refs/tags/' : 'refs/heads/'
  const hint = value.startsWith(other)
    ? `it is a ${kind === 'branch' ? 'tag' : 'branch'}: give its name in ${kind === 'branch' ? 'tag (or running-tags)' : 'branch (or running-branches)'}`
    : `give the ${kind} name alone, e.g. ${kind === 'branch' ? 'main' : 'v1.0.0'} (or ${own}<name>)`
  throw new InputError(
    input,
    `Input "${input}": expected a ${kind} name; ${quote(value)} is a git ref that is not a ${kind}: ${hint}.`
  )
}

/**
 * Why `ref` is a pull request's ref rather than a branch, or undefined. On a pull_request event
 * `github.ref_name` is `<number>/merge`, which no Yunxiao repository has.
 */
export function pullRequestRefProblem(ref: string): string | undefined {
  const short = /^(\d+)\/(merge|head)$/.exec(ref)
  if (!short && !ref.startsWith('refs/pull/')) return undefined
  return `is a pull request's ref (what \${{ github.ref_name }} gives on a pull_request event), not a branch of your repository; use \${{ github.head_ref }} for the pull request's branch`
}

/** The branch names in a raw params object, with where each is (e.g. `runningBranchs."url"`). */
function paramsBranches(raw: Record<string, unknown>): Array<[string, unknown]> {
  const found: Array<[string, unknown]> = []
  const list = raw.branchModeBranchs
  if (Array.isArray(list)) list.forEach((b, i) => found.push([`branchModeBranchs[${i}]`, b]))
  for (const key of ['runningBranchs', 'runningTags']) {
    const map = raw[key]
    if (map !== null && typeof map === 'object' && !Array.isArray(map))
      for (const [repo, ref] of Object.entries(map)) found.push([`${key}.${quote(repo)}`, ref])
  }
  if (Object.hasOwn(raw, 'releaseBranch')) found.push(['releaseBranch', raw.releaseBranch])
  return found
}

/** A pull request's ref inside the `params` input (runningBranchs, branchModeBranchs, ...). */
export function paramsRefProblem(raw: Record<string, unknown> | undefined): InputError | undefined {
  for (const [where, ref] of paramsBranches(raw ?? {})) {
    const problem = typeof ref === 'string' ? pullRequestRefProblem(ref.trim()) : undefined
    if (problem)
      return new InputError(
        'params',
        `Input "params": ${where} is ${quote(ref as string)}, which ${problem}.`
      )
  }
  return undefined
}

/** `timeout: 10` is ten seconds: surely meant as minutes when under a minute. */
export function bareSecondsWarning(name: InputName, value: string, ms: number): string | undefined {
  if (!/^\d+$/.test(value.trim()) || ms >= 60_000) return undefined
  return `Input "${name}": ${quote(value)} is ${ms / 1000} second(s): a bare number means seconds. For minutes write ${Number(value.trim()) || 10}m (or 1h30m, 90s).`
}
