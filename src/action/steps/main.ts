// The main step: inputs -> settings -> params -> CreatePipelineRun (or, with run-id, a run that
// exists) -> outputs, notice, summary; with `wait`, follow.ts follows the run to its end.
import * as log from '../output/log.js'
import { watchCancellation, type Cancellation } from '../../follow/cancel.js'
import { clientOptions } from './client.js'
import { FlowClient } from '../../flow/client.js'
import { FlowApiError } from '../../flow/errors.js'
import { messageOf } from '../../common/logger.js'
import { readInput, secretInputs } from '../inputs/inputs.js'
import { buildParams, needsPipelineSources, serializeParams } from '../inputs/params.js'
import { getSettings, type Settings } from '../inputs/settings.js'
import { pipelineUrl, runUrl } from './run-record.js'
import { RunSettler } from './settle.js'
import { saveRecord } from './state.js'
import { triggerSummary } from '../output/summary.js'
import {
  aimGithub,
  describeGithub,
  githubRunEnded,
  githubRunStarted,
  openGithub,
  pullRequestDefaultBranchWarning
} from './github.js'
import type { Step, Taken } from './follow.js'

export async function run(): Promise<void> {
  // Mask the tokens before anything can print them.
  for (const secret of secretInputs()) log.addSecret(secret)
  const cancellation = watchCancellation(line => log.info(line))
  try {
    await main(cancellation)
  } catch (error) {
    // Every message names what went wrong; InputError messages name the input.
    log.setFailed(error instanceof Error ? error.message : String(error))
  } finally {
    cancellation.dispose()
  }
}

async function main(cancellation: Cancellation): Promise<void> {
  let settings = await getSettings(readInput)
  const client = new FlowClient(clientOptions(settings))
  for (const line of settings.warnings ?? []) log.warning(line)
  const prWarning = pullRequestDefaultBranchWarning(settings)
  if (prWarning) log.warning(prWarning)
  let github = await openGithub(settings)
  const { signal } = cancellation
  const control = () => import('./run-control.js')
  if (settings.pipelineName !== undefined) {
    const { lookUpPipeline } = await control()
    const pipelineId = await lookUpPipeline(client, settings.pipelineName, log.logger, signal)
    settings = { ...settings, pipelineId }
  }
  log.setOutput('pipeline-id', String(settings.pipelineId))
  let taken: Taken | undefined
  let params: Record<string, unknown> | undefined
  if (settings.follow) {
    const { findRunToFollow } = await control()
    const { pipelineId, follow } = settings
    const found = await findRunToFollow(client, pipelineId, follow, log.logger, signal)
    taken = { runId: found.runId, startedAt: Date.now(), latest: found.latest }
  } else params = buildParams(settings, await pipelineRepos(client, settings), github?.contextEnvs)
  // The status and the deployment go only on a commit whose branch the run builds (params);
  // of a followed run that is not known (a push keeps GITHUB_SHA).
  if (github) github = await aimGithub(github, params)
  const step = { settings, client, github, cancellation }
  if (params) taken = await start(step, params)
  if (taken) await goOn(step, taken)
}

/** Repositories of the pipeline's code sources, for `branch` / `tag`; undefined when not needed. */
async function pipelineRepos(
  client: FlowClient,
  settings: Settings
): Promise<string[] | undefined> {
  if (!needsPipelineSources(settings)) return undefined
  const pipeline = await client.getPipeline(settings.pipelineId).catch((error: unknown) => {
    throw new Error(
      `Reading the pipeline's code sources for "${settings.branch ? 'branch' : 'tag'}" failed, so no run was started. ${messageOf(error)}`,
      { cause: error }
    )
  })
  const sources = pipeline.pipelineConfig?.sources ?? []
  const repos = [...new Set(sources.map(source => source.data?.repo))].filter(
    (repo): repo is string => typeof repo === 'string' && repo !== ''
  )
  log.info(
    repos.length
      ? `Pipeline ${settings.pipelineId} has ${repos.length} code source(s): ${repos.join(', ')}`
      : `Pipeline ${settings.pipelineId} has no code source: "branch" is sent as a branch-mode branch.`
  )
  return repos
}

/** Starts the run (nothing with dry-run): CreatePipelineRun, sent once. */
async function start(step: Step, params: Record<string, unknown>): Promise<Taken | undefined> {
  const { settings, client, cancellation } = step
  const paramsString = serializeParams(params)
  // log.ts removes a token a user put in envs (and credentials of repository URLs).
  log.setOutput('params', paramsString ?? '')
  if (settings.dryRun) {
    const request = client.describeRequest(settings.pipelineId, paramsString)
    log.info('Dry run: this request would be sent (nothing is started):')
    log.info(`${request.method} ${request.url}`)
    for (const [name, value] of Object.entries(request.headers)) log.info(`${name}: ${value}`)
    log.info('')
    log.info(request.body)
    if (step.github) for (const line of describeGithub(step.github, settings)) log.info(line)
    log.writeSummary(triggerSummary(settings, params))
    return undefined
  }
  const startedAt = Date.now()
  const runsLink = pipelineUrl(settings.consoleUrl, settings.pipelineId)
  // Said should the runner kill the step while the create request waits for its answer.
  cancellation.setLastWords(() =>
    log.error(
      `The GitHub job was cancelled while the run was being started, and Yunxiao had not answered yet; the step ends now. A run may have started: check ${runsLink}`,
      { title: 'Yunxiao Flow run may have started' }
    )
  )
  try {
    // The signal stops retries, never a request in flight: its answer carries the run id.
    const runId = await client.createRun(settings.pipelineId, paramsString, {
      signal: cancellation.signal
    })
    return { runId, startedAt, params }
  } catch (error) {
    cancellation.setLastWords(undefined)
    if (error instanceof FlowApiError && error.kind === 'cancelled')
      throw new Error(`The GitHub job was cancelled. ${messageOf(error)}`, { cause: error })
    if (error instanceof FlowApiError && error.mayHaveStarted) {
      throw new Error(
        `${messageOf(error)} The run may have started: check ${runsLink} before running this again (the action does not retry here, so as never to start a run twice).`,
        { cause: error }
      )
    }
    throw error
  }
}

/** The run exists: the log, the state for the post step, the outputs; then GitHub and `wait`. */
async function goOn(step: Step, taken: Taken): Promise<void> {
  const { settings, github, cancellation } = step
  const { pipelineId, consoleUrl, baseUrl, organizationId } = settings
  const { runId, params } = taken
  const url = runUrl(consoleUrl, pipelineId, runId)
  // The id and link go to the log first (nothing can fail there).
  log.notice(
    params
      ? `Yunxiao Flow run #${runId} of pipeline ${pipelineId} started: ${url}`
      : `Following Yunxiao Flow run #${runId} of pipeline ${pipelineId}: ${url}`,
    { title: params ? 'Yunxiao Flow run started' : 'Yunxiao Flow run followed' }
  )
  // Cancelled while the create request was in flight: the run exists, the job does not want it.
  const cancelled = Boolean(params) && cancellation.signal.aborted
  const phase = cancelled ? 'started' : settings.wait ? 'following' : 'finished'
  const stop = settings.stopOnCancel && !taken.latest
  const record = { phase, pipelineId, runId, baseUrl, organizationId, consoleUrl, stop } as const
  const run = { pipelineId, runId, runUrl: url }
  const report = githubRunEnded(github, run)
  const settler = new RunSettler(step.client, record, report, saved => saveRecord(saved, url))
  saveRecord(record, url)
  cancellation.setLastWords(() => {
    const left = settler.record.phase !== 'finished' && settler.record.stop
    log.error(
      `The step was ended by the runner before it was done with Yunxiao run #${runId}${left ? ' (the post step stops it)' : ''}: ${url}`
    )
  })
  log.setOutput('run-id', String(runId))
  log.setOutput('run-url', url)
  if (params) log.writeSummary(triggerSummary(settings, params, run))
  if (cancelled) {
    const signal = cancellation.received() ?? 'signal'
    return settler.end({ kind: 'cancelled', starting: true, stop: settings.stopOnCancel, signal })
  }
  // A cancel gives these calls up: stopping the Yunxiao run comes first.
  if (github) await githubRunStarted(github, settings, run, cancellation.signal)
  if (!settings.wait) return
  const { follow } = await import('./follow.js')
  await follow({ ...step, ...taken, settler })
}
