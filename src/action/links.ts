// Links into the Yunxiao web console.

export function runUrl(consoleUrl: string, pipelineId: number, runId: number): string {
  return `${consoleUrl}/pipelines/${pipelineId}/builds/${runId}`
}

/** The pipeline's page, where its runs are listed. */
export function pipelineUrl(consoleUrl: string, pipelineId: number): string {
  return `${consoleUrl}/pipelines/${pipelineId}/current`
}
