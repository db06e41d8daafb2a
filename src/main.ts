// The main step: inputs -> settings -> params -> CreatePipelineRun -> outputs, notice, summary.
// Waiting for the run lives in follow.ts, loaded only when `wait` is set.
import * as core from '@actions/core'
import { appendFileSync } from 'node:fs'
import { EOL } from 'node:os'
import { watchCancellation, type Cancellation } from './cancel.js'
import { FlowClient } from './flow-client.js'
import { readInput } from './inputs.js'
import { pipelineUrl, runUrl } from './links.js'
import { buildParams, needsPipelineSources, serializeParams } from './params.js'
import { redact } from './redact.js'
import { getSettings, type Settings } from './settings.js'
import { markMainStarted, saveRunFinished, saveRunStarted } from './state.js'
import { triggerSummary } from './summary.js'
import { USER_AGENT } from './version.js'

export function createClient(settings: Settings, timeoutMs?: number): FlowClient {
  return new FlowClient({
    baseUrl: settings.baseUrl,
    token: settings.token,
    organizationId: settings.organizationId,
    userAgent: USER_AGENT,
    timeoutMs
  })
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
  // Mask the token before anything can print it.
  const rawToken = readInput('token')
  if (rawToken) core.setSecret(rawToken)
  const secrets = rawToken ? [rawToken] : []
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
        : `Pipeline ${settings.pipelineId} has no code source: the branch is sent as a branch-mode branch.`
    )
  }
  const params = buildParams(settings, repos)
  const paramsString = serializeParams(params)
  // The token has no business in params, but a user may pass it in envs: never let it out.
  core.setOutput('params', redact(paramsString ?? '', [settings.token]))

  if (settings.dryRun) {
    const request = client.describeRequest(settings.pipelineId, paramsString)
    core.info('Dry run: this request would be sent (nothing is started):')
    core.info(`${request.method} ${request.url}`)
    for (const [name, value] of Object.entries(request.headers)) core.info(`${name}: ${value}`)
    core.info('')
    core.info(request.body)
    writeSummary(triggerSummary({ settings, params }))
    return
  }

  if (cancellation.signal.aborted)
    throw new Error('The job was cancelled before the run was started; nothing was sent.')

  let runId: number
  const startedAt = Date.now()
  try {
    runId = await client.createRun(settings.pipelineId, paramsString)
  } catch (error) {
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

  if (!settings.wait) {
    saveRunFinished()
    return
  }
  const { follow } = await import('./follow.js')
  await follow({ settings, client, runId, runUrl: url, startedAt, cancellation })
}

/**
 * Appends to the job summary. Written directly rather than with core.summary, whose module loads
 * node:fs/promises at start (about 1 ms of every run, README "Performance"); appending is all it would do here.
 */
export function writeSummary(markdown: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY
  if (!file) return
  try {
    appendFileSync(file, markdown + EOL)
  } catch (error) {
    core.warning(`Could not write the job summary: ${(error as Error).message}`)
  }
}
