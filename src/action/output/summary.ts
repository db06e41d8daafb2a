// The job summary, as Markdown. Pure functions: log.ts appends the text to the file.
// Run variables appear by name only: their values may be secrets.
import { formatDuration } from '../../common/duration.js'
import { jobName, jobsOf, label, stageName, stagesOf } from '../../flow/names.js'
import type { FlowRun } from '../../flow/types.js'
import type { Settings } from '../inputs/settings.js'

/** Escapes text for a Markdown table cell or a line: names come from Yunxiao and from inputs. */
export function md(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, c => `\\${c}`).replace(/\r\n?|\n/g, ' ')
}

/** A code span in a table cell: backticks cannot be escaped inside one, so they become quotes. */
export function code(text: string): string {
  return `\`${text
    .replace(/`/g, "'")
    .replace(/\|/g, '\\|')
    .replace(/\r\n?|\n/g, ' ')}\``
}

const STATUS_ICON: Record<string, string> = {
  SUCCESS: '✅',
  FAIL: '❌',
  CANCELED: '⏹️',
  TIMEOUT: '⌛',
  RUNNING: '🔄',
  WAITING: '⏸️'
}

const icon = (status: string | undefined): string => (status && STATUS_ICON[status]) ?? '•'

const entries = (obj: unknown): Array<[string, string]> =>
  Object.entries(obj && typeof obj === 'object' ? obj : {}).map(([k, v]) => [k, String(v)])

/** What was sent; `run` once started (a dry run starts none). */
export function triggerSummary(
  settings: Settings,
  params: Record<string, unknown>,
  run?: { runId: number; runUrl: string }
): string {
  const title = run
    ? `Yunxiao Flow run [#${run.runId}](${run.runUrl}) started`
    : 'Yunxiao Flow run (dry run: nothing started)'
  const org = settings.organizationId
  const rows: Array<[string, string]> = [
    ['Pipeline', String(settings.pipelineId)],
    ['Edition', org !== undefined ? `center (organization ${md(org)})` : 'Region'],
    ['OpenAPI', md(settings.baseUrl)]
  ]
  const branches = params.branchModeBranchs
  if (Array.isArray(branches) && branches.length)
    rows.push(['Branches', branches.map(b => code(String(b))).join(', ')])
  for (const [repo, ref] of entries(params.runningBranchs))
    rows.push([`Branch of ${md(repo)}`, code(ref)])
  for (const [repo, ref] of entries(params.runningTags))
    rows.push([`Tag of ${md(repo)}`, code(ref)])
  const envNames = Object.keys((params.envs as Record<string, unknown> | undefined) ?? {})
  if (envNames.length)
    rows.push(['Run variables', `${envNames.map(n => code(n)).join(', ')} (values not shown)`])
  for (const [key, label] of ARTIFACTS)
    for (const [name, version] of entries(params[key]))
      rows.push([`${label} ${md(name)}`, code(version)])
  const { statusContext, deploymentEnvironment } = settings.github ?? {}
  if (statusContext) rows.push(['GitHub commit status', code(statusContext)])
  if (deploymentEnvironment) rows.push(['GitHub deployment', code(deploymentEnvironment)])
  const table = rows.map(([name, value]) => `| ${name} | ${value} |`)
  return [`### ${title}`, '', '| | |', '|---|---|', ...table].join('\n') + '\n'
}

const ARTIFACTS = [
  ['runningPipelineArtifacts', 'Pipeline artifact'],
  ['runningAcrArtifacts', 'Image'],
  ['runningPackagesArtifacts', 'Package']
] as const

/** The run's end: its status, and a headline when the end is not the run's own (settle.ts). */
export function resultSummary(
  facts: { status: string; headline?: string; run?: FlowRun },
  durationMs: number,
  runUrl: string
): string {
  const lines: string[] = []
  lines.push(`### ${icon(facts.status)} Yunxiao Flow run ${md(facts.status)}`, '')
  if (facts.headline)
    lines.push(`**${md(facts.headline.charAt(0).toUpperCase() + facts.headline.slice(1))}.**`, '')
  lines.push(`Duration ${formatDuration(durationMs)}. [Open the run](${runUrl})`, '')
  // Names and statuses as the log shows them (flow/names.ts), whatever shape the server sent.
  const stages = stagesOf(facts.run)
  if (stages.length) {
    lines.push('| Stage | Job | Status | Duration |', '|---|---|---|---|')
    stages.forEach((stage, i) => {
      const name = md(stageName(stage, i))
      const stageStatus = label(stage.stageInfo?.status)
      const jobs = jobsOf(stage)
      if (!jobs.length)
        lines.push(`| ${name} | | ${icon(stageStatus)} ${md(stageStatus ?? '')} | |`)
      jobs.forEach((job, j) => {
        const { startTime, endTime } = job
        const took =
          typeof startTime === 'number' && typeof endTime === 'number' && endTime >= startTime
            ? formatDuration(endTime - startTime)
            : ''
        const status = label(job.status)
        lines.push(
          `| ${name} | ${md(jobName(job, j))} | ${icon(status)} ${md(status ?? '')} | ${took} |`
        )
      })
    })
  }
  return lines.join('\n') + '\n'
}
