// The GitHub side's inputs: commit-status, status-context, deployment-environment, deployment-url,
// context-envs and github-token.
import { parseTokenValue, hideUserInfo } from './endpoint-inputs.js'
import {
  checker,
  githubSecret,
  InputError,
  invalid,
  parseBooleanInput,
  parseOneLine,
  quote
} from './inputs.js'

export interface GithubSettings {
  /** The token for the GitHub API; '' when no API call is asked for (only context-envs). */
  token: string
  /** The commit status's context, when commit-status is on. */
  statusContext?: string
  deploymentEnvironment?: string
  deploymentUrl?: string
  contextEnvs: boolean
}

// GitHub's limit for a status context and an environment name.
const GITHUB_NAME_LIMIT = 255

function parseDeploymentUrl(value: string): string | undefined {
  if (!value) return undefined
  const url = URL.canParse(value) ? new URL(value) : undefined
  if (
    !url ||
    /\s/.test(value) ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username ||
    url.password
  ) {
    const expected = "the deployed environment's http(s) address, e.g. https://staging.example.com"
    throw invalid('deployment-url', expected, hideUserInfo(value))
  }
  return value
}

/** The GitHub settings, undefined when none is asked for; problems go to `problems`. */
export function checkGithubInputs(
  get: (name: string) => string,
  problems: InputError[],
  known: { pipeline?: number | string; wait?: boolean }
): GithubSettings | undefined {
  const start = problems.length
  const check = checker(get, problems)
  const fail = (name: string, message: string) => problems.push(new InputError(name, message))
  const commitStatus = check('commit-status', v => parseBooleanInput('commit-status', v))
  const contextEnvs = check('context-envs', v => parseBooleanInput('context-envs', v))
  const name = (input: string, what: string) =>
    check(input, v => parseOneLine(input, v, what, GITHUB_NAME_LIMIT))
  const context = name('status-context', 'a status context such as ci/yunxiao')
  const environment = name('deployment-environment', 'an environment name such as production')
  const deploymentUrl = check('deployment-url', parseDeploymentUrl)
  if (problems.length > start) return undefined

  if (context && !commitStatus)
    fail(
      'status-context',
      `Input "status-context": it names the commit status, and commit-status is false; set commit-status: true or remove status-context (got ${quote(context)}).`
    )
  if (deploymentUrl && !environment)
    fail(
      'deployment-url',
      'Input "deployment-url": it is shown on the deployment, and deployment-environment is empty; set deployment-environment or remove deployment-url.'
    )
  if (commitStatus && known.wait === false)
    fail(
      'commit-status',
      'Input "commit-status": needs wait: true, since only a step that follows the run to its end can set its final status (a pending status would stay pending forever); set wait: true (or follow a run with run-id), or remove commit-status.'
    )
  const usesApi = Boolean(commitStatus || environment)
  let token: string | undefined = ''
  if (usesApi && !githubSecret(get))
    fail(
      'github-token',
      `Input "github-token" is required for ${commitStatus ? 'commit-status' : 'deployment-environment'}: a GitHub token (the default, \${{ github.token }}, is only set inside GitHub Actions); got nothing.`
    )
  else if (usesApi) token = check('github-token', v => parseTokenValue('github-token', v))
  if (problems.length > start || !(usesApi || contextEnvs)) return undefined
  return {
    token: token as string,
    statusContext: commitStatus ? (context ?? `yunxiao/${known.pipeline ?? ''}`) : undefined,
    deploymentEnvironment: environment,
    deploymentUrl,
    contextEnvs: contextEnvs as boolean
  }
}
