// A Yunxiao run on GitHub: a commit status and a deployment, each running then the verdict. A GitHub
// failure never fails the step: one warning per feature names the cause and the fix.
import type { Logger } from '../common/logger.js'
import { GithubApiError, type CallOptions, type GithubApi } from './api.js'
import { shortSha, type GithubEvent } from './event.js'
import {
  commitStatusFor,
  deploymentStatusFor,
  type CommitState,
  type DeploymentState,
  type Reported,
  type RunOutcome
} from './outcome.js'

export interface ReportTargets {
  statusContext?: string
  deploymentEnvironment?: string
  deploymentUrl?: string
}

export interface RunFacts {
  pipelineId: number
  runId: number
  runUrl: string
}

/** What a later step needs to finish the report (no secret in it). */
export interface ReportProgress {
  statusPending: boolean
  deploymentId?: number
}

type Feature = 'status' | 'deployment'

export class GithubReport {
  private readonly warned = new Set<Feature>()
  /** A feature that failed for good (permission, not found, refused): not tried again. */
  private readonly given = new Set<Feature>()
  private deploymentId?: number

  constructor(
    private readonly api: Pick<
      GithubApi,
      'createCommitStatus' | 'createDeployment' | 'createDeploymentStatus'
    >,
    private readonly event: GithubEvent,
    private readonly targets: ReportTargets,
    private readonly logger: Pick<Logger, 'info' | 'warning'>,
    /** From the main step, when the post step finishes what it began. */
    progress?: ReportProgress,
    /** Told each time the progress changes, to save it. */
    private readonly onProgress?: (progress: ReportProgress) => void
  ) {
    this.deploymentId = progress?.deploymentId
  }

  get progress(): ReportProgress {
    return {
      statusPending: Boolean(this.targets.statusContext) && !this.given.has('status'),
      deploymentId: this.deploymentId
    }
  }

  /** Never throws. */
  async started(run: RunFacts, signal?: AbortSignal): Promise<ReportProgress> {
    const opts = { signal }
    const description = `Yunxiao run #${run.runId} is running`
    await Promise.all([
      this.attempt('status', context =>
        this.status(context, run, { state: 'pending', description }, opts)
      ),
      this.attempt('deployment', async environment => {
        const id = await this.api.createDeployment(
          {
            ref: this.event.sha,
            environment,
            description: `Yunxiao pipeline ${run.pipelineId}, run #${run.runId}`,
            payload: {
              yunxiao: { pipelineId: run.pipelineId, runId: run.runId, runUrl: run.runUrl }
            }
          },
          opts
        )
        this.deploymentId = id
        this.onProgress?.(this.progress)
        await this.deployment(id, environment, run, { state: 'in_progress', description }, opts)
      })
    ])
    return this.progress
  }

  /** Never throws. */
  async finished(run: RunFacts, outcome: RunOutcome, opts: CallOptions = {}): Promise<void> {
    const id = this.deploymentId
    await Promise.all([
      this.attempt('status', async context => {
        await this.status(context, run, commitStatusFor(outcome, run.runId), opts)
        this.given.add('status') // done: nothing is pending any more
        this.onProgress?.(this.progress)
      }),
      id !== undefined &&
        this.attempt('deployment', async environment => {
          await this.deployment(id, environment, run, deploymentStatusFor(outcome, run.runId), opts)
          this.deploymentId = undefined
          this.onProgress?.(this.progress)
        })
    ])
  }

  private async status(
    context: string,
    run: RunFacts,
    { state, description }: Reported<CommitState>,
    opts: CallOptions
  ): Promise<void> {
    const body = { state, target_url: run.runUrl, description, context }
    await this.api.createCommitStatus(this.event.sha, body, opts)
    this.logger.info(
      `Commit status "${context}" on ${shortSha(this.event.sha)}: ${state} (${description}).`
    )
  }

  /** The deployment's environment URL goes with in_progress and success only. */
  private async deployment(
    id: number,
    environment: string,
    run: RunFacts,
    { state, description }: Reported<DeploymentState>,
    opts: CallOptions
  ): Promise<void> {
    const url =
      state === 'success' || state === 'in_progress' ? this.targets.deploymentUrl : undefined
    const body = { state, log_url: run.runUrl, environment_url: url, description }
    await this.api.createDeploymentStatus(id, body, opts)
    this.logger.info(
      `GitHub deployment ${id} of ${shortSha(this.event.sha)} to "${environment}": ${state} (${description}).`
    )
  }

  private async attempt(feature: Feature, work: (target: string) => Promise<void>): Promise<void> {
    const target =
      feature === 'status' ? this.targets.statusContext : this.targets.deploymentEnvironment
    if (!target || this.given.has(feature)) return
    try {
      await work(target)
    } catch (error) {
      if (!(error instanceof GithubApiError) || !error.details.transient) {
        this.given.add(feature)
        if (feature === 'deployment') this.deploymentId = undefined
        this.onProgress?.(this.progress)
      }
      if (error instanceof GithubApiError && error.details.cancelled) {
        this.logger.info(error.message)
        return
      }
      const line = this.explain(feature, error)
      if (this.warned.has(feature)) this.logger.info(line)
      else this.logger.warning(line)
      this.warned.add(feature)
    }
  }

  explain(feature: Feature, error: unknown): string {
    const what = error instanceof Error ? error.message : String(error)
    const hint = error instanceof GithubApiError ? this.hint(feature, error) : ''
    return `${what}${hint ? ` ${hint}` : ''} The Yunxiao run and this step's result are not affected.`
  }

  private hint(feature: Feature, error: GithubApiError): string {
    const { status, permission, acceptedPermissions, githubMessage } = error.details
    const repo = this.event.repository
    if (status === 403 && !error.details.transient) {
      const asked = acceptedPermissions ? ` (GitHub asks for ${acceptedPermissions})` : ''
      if (this.event.pullRequest?.fromFork)
        return `This pull request comes from a fork: GitHub gives its workflows a read-only token whatever \`permissions:\` says, so the token cannot have "${permission}"${asked}. Report on such pull requests from a workflow that has the permission (e.g. one on \`pull_request_target\` or \`workflow_run\`), or leave ${feature === 'status' ? 'commit-status' : 'deployment-environment'} off for forks.`
      return `The token needs the "${permission}" permission${asked}: add \`${permission}\` to the job's \`permissions:\` block (a \`permissions:\` block that does not list it gives none), or pass a \`github-token\` that has it.`
    }
    if (status === 401)
      return 'The `github-token` is not valid (expired or revoked, or not a GitHub token).'
    if (status === 404)
      return feature === 'deployment' && this.deploymentId !== undefined
        ? `Deployment ${this.deploymentId} is gone (deleted?).`
        : `The token cannot see ${repo} here: a token for another repository, or GITHUB_API_URL points at another server.`
    if (status === 422 && githubMessage?.startsWith('No commit found'))
      return `Commit ${shortSha(this.event.sha)} is not in ${repo} (a commit of a fork, or of another repository?).`
    if (status === 409 || status === 422) return 'GitHub refused the request as it was sent.'
    if (error.details.transient)
      return `GitHub could not be reached in time; the ${feature === 'status' ? 'commit status' : 'deployment'} stays as it was.`
    return ''
  }
}
