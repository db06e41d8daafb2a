// Shapes of the Yunxiao Flow OpenAPI answers this action reads.
// Only the fields the action uses are typed; everything else is kept as unknown.
// This file knows nothing of GitHub.

/** Run, stage and job statuses. SUCCESS, FAIL and CANCELED are final; anything else is "not yet". */
export type FlowStatus = 'RUNNING' | 'WAITING' | 'SUCCESS' | 'FAIL' | 'CANCELED' | (string & {})

export const FINAL_STATUSES: ReadonlySet<string> = new Set(['SUCCESS', 'FAIL', 'CANCELED'])

export function isFinalStatus(status: string | undefined): boolean {
  return status !== undefined && FINAL_STATUSES.has(status)
}

export interface FlowJob {
  id: number
  jobSign?: string
  name: string
  status: FlowStatus
  startTime?: number
  endTime?: number
  /** JSON string */
  params?: string
  /** JSON string */
  result?: string
  actions?: Array<{ type?: string; displayType?: string; name?: string; [key: string]: unknown }>
  [key: string]: unknown
}

export interface FlowStage {
  index?: string
  name: string
  stageInfo?: {
    name?: string
    status?: FlowStatus
    startTime?: number
    endTime?: number
    jobs?: FlowJob[]
    [key: string]: unknown
  }
  [key: string]: unknown
}

export interface FlowRun {
  pipelineId?: number
  pipelineRunId?: number
  status: FlowStatus
  createTime?: number
  updateTime?: number
  stages?: FlowStage[]
  [key: string]: unknown
}

export interface FlowPipelineSource {
  type?: string
  data?: { repo?: string; branch?: string; [key: string]: unknown }
  [key: string]: unknown
}

export interface FlowPipeline {
  name?: string
  pipelineConfig?: { sources?: FlowPipelineSource[]; [key: string]: unknown }
  [key: string]: unknown
}

export interface FlowJobLog {
  content: string
  /** Bytes of the start of `content` the client left out: it keeps the end of a long log only. */
  cutBytes?: number
  last?: number
  more?: boolean
}

/** One entry of ListPipelines (the fields this action reads). */
export interface FlowPipelineSummary {
  pipelineId: number
  pipelineName: string
  [key: string]: unknown
}

/** One page of ListPipelines. */
export interface FlowPipelinePage {
  pipelines: FlowPipelineSummary[]
  /** `x-total`: pipelines matching the filter on all pages, when the server said. */
  total?: number
}
