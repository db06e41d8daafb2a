// Run control (pipeline-name, run-id, on-manual-gate): the pipeline by its name, the run to follow
// and the gate keeper. Imported lazily, only when one of those applies.
import type { FlowClient } from '../../flow/client.js'
import { FlowApiError } from '../../flow/errors.js'
import { findPipelineByName } from '../../flow/find-pipeline.js'
import type { FlowPipelineSummary, FlowRun } from '../../flow/types.js'
import { messageOf, oneLine, type Logger } from '../../common/logger.js'
import { formatDuration } from '../../common/duration.js'
import type { FollowTarget } from '../inputs/run-control-inputs.js'

export { GateKeeper } from '../../follow/gates.js'

type Client = Pick<FlowClient, 'listPipelines' | 'getRun' | 'getLatestRun'>

const shown = (p: FlowPipelineSummary): string =>
  `${JSON.stringify(oneLine(p.pipelineName))} (id ${p.pipelineId})`

/**
 * The id of the pipeline named exactly `name`. Throws an Error that names the input: no match (with
 * up to 5 similar names), or several (with their ids).
 */
export async function lookUpPipeline(
  client: Client,
  name: string,
  logger: Logger,
  signal?: AbortSignal
): Promise<number> {
  let search
  try {
    search = await findPipelineByName(client, name, { signal })
  } catch (error) {
    if (signal?.aborted)
      throw new Error(
        'The GitHub job was cancelled while the pipeline was being looked up by its name; nothing was started.',
        { cause: error }
      )
    throw error
  }
  const quoted = JSON.stringify(name)
  if (search.kind === 'found') {
    logger.info(`Pipeline ${quoted} is pipeline ${search.pipeline.pipelineId}.`)
    return search.pipeline.pipelineId
  }
  if (search.kind === 'several') {
    const ids = search.pipelines.map(p => p.pipelineId).join(', ')
    throw new Error(
      `Input "pipeline-name": ${search.pipelines.length} pipelines are named ${quoted} (ids ${ids}); give the one you mean in pipeline-id instead.`
    )
  }
  if (search.kind === 'unread') {
    const of = search.total === undefined ? '' : ` of ${search.total}`
    throw new Error(
      `Input "pipeline-name": more pipelines match ${quoted} than this step reads (${search.pages} pages, ${search.read}${of} pipelines read), so it cannot tell which one is named exactly that; nothing was started. Give the pipeline's id in pipeline-id instead.`
    )
  }
  const similar = search.similar.length
    ? ` Similar names: ${search.similar.map(shown).join(', ')}.`
    : ' No pipeline has a similar name either (check the organization and the token).'
  throw new Error(
    `Input "pipeline-name": no pipeline is named ${quoted} (the name must match exactly, case and spaces as written).${similar}`
  )
}

/** Reads the run run-id names (the pipeline's latest for `latest`), and says which it is. */
export async function findRunToFollow(
  client: Client,
  pipelineId: number,
  target: FollowTarget,
  logger: Logger,
  signal?: AbortSignal
): Promise<{ runId: number; latest: boolean }> {
  let run: FlowRun
  let runId: number
  const latest = 'latest' in target
  try {
    run = latest
      ? await client.getLatestRun(pipelineId, { signal })
      : await client.getRun(pipelineId, target.runId, { signal })
    runId = latest ? (run.pipelineRunId as number) : target.runId
  } catch (error) {
    if (signal?.aborted)
      throw new Error(
        'The GitHub job was cancelled before the run could be followed; nothing was started or stopped.',
        { cause: error }
      )
    if (!(error instanceof FlowApiError && error.kind === 'http' && error.status === 404))
      throw error
    const why = messageOf(error)
    throw new Error(
      latest
        ? `Input "run-id": pipeline ${pipelineId} has no run yet, so there is no latest run to follow. ${why}`
        : `Input "run-id": pipeline ${pipelineId} has no run #${target.runId} (or the pipeline id or organization is wrong). ${why}`,
      { cause: error }
    )
  }
  if (run.pipelineId !== undefined && run.pipelineId !== pipelineId) {
    throw new Error(
      `Input "run-id": Yunxiao answered the ${latest ? 'latest run' : `run #${runId}`} of pipeline ${pipelineId} with run #${runId} of pipeline ${run.pipelineId}, another pipeline; it is not followed, and nothing was started or stopped. Check pipeline-id and organization-id.`
    )
  }
  const created =
    typeof run.createTime === 'number' && run.createTime > 0
      ? `, created ${formatDuration(Math.max(0, Date.now() - run.createTime))} ago`
      : ''
  const status = oneLine(String(run.status))
  logger.info(
    latest
      ? `The latest run of pipeline ${pipelineId} is #${runId} (status ${status}${created}). This step did not start it, so it never stops it: not on cancel, not on timeout.`
      : `Run #${runId} of pipeline ${pipelineId}: status ${status}${created}.`
  )
  return { runId, latest }
}
