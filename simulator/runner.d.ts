import type { ChildProcess } from 'node:child_process'

export const ROOT: string
export const DIST_ENTRY: string
export const DIST_POST_ENTRY: string
export function actionEntries(actionYml?: string): { main?: string; post?: string }

export interface StepEvent {
  /** GITHUB_EVENT_NAME */
  name: string
  /** Written to a file that GITHUB_EVENT_PATH names. */
  payload: unknown
  /** Variables that go with the event (GITHUB_SHA, GITHUB_REF, ...). */
  env?: Record<string, string>
}

export interface StepOptions {
  /** Default: a push of GITHUB_SHA. */
  event?: StepEvent
  node?: string
  /** Which of action.yml's entries to run: `runs.main` (default) or `runs.post`. */
  step?: 'main' | 'post'
  /** Another file to run instead. */
  entry?: string
  inputs?: Record<string, string | number | boolean | undefined>
  state?: Record<string, string>
  env?: Record<string, string>
  dir?: string
  onStdout?: (chunk: string) => void
  onStderr?: (chunk: string) => void
  /** A runner slow to read the log: stdout is left unread this long at a time. */
  stdoutPauseMs?: number
}

export interface StepResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  rawOutputFile: string
  rawStateFile: string
}

export function parseCommandFile(text: string): Record<string, string>
export function runnerEnv(dir: string): Record<string, string>
export function pushEvent(env?: Record<string, string>): StepEvent
export function pullRequestEvent(options: {
  number: number
  headSha: string
  headRef: string
  mergeSha: string
  fork?: boolean
  name?: 'pull_request' | 'pull_request_target'
}): StepEvent
export function inputEnv(inputs: Record<string, unknown>): Record<string, string>
export function startStep(options: StepOptions): { child: ChildProcess; done: Promise<StepResult> }
export function runStep(options: StepOptions): Promise<StepResult>
