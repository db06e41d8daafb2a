// Settings -> the CreatePipelineRun `params` object Yunxiao's own client (npm
// `alibabacloud-devops-mcp-server`, createPipelineRunFunc) builds for the same values, keys in ORDER.
// Unlike it: a failed GetPipeline is an error, what it would drop without a word is refused, and the
// raw `params` input is merged in, key by key.
import { isJsonObject, setOwn } from '../../common/json.js'
import { InputError, type Settings } from './settings.js'

/** The client's key order; the no-code-source branchModeBranchs comes after runningTags. */
const ORDER = [
  'branchModeBranchs',
  'needCreateBranch',
  'releaseBranch',
  'envs',
  'runningPipelineArtifacts',
  'runningAcrArtifacts',
  'runningPackagesArtifacts',
  'runningBranchs',
  'runningTags',
  'fallback branchModeBranchs',
  'comment'
]
/** Keys the client never sets (only the raw params has them) follow, in their own order. */
const rankOf = (key: string) => (ORDER.includes(key) ? ORDER.indexOf(key) : ORDER.length)

/** True when the pipeline's code sources (GetPipeline) are needed to build the params. */
export function needsPipelineSources(settings: Settings): boolean {
  return Boolean(settings.branch || settings.tag)
}

const isNonEmpty = (mapping: object | undefined): mapping is object =>
  mapping !== undefined && Object.keys(mapping).length > 0

/** `ref` for every repository, then the explicit entries, which win for their repositories. */
function perRepository(
  repos: readonly string[],
  ref: string | undefined,
  explicit: Record<string, string> | undefined
): Record<string, string> {
  const result: Record<string, string> = {}
  if (ref) for (const repo of repos) setOwn(result, repo, ref)
  for (const [repo, value] of Object.entries(explicit ?? {})) if (value) setOwn(result, repo, value)
  return result
}

/**
 * The params object. `repos`: the pipeline's code sources' repositories (GetPipeline), needed
 * for `branch` or `tag`; `contextEnvs`: the context-envs variables, under `envs`.
 */
export function buildParams(
  settings: Settings,
  repos: readonly string[] = [],
  contextEnvs?: Record<string, string>
): Record<string, unknown> {
  const given = new Map<string, unknown>()
  const putMapping = (key: string, value: object | undefined) => {
    if (isNonEmpty(value)) given.set(key, value)
  }
  let fallback = false

  if (settings.branches.length > 0) given.set('branchModeBranchs', [...settings.branches])
  if (isNonEmpty(contextEnvs)) {
    // context-envs: the GitHub variables first; the `envs` input (or, without it, the raw params'
    // envs) wins for any name it also has.
    const rawEnvs = settings.rawParams?.envs
    const own = isNonEmpty(settings.envs) ? settings.envs : isJsonObject(rawEnvs) ? rawEnvs : {}
    const envs: Record<string, unknown> = {}
    for (const [name, value] of Object.entries(contextEnvs)) setOwn(envs, name, value)
    for (const [name, value] of Object.entries(own)) setOwn(envs, name, value)
    given.set('envs', envs)
  } else putMapping('envs', settings.envs)
  putMapping('runningPipelineArtifacts', settings.pipelineArtifacts)
  putMapping('runningAcrArtifacts', settings.acrArtifacts)
  putMapping('runningPackagesArtifacts', settings.packageArtifacts)

  if (settings.tag && repos.length === 0) {
    throw new InputError(
      'tag',
      `Input "tag": pipeline ${settings.pipelineId} has no code source to run at tag ${JSON.stringify(settings.tag)} (tags have no branch-mode fallback); remove \`tag\` or give the tags per repository in \`running-tags\`.`
    )
  }
  const runningBranchs = perRepository(repos, settings.branch, settings.runningBranches)
  const runningTags = perRepository(repos, settings.tag, settings.runningTags)
  putMapping('runningBranchs', runningBranchs)
  putMapping('runningTags', runningTags)

  if (settings.branch && !isNonEmpty(runningBranchs) && !isNonEmpty(runningTags)) {
    // No code source: the official client's fallback, branchModeBranchs: [branch]. With `branches`
    // set too the official client drops the branch without a word; refuse rather than send a run
    // without it (nothing has been started: GetPipeline only reads).
    if (settings.branches.length === 0) {
      given.set('branchModeBranchs', [settings.branch])
      fallback = true
    } else if (!settings.branches.includes(settings.branch)) {
      throw new InputError(
        'branch',
        `Input "branch": pipeline ${settings.pipelineId} has no code source, so ${JSON.stringify(settings.branch)} would be a branch-mode branch, and \`branches\` is set too; add the branch to \`branches\` and leave \`branch\` empty.`
      )
    }
  }

  const raw = settings.rawParams ?? {}
  if (settings.comment) given.set('comment', settings.comment)

  const rank = (key: string) =>
    fallback && key === 'branchModeBranchs' ? rankOf('fallback branchModeBranchs') : rankOf(key)
  // Structured keys first (they win), then the raw params' others; a stable sort keeps that order.
  const keys = [...new Set([...given.keys(), ...Object.keys(raw)])].sort(
    (a, b) => rank(a) - rank(b)
  )
  const params: Record<string, unknown> = {}
  for (const key of keys) setOwn(params, key, given.has(key) ? given.get(key) : raw[key])
  return params
}

/** The `params` string to send; undefined when there is nothing to send (the body is then `{}`). */
export function serializeParams(params: Record<string, unknown>): string | undefined {
  return Object.keys(params).length > 0 ? JSON.stringify(params) : undefined
}
