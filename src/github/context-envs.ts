// context-envs: the GitHub context as Yunxiao run variables, so a pipeline can check or record what
// GitHub meant (Yunxiao builds the head of the branch when the run starts; it takes no commit).
import type { GithubEvent } from './event.js'

/** The variables for this job; one whose value is unknown is left out. */
export function contextEnvs(env: NodeJS.ProcessEnv, event: GithubEvent): Record<string, string> {
  const server = env.GITHUB_SERVER_URL?.trim().replace(/\/+$/, '')
  const runId = env.GITHUB_RUN_ID?.trim()
  const attempt = env.GITHUB_RUN_ATTEMPT?.trim()
  const runUrl =
    server && runId
      ? `${server}/${event.repository}/actions/runs/${runId}${attempt && attempt !== '1' ? `/attempts/${attempt}` : ''}`
      : undefined
  const values: Record<string, string | undefined> = {
    GITHUB_SHA: env.GITHUB_SHA?.trim(),
    GITHUB_REF_NAME: env.GITHUB_REF_NAME?.trim(),
    GITHUB_REPOSITORY: event.repository,
    GITHUB_RUN_URL: runUrl,
    GITHUB_ACTOR: env.GITHUB_ACTOR?.trim(),
    GITHUB_EVENT_NAME: event.name || undefined,
    GITHUB_PR_NUMBER: event.pullRequest ? String(event.pullRequest.number) : undefined,
    GITHUB_PR_HEAD_SHA: event.pullRequest?.headSha
  }
  return Object.fromEntries(
    Object.entries(values).filter((e): e is [string, string] => Boolean(e[1]))
  )
}
