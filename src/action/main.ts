// The main step: inputs -> settings -> params -> CreatePipelineRun -> outputs, notice, summary.
// Waiting for the run lives in follow.ts, loaded only when `wait` is set.
import * as log from './log.js'
import { addSecret } from './log.js'
import { watchCancellation, type Cancellation } from '../follow/cancel.js'
import { createClient } from './client.js'
import type { FlowClient } from '../flow/client.js'
import { isCancelled, mayHaveStarted } from '../flow/errors.js'
import { messageOf } from '../common/logger.js'
import { readInput, secretInputs } from './inputs.js'
import { pipelineUrl, runUrl } from './links.js'
import { buildParams, needsPipelineSources, serializeParams } from './params.js'
import { getSettings, type FollowTarget, type Settings } from './settings.js'
import type { Logger } from '../common/logger.js'
import type { Phase, RunRecord } from './run-record.js'
import { RunSettler, cancelOutcome } from './settle.js'
import { saveRecord } from './state.js'
import { writeSummary } from './step-summary.js'
import { triggerSummary } from './summary.js'
import {
  aimGithub,
  describeGithub,
  githubRunEnded,
  githubRunStarted,
  githubSecrets,
  openGithub,
  pullRequestDefaultBranchWarning
} from './github.js'

/** What the post step needs to know of the run (run-record.ts). */
function recordOf(settings: Settings, runId: number, phase: Phase, stop: boolean): RunRecord {
  return {
    phase,
    pipelineId: settings.pipelineId,
    runId,
    baseUrl: settings.baseUrl,
    ...(settings.organizationId !== undefined ? { organizationId: settings.organizationId } : {}),
    consoleUrl: settings.consoleUrl,
    stop
  }
}

/** Repositories of the pipeline's code sources, for `branch` / `tag`. */
async function pipelineRepos(client: FlowClient, settings: Settings): Promise<string[]> {
  const pipeline = await client.getPipeline(settings.pipelineId)
  const repos: string[] = []
  for (const source of pipeline.pipelineConfig?.sources ?? []) {
    const repo = source.data?.repo
    if (typeof repo === 'string' && repo && !repos.includes(repo)) repos.push(repo)
  }
  return repos
}

export async function run(): Promise<void> {
  // Mask the tokens before anything can print them.
  for (const secret of secretInputs()) addSecret(secret)
  const cancellation = watchCancellation(line => log.info(line))
  try {
    await trigger(cancellation)
  } catch (error) {
    // Every message names what went wrong; InputError messages name the input.
    log.setFailed(error instanceof Error ? error.message : String(error))
  } finally {
    cancellation.dispose()
  }
}

const mainLogger: Logger = {
  info: line => log.info(line),
  warning: line => log.warning(line),
  startGroup: name => log.startGroup(name),
  endGroup: () => log.endGroup()
}

async function trigger(cancellation: Cancellation): Promise<void> {
  let settings = await getSettings(readInput)
  const client = createClient(settings)
  for (const secret of githubSecrets(settings)) addSecret(secret)
  for (const line of settings.warnings ?? []) log.warning(line)
  // With a commit status or deployment, aimGithub's one warning says this and more.
  const prWarning = pullRequestDefaultBranchWarning(settings)
  if (prWarning && !settings.github?.statusContext && !settings.github?.deploymentEnvironment)
    log.warning(prWarning)
  // Loads the GitHub side only when commit-status, deployment-environment or context-envs is set.
  let github = settings.github ? await openGithub(settings) : undefined

  if (settings.pipelineName !== undefined || settings.follow) {
    // pipeline-name and run-id: run control, loaded only for them.
    const control = await import('./run-control.js')
    if (settings.pipelineName !== undefined) {
      const pipelineId = await control.lookUpPipeline(
        client,
        settings.pipelineName,
        mainLogger,
        cancellation.signal
      )
      settings = { ...settings, pipelineId }
    }
    log.setOutput('pipeline-id', String(settings.pipelineId))
    if (settings.follow) {
      const target = { ...settings, follow: settings.follow }
      await followExisting(control, target, client, github, cancellation)
      return
    }
  } else log.setOutput('pipeline-id', String(settings.pipelineId))

  let repos: string[] | undefined
  if (needsPipelineSources(settings)) {
    try {
      repos = await pipelineRepos(client, settings)
    } catch (error) {
      throw new Error(
        `Reading the pipeline's code sources for "${settings.branch ? 'branch' : 'tag'}" failed, so no run was started. ${messageOf(error)}`,
        { cause: error }
      )
    }
    log.info(
      repos.length
        ? `Pipeline ${settings.pipelineId} has ${repos.length} code source(s): ${repos.join(', ')}`
        : `Pipeline ${settings.pipelineId} has no code source: "branch" is sent as a branch-mode branch.`
    )
  }
  const params = buildParams(settings, repos, github?.contextEnvs)
  const paramsString = serializeParams(params)
  // The status and the deployment go only on a commit whose branch the run builds.
  if (github) github = await aimGithub(github, params)
  // The token has no business in params, but a user may pass it in envs: never let it out.
  // (log.ts also shows credentials of repository URLs as ***.)
  log.setOutput('params', paramsString ?? '')

  if (settings.dryRun) {
    const request = client.describeRequest(settings.pipelineId, paramsString)
    log.info('Dry run: this request would be sent (nothing is started):')
    log.info(`${request.method} ${request.url}`)
    for (const [name, value] of Object.entries(request.headers)) log.info(`${name}: ${value}`)
    log.info('')
    log.info(request.body)
    if (github) for (const line of describeGithub(github, settings)) log.info(line)
    writeSummary(triggerSummary({ settings, params }))
    return
  }

  if (cancellation.signal.aborted)
    throw new Error('The job was cancelled before the run was started; nothing was sent.')

  let runId: number
  const startedAt = Date.now()
  const runsLink = pipelineUrl(settings.consoleUrl, settings.pipelineId)
  // The runner kills the step some seconds after cancelling it: should the create request still
  // be waiting for its answer then, say so before the process ends (the request cannot say it).
  cancellation.setLastWords(() =>
    log.error(
      `The GitHub job was cancelled while the run was being started, and Yunxiao had not answered yet; the step ends now. A run may have started: check ${runsLink}`,
      { title: 'Yunxiao Flow run may have started' }
    )
  )
  try {
    // The signal stops retries, never a request in flight: its answer carries the run id.
    runId = await client.createRun(settings.pipelineId, paramsString, {
      signal: cancellation.signal
    })
  } catch (error) {
    cancellation.setLastWords(undefined)
    if (isCancelled(error))
      throw new Error(`The GitHub job was cancelled. ${messageOf(error)}`, { cause: error })
    if (mayHaveStarted(error)) {
      throw new Error(
        `${messageOf(error)} The run may have started: check ${runsLink} before running this again (the action does not retry here, so as never to start a run twice).`,
        { cause: error }
      )
    }
    throw error
  }

  // The run exists. Its id and link go to the log first (nothing can fail there), then to the
  // state for the post step, then to the outputs and the summary.
  const url = runUrl(settings.consoleUrl, settings.pipelineId, runId)
  log.notice(`Yunxiao Flow run #${runId} of pipeline ${settings.pipelineId} started: ${url}`, {
    title: 'Yunxiao Flow run started'
  })
  const cancelled = cancellation.signal.aborted
  const record = recordOf(
    settings,
    runId,
    cancelled ? 'started' : settings.wait ? 'following' : 'finished',
    settings.stopOnCancel
  )
  const settler = new RunSettler({ client, record, save: r => saveRecord(r, url) })
  saveRecord(record, url)
  cancellation.setLastWords(() =>
    log.error(
      `The step was ended by the runner before it was done with Yunxiao run #${runId}${settler.record.phase === 'finished' ? '' : ' (the post step stops it)'}: ${url}`
    )
  )
  log.setOutput('run-id', String(runId))
  log.setOutput('run-url', url)
  writeSummary(triggerSummary({ settings, params, runId, runUrl: url }))
  const run = { pipelineId: settings.pipelineId, runId, runUrl: url }

  if (cancelled) {
    // Cancelled while the create request was in flight: the run exists, the job does not want it.
    const why = `the GitHub job was cancelled (${cancellation.received() ?? 'signal'}) while it was being started`
    const settled = await settler.settle(settings.stopOnCancel, why, 'stop-on-cancel is false')
    await githubRunEnded(github, settings, run, cancelOutcome(settled))
    throw new Error(
      settled.outcome === 'left'
        ? `Yunxiao run #${runId} was started as ${why}; it goes on (stop-on-cancel is false): ${url}`
        : settled.message
    )
  }

  // A cancel gives these calls up: stopping the Yunxiao run comes first.
  if (github) await githubRunStarted(github, settings, run, cancellation.signal)
  if (!settings.wait) return
  const { follow } = await import('./follow.js')
  await follow({
    settings,
    client,
    runId,
    runUrl: url,
    startedAt,
    cancellation,
    settler,
    startedByStep: true,
    onEnd: outcome => githubRunEnded(github, settings, run, outcome)
  })
}

/** run-id: follows a run that exists (the latest one for `latest`); nothing is started. */
async function followExisting(
  control: typeof import('./run-control.js'),
  settings: Settings & { follow: FollowTarget },
  client: FlowClient,
  opened: Awaited<ReturnType<typeof openGithub>> | undefined,
  cancellation: Cancellation
): Promise<void> {
  const { runId, latest } = await control.findRunToFollow(
    client,
    settings.pipelineId,
    settings.follow,
    mainLogger,
    cancellation.signal
  )
  const url = runUrl(settings.consoleUrl, settings.pipelineId, runId)
  log.notice(`Following Yunxiao Flow run #${runId} of pipeline ${settings.pipelineId}: ${url}`, {
    title: 'Yunxiao Flow run followed'
  })
  // The post step stops a run main leaves unfinished when stop-on-cancel says so, never one that
  // run-id: latest found (this step did not start it).
  const record = recordOf(settings, runId, 'following', settings.stopOnCancel && !latest)
  const settler = new RunSettler({ client, record, save: r => saveRecord(r, url) })
  saveRecord(record, url)
  cancellation.setLastWords(() =>
    log.error(
      `The step was ended by the runner before it was done with Yunxiao run #${runId}${settler.record.phase !== 'finished' && settler.record.stop ? ' (the post step stops it)' : ''}: ${url}`
    )
  )
  log.setOutput('run-id', String(runId))
  log.setOutput('run-url', url)
  const run = { pipelineId: settings.pipelineId, runId, runUrl: url }
  // Not started here: what the run builds is not known (a push keeps GITHUB_SHA).
  const github = opened && (await aimGithub(opened, undefined))
  if (github) await githubRunStarted(github, settings, run, cancellation.signal)
  const { follow } = await import('./follow.js')
  await follow({
    settings,
    client,
    runId,
    runUrl: url,
    startedAt: Date.now(),
    cancellation,
    settler,
    mayStop: !latest,
    startedByStep: false,
    onEnd: outcome => githubRunEnded(github, settings, run, outcome)
  })
}
