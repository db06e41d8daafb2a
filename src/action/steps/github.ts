// The GitHub side of a run: commit status, deployment record and context-envs (README "Commit
// status", "Deployments", "The GitHub context in Yunxiao"). The code that does the work lives in
// src/github/, imported lazily, only when one of those inputs is set: a plain trigger never runs it.
import * as log from '../output/log.js'
import type { GithubEvent } from '../../github/event.js'
import type { RunOutcome } from '../../github/outcome.js'
import type { GithubReport, RunFacts } from '../../github/report.js'
import { USER_AGENT } from '../../common/version.js'
import { messageOf } from '../../common/logger.js'
import { GITHUB_CANCEL_DEADLINE_MS, GITHUB_MAIN, GITHUB_POST } from '../../common/timing.js'
import { sendGithubRequest } from './client.js'
import type { Settings } from '../inputs/settings.js'
import type { SavedGithubReport } from './run-record.js'
import { saveGithubReport } from './state.js'

export interface GithubSide {
  event: GithubEvent
  /** The commit status and deployment, once on a commit (main: by aimGithub). */
  report?: GithubReport
  reportOn?: (event: GithubEvent) => GithubReport
  contextEnvs?: Record<string, string>
}

/**
 * On a pull-request event with no ref at all, Yunxiao runs its configured default branch: say so
 * (once; with a commit status or deployment, aimGithub's one warning says this and more).
 */
export function pullRequestDefaultBranchWarning(
  settings: Settings,
  env: NodeJS.ProcessEnv = process.env
): string | undefined {
  const event = env.GITHUB_EVENT_NAME?.trim() ?? ''
  if (!['pull_request', 'pull_request_target'].includes(event)) return undefined
  if (settings.github?.statusContext || settings.github?.deploymentEnvironment) return undefined
  const raw = settings.rawParams ?? {}
  const refGiven =
    settings.branch ||
    settings.tag ||
    settings.branches.length > 0 ||
    Object.keys(settings.runningBranches ?? {}).length > 0 ||
    Object.keys(settings.runningTags ?? {}).length > 0 ||
    ['branchModeBranchs', 'runningBranchs', 'runningTags'].some(key => Object.hasOwn(raw, key))
  if (refGiven) return undefined
  return `This is a ${event} event and no branch is given (branch, tag, branches and running-branches are empty): Yunxiao will build the branch configured in the pipeline, not this pull request. To build the pull request's branch, set branch: \${{ github.head_ref }}.`
}

/** Loads the GitHub side when a GitHub input is set; `restore`: the post step's, what main left. */
export async function openGithub(
  settings: Settings,
  env: NodeJS.ProcessEnv = process.env,
  restore?: SavedGithubReport
): Promise<GithubSide | undefined> {
  const github = settings.github
  if (!github) return undefined
  const githubModule = await import('../../github/index.js')
  let event: GithubEvent
  try {
    event = githubModule.readEvent(env)
  } catch (error) {
    log.warning(
      `The GitHub inputs (commit-status, deployment-environment, context-envs) are ignored: ${messageOf(error)}`
    )
    return undefined
  }
  if (restore) event = { ...event, sha: restore.sha }
  const side: GithubSide = { event }
  if (github.contextEnvs && !restore) side.contextEnvs = githubModule.contextEnvs(env, event)
  if (github.statusContext || github.deploymentEnvironment) {
    let api: InstanceType<typeof githubModule.GithubApi>
    try {
      api = new githubModule.GithubApi({
        apiUrl: env.GITHUB_API_URL?.trim() || githubModule.DEFAULT_API_URL,
        token: github.token,
        secrets: log.registeredSecrets(),
        repository: event.repository,
        userAgent: USER_AGENT,
        send: sendGithubRequest,
        onRetry: log.info,
        ...(restore ? GITHUB_POST : GITHUB_MAIN)
      })
    } catch (error) {
      const why = `${messageOf(error)} (GITHUB_API_URL). The Yunxiao run is not affected.`
      log.warning(`No commit status or deployment: ${why}`)
      return side
    }
    const targets = {
      statusContext: !restore || restore.statusPending ? github.statusContext : undefined,
      deploymentEnvironment:
        !restore || restore.deploymentId !== undefined ? github.deploymentEnvironment : undefined,
      deploymentUrl: github.deploymentUrl
    }
    side.reportOn = target =>
      new githubModule.GithubReport(api, target, targets, log.logger, restore, progress =>
        saveGithubReport(target.sha, progress, restore ? true : settings.wait)
      )
    // The post step finishes on the commit main chose; main chooses in aimGithub.
    if (restore) side.report = side.reportOn?.(event)
  } else if (event.problem) log.warning(`This is a ${event.name} event, but ${event.problem}.`)
  return side
}

/**
 * Main step, once the params object is known: picks the commit the status and the deployment go on
 * (github/commit-choice.ts), or, when the run does not build a commit's branch, drops both with
 * one warning. `params`: what is sent to Yunxiao; undefined when the run was not started here.
 */
export async function aimGithub(
  side: GithubSide,
  params: Record<string, unknown> | undefined
): Promise<GithubSide> {
  if (!side.reportOn) return side
  const githubModule = await import('../../github/index.js')
  const choice = githubModule.chooseCommit(side.event, params ?? {}, params === undefined)
  if (choice.sha === undefined) {
    log.warning(choice.warning)
    return { ...side, reportOn: undefined }
  }
  const event = { ...side.event, sha: choice.sha }
  return { ...side, event, report: side.reportOn(event) }
}

/** What a dry run would do on GitHub. */
export function describeGithub(side: GithubSide, settings: Settings): string[] {
  const sha = side.event.sha.slice(0, 7)
  const { statusContext: status, deploymentEnvironment: env } = settings.github ?? {}
  if (!side.report) return []
  return [
    status && `Would post commit status "${status}" on ${sha}: pending, then the run's result.`,
    env && `Would create a GitHub deployment of ${sha} to "${env}".`
  ].filter(line => typeof line === 'string')
}

/** The run exists: pending status and in_progress deployment. Never throws. */
export async function githubRunStarted(
  side: GithubSide,
  settings: Settings,
  run: RunFacts,
  signal?: AbortSignal
): Promise<void> {
  if (!side.report) return
  // Saved before the first call: should the step be killed during it, the post step finishes the
  // status (a verdict without a pending status before it is fine).
  saveGithubReport(side.event.sha, side.report.progress, settings.wait)
  const progress = await side.report.started(run, signal)
  if (progress.deploymentId !== undefined) {
    log.setOutput('deployment-id', String(progress.deploymentId))
    if (!settings.wait)
      log.info(
        `GitHub deployment ${progress.deploymentId} stays in_progress: without wait, nothing here sees the run end. Finish it in a later step (deployment-id output).`
      )
  }
}

/** How the main step tells GitHub the run's verdict. Never throws. */
export const githubRunEnded =
  (side: GithubSide | undefined, run: RunFacts) =>
  async (outcome: RunOutcome): Promise<void> => {
    // After a cancel the runner kills the step within seconds: short calls (the post step finishes).
    const deadline = outcome.kind === 'cancelled' ? { deadlineMs: GITHUB_CANCEL_DEADLINE_MS } : {}
    await side?.report?.finished(run, outcome, deadline)
  }
