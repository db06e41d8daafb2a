// The GitHub side, imported lazily, only when a GitHub input is set.
export { GithubApi, DEFAULT_API_URL } from './api.js'
export { contextEnvs, readEvent } from './event.js'
export { chooseCommit } from './commit-choice.js'
export { GithubReport } from './report.js'
