// The GitHub side: everything the GitHub inputs (commit-status, deployment-environment,
// context-envs) need, imported lazily (action/steps/github.ts), only when one of them is set.
export { GithubApi, GithubApiError, API_VERSION, DEFAULT_API_URL } from './api.js'
export type { HttpAnswer, HttpRequest, HttpSend } from './http.js'
export { contextEnvs } from './context-envs.js'
export { readEvent, isPullRequestEvent, shortSha } from './event.js'
export { chooseCommit } from './commit-choice.js'
export type { SentRefs } from './commit-choice.js'
export type { GithubEvent } from './event.js'
export { commitStatusFor, deploymentStatusFor, fitDescription } from './outcome.js'
export type { RunOutcome } from './outcome.js'
export { GithubReport } from './report.js'
export type { ReportProgress, ReportTargets, RunFacts } from './report.js'
