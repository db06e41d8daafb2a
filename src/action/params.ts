// Settings -> the CreatePipelineRun `params` object, and its JSON string.
//
// The object is the one the official Yunxiao client builds for the same values: npm package
// `alibabacloud-devops-mcp-server` (github.com/aliyun/alibabacloud-devops-mcp-server),
// operations/flow/pipeline.ts, createPipelineRunFunc. Its rules, followed here:
// - a key is set only when its value is non-empty (empty arrays and mappings are left out);
// - keys are set in this order: branchModeBranchs, needCreateBranch, releaseBranch, envs,
//   runningPipelineArtifacts, runningAcrArtifacts, runningPackagesArtifacts, runningBranchs, runningTags,
//   then (fallback below) branchModeBranchs, then comment; JSON.stringify keeps that order;
// - `branch` / `tag` for "the pipeline": GetPipeline, then that branch (tag) for every
//   pipelineConfig.sources[].data.repo, in the sources' order, in runningBranchs (runningTags);
// - when neither runningBranchs nor runningTags came out and a branch was given and branchModeBranchs is
//   not set yet, branchModeBranchs: [branch] (a pipeline with no code source).
// Where this action differs, on purpose (see buildParams): a failed GetPipeline is an error (the client
// swallows it); `running-branches`/`running-tags` entries override the branch/tag per repository (the
// client ignores `branch` once repositories are given); where the client would drop an input without a
// word, this action refuses it before anything is started: `branch` together with `branches` (not
// holding it) on a pipeline with no code source, and a tag with no code source to apply it to; the raw `params` input is merged in (the client sends
// a raw params string as it is, ignoring everything else).
import { isJsonObject, setOwn } from '../common/json.js'
import { InputError, type Settings } from './settings.js'

/** Where each key goes, as in the official client. */
const RANK = new Map<string, number>([
  ['branchModeBranchs', 0],
  ['needCreateBranch', 1],
  ['releaseBranch', 2],
  ['envs', 3],
  ['runningPipelineArtifacts', 4],
  ['runningAcrArtifacts', 5],
  ['runningPackagesArtifacts', 6],
  ['runningBranchs', 7],
  ['runningTags', 8],
  ['comment', 10]
])
/** branchModeBranchs set by the no-code-source fallback comes after runningTags, before comment. */
const FALLBACK_BRANCH_RANK = 9
/** Keys the official client never sets (only the raw params has them) follow, in their own order. */
const OTHER_RANK = 11

/** True when the pipeline's code sources (GetPipeline) are needed to build the params. */
export function needsPipelineSources(settings: Settings): boolean {
  return Boolean(settings.branch || settings.tag)
}

function isNonEmpty(
  mapping: Record<string, string> | undefined
): mapping is Record<string, string> {
  return mapping !== undefined && Object.keys(mapping).length > 0
}

/** `ref` for every repository, then the explicit entries, which win for their repositories. */
function perRepository(
  repos: readonly string[],
  ref: string | undefined,
  explicit: Record<string, string> | undefined
): Record<string, string> | undefined {
  const result: Record<string, string> = {}
  if (ref) for (const repo of repos) setOwn(result, repo, ref)
  for (const [repo, value] of Object.entries(explicit ?? {})) if (value) setOwn(result, repo, value)
  return Object.keys(result).length > 0 ? result : undefined
}

/**
 * The params object for these settings. `contextEnvs`: the context-envs variables, under `envs`.
 * `pipelineRepos`: the repositories of the pipeline's code sources
 * (GetPipeline), needed when `branch` or `tag` is set (see needsPipelineSources).
 * Structured inputs override the raw `params` input key by key at the top level; a defaulted comment
 * yields to a comment in the raw params. Throws InputError for what the official client would silently drop (see above).
 */
export function buildParams(
  settings: Settings,
  pipelineRepos?: readonly string[],
  contextEnvs?: Record<string, string>
): Record<string, unknown> {
  const entries = new Map<string, { value: unknown; rank: number }>()
  const put = (key: string, value: unknown, rank = RANK.get(key) ?? OTHER_RANK) =>
    entries.set(key, { value, rank })

  if (needsPipelineSources(settings) && pipelineRepos === undefined) {
    throw new Error(
      'buildParams: `branch` and `tag` need the pipeline code sources (pipelineRepos).'
    )
  }
  const repos = pipelineRepos ?? []

  if (settings.branches.length > 0) put('branchModeBranchs', [...settings.branches])
  if (isNonEmpty(contextEnvs)) {
    // context-envs: the GitHub variables first; the `envs` input (or, without it, the raw params'
    // envs) wins for any name it also has.
    const rawEnvs = settings.rawParams?.envs
    const given = isNonEmpty(settings.envs) ? settings.envs : isJsonObject(rawEnvs) ? rawEnvs : {}
    const envs: Record<string, unknown> = {}
    for (const [name, value] of Object.entries(contextEnvs)) setOwn(envs, name, value)
    for (const [name, value] of Object.entries(given)) setOwn(envs, name, value)
    put('envs', envs)
  } else if (isNonEmpty(settings.envs)) put('envs', settings.envs)
  if (isNonEmpty(settings.pipelineArtifacts))
    put('runningPipelineArtifacts', settings.pipelineArtifacts)
  if (isNonEmpty(settings.acrArtifacts)) put('runningAcrArtifacts', settings.acrArtifacts)
  if (isNonEmpty(settings.packageArtifacts))
    put('runningPackagesArtifacts', settings.packageArtifacts)

  if (settings.tag && repos.length === 0) {
    throw new InputError(
      'tag',
      `Input "tag": pipeline ${settings.pipelineId} has no code source to run at tag ${JSON.stringify(settings.tag)} (tags have no branch-mode fallback); remove \`tag\` or give the tags per repository in \`running-tags\`.`
    )
  }
  const runningBranchs = perRepository(repos, settings.branch, settings.runningBranches)
  const runningTags = perRepository(repos, settings.tag, settings.runningTags)
  if (runningBranchs) put('runningBranchs', runningBranchs)
  if (runningTags) put('runningTags', runningTags)

  if (settings.branch && !runningBranchs && !runningTags) {
    // No code source: the official client's fallback, branchModeBranchs: [branch]. With `branches`
    // set too the official client drops the branch without a word; refuse rather than send a run
    // without it (nothing has been started: GetPipeline only reads).
    if (settings.branches.length === 0)
      put('branchModeBranchs', [settings.branch], FALLBACK_BRANCH_RANK)
    else if (!settings.branches.includes(settings.branch)) {
      throw new InputError(
        'branch',
        `Input "branch": pipeline ${settings.pipelineId} has no code source, so ${JSON.stringify(settings.branch)} would be a branch-mode branch, and \`branches\` is set too; add the branch to \`branches\` and leave \`branch\` empty.`
      )
    }
  }

  const raw = settings.rawParams ?? {}
  const rawHas = (key: string) => Object.hasOwn(raw, key)
  if (settings.comment && !(settings.commentIsDefault && rawHas('comment')))
    put('comment', settings.comment)

  let order = 0
  const all = [...entries].map(([key, { value, rank }]) => ({ key, value, rank, order: order++ }))
  for (const [key, value] of Object.entries(raw)) {
    if (!entries.has(key))
      all.push({ key, value, rank: RANK.get(key) ?? OTHER_RANK, order: order++ })
  }
  all.sort((a, b) => a.rank - b.rank || a.order - b.order)

  const params: Record<string, unknown> = {}
  for (const { key, value } of all) setOwn(params, key, value)
  return params
}

/** The `params` string to send; undefined when there is nothing to send (the body is then `{}`). */
export function serializeParams(params: Record<string, unknown>): string | undefined {
  return Object.keys(params).length > 0 ? JSON.stringify(params) : undefined
}
