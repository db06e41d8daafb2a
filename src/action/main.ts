// The main step: inputs -> settings -> params -> CreatePipelineRun -> outputs, notice, summary.
// Waiting for the run lives in follow.ts, loaded only when `wait` is set.
import * as core from '@actions/core'
import { watchCancellation, type Cancellation } from '../follow/cancel.js'
import { createClient, stopAndReport } from './client.js'
import type { FlowClient } from '../flow/client.js'
import { readInput } from './inputs.js'
import { pipelineUrl, runUrl } from './links.js'
import { buildParams, needsPipelineSources, serializeParams } from './params.js'
import { redact } from '../common/redact.js'
import { getSettings, type Settings } from './settings.js'
import { markMainStarted, saveRunFinished, saveRunStarted } from './state.js'
import { writeSummary } from './step-summary.js'
import { triggerSummary } from './summary.js'
import {
  describeGithub,
  githubRunEnded,
  githubRunStarted,
  githubSecrets,
  openGithub,
  pullRequestDefaultBranchWarning
} from './github.js'

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
  // Mask the token before anything can print it.
  const rawToken = readInput('token')
  if (rawToken) core.setSecret(rawToken)
  const secrets = rawToken ? [rawToken] : []
  // The GitHub token, when it is really one (not the unexpanded default outside a runner).
  const githubToken = readInput('github-token')
  if (githubToken && !githubToken.startsWith('${{')) {
    core.setSecret(githubToken)
    secrets.push(githubToken)
  }
  const cancellation = watchCancellation(line => core.info(line))
  try {
    markMainStarted()
    await trigger(cancellation)
  } catch (error) {
    // Every message names what went wrong; InputError messages name the input.
    core.setFailed(redact(error instanceof Error ? error.message : String(error), secrets))
  } finally {
    cancellation.dispose()
  }
}

async function trigger(cancellation: Cancellation): Promise<void> {
  const settings = await getSettings(readInput)
  const client = createClient(settings)
  const hidden = [settings.token, ...githubSecrets(settings)]
  const prWarning = pullRequestDefaultBranchWarning(settings)
  if (prWarning) core.warning(prWarning)
  // Loads the GitHub chunk only when commit-status, deployment-environment or context-envs is set.
  const github = settings.github ? await openGithub(settings) : undefined

  let repos: string[] | undefined
  if (needsPipelineSources(settings)) {
    try {
      repos = await pipelineRepos(client, settings)
    } catch (error) {
      throw new Error(
        `Reading the pipeline's code sources for "${settings.branch ? 'branch' : 'tag'}" failed, so no run was started. ${(error as Error).message}`,
        { cause: error }
      )
    }
    core.info(
      repos.length
        ? `Pipeline ${settings.pipelineId} has ${repos.length} code source(s): ${repos.join(', ')}`
        : `Pipeline ${settings.pipelineId} has no code source: "branch" is sent as a branch-mode branch.`
    )
  }
  const params = buildParams(settings, repos, github?.contextEnvs)
  const paramsString = serializeParams(params)
  // The token has no business in params, but a user may pass it in envs: never let it out.
  core.setOutput('params', redact(paramsString ?? '', hidden))

  if (settings.dryRun) {
    const request = client.describeRequest(settings.pipelineId, paramsString)
    core.info('Dry run: this request would be sent (nothing is started):')
    core.info(`${request.method} ${request.url}`)
    for (const [name, value] of Object.entries(request.headers)) core.info(`${name}: ${value}`)
    core.info('')
    core.info(redact(request.body, hidden))
    if (github) for (const line of describeGithub(github, settings)) core.info(line)
    writeSummary(triggerSummary({ settings, params }))
    return
  }

  if (cancellation.signal.aborted)
    throw new Error('The job was cancelled before the run was started; nothing was sent.')

  let runId: number
  const startedAt = Date.now()
  try {
    // The signal stops retries, never a request in flight: its answer carries the run id.
    runId = await client.createRun(settings.pipelineId, paramsString, {
      signal: cancellation.signal
    })
  } catch (error) {
    if ((error as { kind?: string }).kind === 'cancelled')
      throw new Error(`The GitHub job was cancelled. ${(error as Error).message}`, { cause: error })
    if ((error as { mayHaveStarted?: boolean }).mayHaveStarted) {
      throw new Error(
        `${(error as Error).message} The run may have started: check ${pipelineUrl(settings.consoleUrl, settings.pipelineId)} before running this again (the action does not retry here, so as never to start a run twice).`,
        { cause: error }
      )
    }
    throw error
  }

  // The run exists: record it before anything else can go wrong.
  const url = runUrl(settings.consoleUrl, settings.pipelineId, runId)
  saveRunStarted(settings.pipelineId, runId, settings.wait)
  core.setOutput('run-id', String(runId))
  core.setOutput('run-url', url)
  core.notice(`Yunxiao Flow run #${runId} of pipeline ${settings.pipelineId} started: ${url}`, {
    title: 'Yunxiao Flow run started'
  })
  writeSummary(triggerSummary({ settings, params, runId, runUrl: url }))
  const run = { pipelineId: settings.pipelineId, runId, runUrl: url }

  if (cancellation.signal.aborted) {
    // Cancelled while the create request was in flight: the run exists, the job does not want it.
    const why = `the GitHub job was cancelled (${cancellation.received() ?? 'signal'}) while it was being started`
    if (!settings.stopOnCancel) {
      saveRunFinished()
      await githubRunEnded(github, settings, run, { kind: 'cancelled', stopped: false })
      throw new Error(
        `Yunxiao run #${runId} was started as ${why}; it goes on (stop-on-cancel is false): ${url}`
      )
    }
    const report = await stopAndReport(client, settings.pipelineId, runId, url, why)
    if (report.done) saveRunFinished()
    else saveRunStarted(settings.pipelineId, runId, true) // let the post step try again
    await githubRunEnded(github, settings, run, { kind: 'cancelled', stopped: report.done })
    throw new Error(report.message)
  }

  // A cancel gives these calls up: stopping the Yunxiao run comes first.
  if (github) await githubRunStarted(github, settings, run, cancellation.signal)
  if (!settings.wait) {
    saveRunFinished()
    return
  }
  const { follow } = await import('./follow.js')
  await follow({
    settings,
    client,
    runId,
    runUrl: url,
    startedAt,
    cancellation,
    onEnd: outcome => githubRunEnded(github, settings, run, outcome)
  })
}
