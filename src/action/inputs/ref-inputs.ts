// Branch and tag names: what git allows in a name, a full git ref given for a name, and a pull
// request's ref, which no Yunxiao repository has.
import { InputError, quote, SPACE_OR_CONTROL } from './inputs.js'

export type RefKind = 'branch' | 'tag'

/** Why `ref` is a pull request's ref (`github.ref_name` on a pull_request event), or undefined. */
function pullRequestRefProblem(ref: string): string | undefined {
  if (!/^\d+\/(?:merge|head)$/.test(ref) && !ref.startsWith('refs/pull/')) return undefined
  return `is a pull request's ref (what \${{ github.ref_name }} gives on a pull_request event), not a branch of your repository; use \${{ github.head_ref }} for the pull request's branch`
}

/** Why `ref` cannot be a branch or tag name (`git check-ref-format`, and no leading '-'), or undefined. */
function refNameProblem(ref: string): string | undefined {
  if (SPACE_OR_CONTROL.test(ref)) return 'has a space, line break or control character in it'
  const bad = ref.match(/[~^:?*[\\]/)
  if (bad) return `has ${quote(bad[0])} in it, which git does not allow in a name`
  if (ref.includes('..')) return 'has ".." in it, which git does not allow'
  if (ref.includes('@{') || ref === '@') return 'has "@{" in it or is "@", which git does not allow'
  if (ref.startsWith('-')) return 'starts with "-"'
  if (/^["'].*["']$/.test(ref)) return 'is wrapped in quotes (give names without quotes)'
  if (ref === 'HEAD') return 'is "HEAD", not a branch or tag name'
  if (ref.startsWith('/') || ref.endsWith('/') || ref.includes('//'))
    return 'has an empty part between slashes'
  if (ref.endsWith('.')) return 'ends with "."'
  if (ref.split('/').some(part => part.startsWith('.') || part.endsWith('.lock')))
    return 'has a part that starts with "." or ends with ".lock"'
  return undefined
}

/**
 * `value` as a `kind` name: a full git ref for a name (`refs/heads/x` for a branch, `refs/tags/v1`
 * for a tag) is the name, said in `notes`; any other `refs/...` but a pull request's is refused with
 * a hint, and so is a name git or Yunxiao refuses: `lead`, the name, and why.
 */
export function refName(
  input: string,
  value: string,
  kind: RefKind,
  notes: Set<string>,
  lead: string
): string {
  const own = kind === 'branch' ? 'refs/heads/' : 'refs/tags/'
  let name = value
  if (value.startsWith(own) && value.length > own.length) {
    name = value.slice(own.length)
    notes.add(
      `Input "${input}": ${quote(value)} is a full git ref; it is sent as the ${kind} name ${quote(name)} (Yunxiao takes names, e.g. \${{ github.${kind === 'branch' ? 'head_ref || github.ref_name' : 'ref_name'} }}).`
    )
  } else if (value.startsWith('refs/') && !value.startsWith('refs/pull/')) {
    const other = kind === 'branch' ? 'refs/tags/' : 'refs/heads/'
    const hint = value.startsWith(other)
      ? `it is a ${kind === 'branch' ? 'tag' : 'branch'}: give its name in ${kind === 'branch' ? 'tag (or running-tags)' : 'branch (or running-branches)'}`
      : `give the ${kind} name alone, e.g. ${kind === 'branch' ? 'main' : 'v1.0.0'} (or ${own}<name>)`
    throw new InputError(
      input,
      `Input "${input}": expected a ${kind} name; ${quote(value)} is a git ref that is not a ${kind}: ${hint}.`
    )
  }
  const problem =
    (kind === 'branch' ? pullRequestRefProblem(name) : undefined) ?? refNameProblem(name)
  if (problem) throw new InputError(input, `Input "${input}": ${lead} ${quote(name)} ${problem}.`)
  return name
}

export function parseBranchList(value: string, notes: Set<string>): string[] {
  const lead = 'expected branch names, one per line or comma-separated;'
  return value
    .split(/[\n,]/)
    .map(name => name.trim())
    .filter(name => name !== '')
    .map(name => refName('branches', name, 'branch', notes, lead))
}

export function parseRefName(kind: RefKind, given: string, notes: Set<string>): string | undefined {
  if (!given) return undefined
  if (given.includes(',')) {
    throw new InputError(
      kind,
      `Input "${kind}": expected one ${kind} name${kind === 'branch' ? ' (use `branches` for several)' : ''}; got ${quote(given)}, which has a comma in it.`
    )
  }
  return refName(kind, given, kind, notes, `expected one ${kind} name;`)
}

/** Refuses a pull request's ref in params' branchModeBranchs, runningBranchs, runningTags, releaseBranch. */
export function checkParamsRefs(raw: Record<string, unknown>): void {
  const found: Array<[string, unknown]> = []
  const list = raw.branchModeBranchs
  if (Array.isArray(list)) list.forEach((b, i) => found.push([`branchModeBranchs[${i}]`, b]))
  for (const key of ['runningBranchs', 'runningTags']) {
    const map = raw[key]
    if (map !== null && typeof map === 'object' && !Array.isArray(map))
      for (const [repo, ref] of Object.entries(map)) found.push([`${key}.${quote(repo)}`, ref])
  }
  if (Object.hasOwn(raw, 'releaseBranch')) found.push(['releaseBranch', raw.releaseBranch])
  for (const [where, ref] of found) {
    const problem = typeof ref === 'string' ? pullRequestRefProblem(ref.trim()) : undefined
    if (problem)
      throw new InputError(
        'params',
        `Input "params": ${where} is ${quote(ref as string)}, which ${problem}.`
      )
  }
}
