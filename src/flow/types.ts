// Shapes of the Flow answers this action reads, checked by responses.ts: a field has its type or is
// absent; anything not listed is kept as unknown.

/** Run, stage and job statuses. SUCCESS, FAIL and CANCELED are final; anything else is "not yet". */
export type FlowStatus = 'RUNNING' | 'WAITING' | 'SUCCESS' | 'FAIL' | 'CANCELED' | (string & {})

export function isFinalStatus(status: string | undefined): boolean {
  return status === 'SUCCESS' || status === 'FAIL' || status === 'CANCELED'
}

/** What a job and a stage's info both have. */
interface FlowPart {
  name?: string
  status?: FlowStatus
  startTime?: number
  endTime?: number
  [key: string]: unknown
}

export interface FlowJob extends FlowPart {
  id?: number
}

export interface FlowStage {
  index?: string
  name?: string
  /** Its jobs are objects only (null entries are dropped). */
  stageInfo?: FlowPart & { jobs?: FlowJob[] }
  [key: string]: unknown
}

export interface FlowRun {
  pipelineId?: number
  pipelineRunId?: number
  /** Always there: an answer without a status string is not a run. */
  status: FlowStatus
  createTime?: number
  updateTime?: number
  /** Objects only (null entries are dropped). */
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
  /** Sources are objects only. */
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

/** A step of a job (GetPipelineJobSteps): its log is read by `buildId` and `stepIndex`. */
export interface FlowJobStep {
  buildId: number
  stepIndex: number
  stepName?: string
  status?: string
  /** The step will write no more. */
  finish?: boolean
}

/** One page of a step's log (GetPipelineJobStepLog): lines up to line `last`, `more` to come. */
export interface FlowStepLog {
  logs: string
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
  /** Entries with a pipeline id and a name (others are dropped). */
  pipelines: FlowPipelineSummary[]
  /** Entries on the page as the server sent them, dropped ones included (for paging). */
  size: number
  /** `x-total`: pipelines matching the filter on all pages, when the server said. */
  total?: number
}
