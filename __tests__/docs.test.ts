// The README is read in five minutes: short, the quick start first, a usage block listing every
// input with its default, and the commands CI runs. Input descriptions stay short (the detail lives
// in docs/). Every `with:` key of a local `uses: ./` step is an input (actionlint cannot read a
// local action), and every relative link of the README and docs/ leads to a file and a heading.
// The workflows themselves are linted in readme.test.ts.
import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8')
const README = read('README.md')
const DOCS = readdirSync(join(ROOT, 'docs'))
  .filter(f => f.endsWith('.md'))
  .map(f => `docs/${f}`)
const WORKFLOWS = readdirSync(join(ROOT, '.github/workflows'))
  .filter(f => /\.ya?ml$/.test(f))
  .map(f => `.github/workflows/${f}`)

/** Input name -> default, as the runner fills it in ('' when there is none). */
function inputsOf(actionYml: string): Map<string, { default: string; description: string }> {
  const doc = parse(actionYml) as {
    inputs: Record<string, { default?: string | number | boolean; description?: string }>
  }
  return new Map(
    Object.entries(doc.inputs).map(([name, spec]) => [
      name,
      { default: String(spec.default ?? ''), description: String(spec.description ?? '') }
    ])
  )
}
const INPUTS = inputsOf(read('action.yml'))

interface Block {
  line: number
  lang: string
  text: string
}

function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i])
    if (!open) continue
    const start = i
    const body: string[] = []
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i])
    blocks.push({ line: start + 1, lang: open[1], text: body.join('\n') })
  }
  return blocks
}

function sectionOf(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n${heading}\n`)
  if (start < 0) return ''
  const end = markdown.indexOf('\n## ', start + heading.length + 1)
  return markdown.slice(start, end < 0 ? undefined : end)
}

/** Problems with the README's usage block: one step of the action listing every input at its default. */
function usageProblems(markdown: string, inputs: typeof INPUTS): string[] {
  const block = codeBlocks(sectionOf(markdown, '## Usage')).find(b => /^ya?ml$/.test(b.lang))
  if (!block) return ['no yaml block under "## Usage"']
  const doc = parse(block.text) as Array<{ uses?: string; with?: Record<string, unknown> }>
  const step = Array.isArray(doc) && doc.length === 1 ? doc[0] : undefined
  if (!step?.uses?.startsWith('your-org/yunxiao-flow-action@') || !step.with) {
    return ['the usage block is not one step of the action with a with: block']
  }
  const problems: string[] = []
  for (const [name, input] of inputs) {
    if (!(name in step.with)) problems.push(`input "${name}" is missing`)
    else if (String(step.with[name]) !== input.default) {
      problems.push(`input "${name}": "${String(step.with[name])}", default "${input.default}"`)
    }
  }
  for (const key of Object.keys(step.with)) {
    if (!inputs.has(key)) problems.push(`"${key}" is not an input of action.yml`)
  }
  return problems
}

/** `with:` keys of `uses: ./` steps (this action, from the repository itself) that are no input. */
function localUsageProblems(yamlText: string, inputs: typeof INPUTS): string[] {
  const doc = parse(yamlText) as { jobs?: Record<string, { steps?: unknown[] }> } | null
  const problems: string[] = []
  for (const [jobName, job] of Object.entries(doc?.jobs ?? {})) {
    for (const [index, raw] of (job?.steps ?? []).entries()) {
      const step = raw as { id?: string; uses?: string; with?: Record<string, unknown> }
      if (step?.uses !== './') continue
      for (const key of Object.keys(step.with ?? {})) {
        if (!inputs.has(key)) {
          problems.push(`job "${jobName}" step ${step.id ?? index + 1}: "${key}" is not an input`)
        }
      }
    }
  }
  return problems
}

/** The anchor GitHub gives a heading (github-slugger's rule, without the duplicate suffix). */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-')
}

function anchorsOf(markdown: string): Set<string> {
  const outside = markdown.replace(/^```[\s\S]*?^```/gm, '')
  return new Set([...outside.matchAll(/^#{1,6} (.+)$/gm)].map(m => slug(m[1])))
}

/** Relative links of a page (outside code) whose file or heading does not exist. */
function brokenLinks(file: string, markdown: string, exists: (path: string) => boolean): string[] {
  const outside = markdown.replace(/^```[\s\S]*?^```/gm, '')
  const broken: string[] = []
  for (const [, target] of outside.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(target)) continue
    const [path, anchor] = target.split('#')
    const resolved = path ? normalize(join(dirname(file), path)) : file
    if (!exists(resolved)) {
      broken.push(`${file}: ${target} (no file ${resolved})`)
    } else if (anchor !== undefined && resolved.endsWith('.md')) {
      if (!anchorsOf(read(resolved)).has(decodeURIComponent(anchor))) {
        broken.push(`${file}: ${target} (no heading #${anchor} in ${resolved})`)
      }
    }
  }
  return broken
}

const inRepository = (path: string) => existsSync(join(ROOT, path))

describe('README.md', () => {
  it('is read in minutes: at most 400 lines and 30 KB', () => {
    expect(README.split('\n').length).toBeLessThanOrEqual(400)
    expect(Buffer.byteLength(README)).toBeLessThanOrEqual(30 * 1024)
  })

  it('opens with the quick start: a complete workflow of the action within the first 80 lines', () => {
    const lines = README.split('\n')
    expect(lines.indexOf('## Quick start')).toBeGreaterThan(0)
    expect(lines.indexOf('## Quick start')).toBeLessThan(20)
    const first = codeBlocks(README).find(b => /^ya?ml$/.test(b.lang))!
    const doc = parse(first.text) as { on?: unknown; jobs?: unknown }
    expect(doc.on && doc.jobs).toBeTruthy()
    expect(first.text).toContain('uses: your-org/yunxiao-flow-action@v1')
    expect(first.line + first.text.split('\n').length + 1).toBeLessThanOrEqual(80)
  })

  it('lists every input with its default in the usage block, also within the first 80 lines', () => {
    expect(usageProblems(README, INPUTS)).toEqual([])
    const usage = codeBlocks(sectionOf(README, '## Usage'))[0]
    const line = README.split('\n').indexOf('## Usage') + usage.line - 1
    expect(line + usage.text.split('\n').length + 1).toBeLessThanOrEqual(80)
  })

  it('gives the two commands, and the test command is the one CI runs', () => {
    expect(README).toContain('npm ci && npm run demo')
    const commands = codeBlocks(README)
      .filter(b => b.lang === 'sh')
      .flatMap(b => b.text.split('\n').map(l => l.replace(/\s+#.*$/, '').trim()))
    expect(commands).toEqual(expect.arrayContaining(['npm run demo', 'npm test']))
    expect(read('.ci/run').split('\n')).toContain('npm test')
    expect(README).toContain('npm run demo -- --fail')
  })
})

describe('action.yml', () => {
  it.each([...INPUTS.keys()])('input %s has a description of at most 300 characters', name => {
    const { description } = INPUTS.get(name)!
    expect(description.length).toBeGreaterThan(0)
    expect(description.length).toBeLessThanOrEqual(300)
  })
})

describe('uses: ./ steps name only inputs of action.yml', () => {
  const sources: Array<[string, string]> = [
    ...WORKFLOWS.map((f): [string, string] => [f, read(f)]),
    ...['README.md', ...DOCS].flatMap(f =>
      codeBlocks(read(f))
        .filter(b => /^ya?ml$/.test(b.lang) && /uses:\s*\.\/\s*$/m.test(b.text))
        .map((b): [string, string] => [`${f} line ${b.line}`, b.text])
    )
  ]

  it('finds the self-test steps of CI', () => {
    expect(sources.filter(([, text]) => /uses:\s*\.\/\s*$/m.test(text)).length).toBeGreaterThan(0)
  })

  it.each(sources)('%s', (_name, text) => {
    expect(localUsageProblems(text, INPUTS)).toEqual([])
  })
})

describe('links', () => {
  it.each(['README.md', ...DOCS])('%s links only to files and headings that exist', file => {
    expect(brokenLinks(file, read(file), inRepository)).toEqual([])
  })
})

// The checks above only mean something if they can fail: feed them known-bad material.
describe('the docs checks catch mistakes', () => {
  const small = inputsOf(`
inputs:
  token: { required: true, description: t }
  wait: { default: 'false', description: w }
`)

  it('a usage block with a missing input, a wrong default or an unknown key', () => {
    const usage = (withBlock: string) =>
      `# X\n\n## Usage\n\n\`\`\`yaml\n- uses: your-org/yunxiao-flow-action@v1\n  with:\n${withBlock}\n\`\`\`\n`
    expect(usageProblems(usage("    token: ''\n    wait: false"), small)).toEqual([])
    expect(usageProblems(usage("    token: ''\n    wait: true\n    wiat: false"), small)).toEqual([
      'input "wait": "true", default "false"',
      '"wiat" is not an input of action.yml'
    ])
    expect(usageProblems(usage('    wait: false'), small)).toEqual(['input "token" is missing'])
    expect(usageProblems('# X\n', small)).toEqual(['no yaml block under "## Usage"'])
  })

  it('a uses: ./ step with a key that is no input; other actions are left alone', () => {
    const workflow = `on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: ./
        id: self
        with:
          token: x
          pipeline_id: 1
      - uses: actions/checkout@v7
        with:
          fetch-depth: 0
`
    expect(localUsageProblems(workflow, small)).toEqual([
      'job "t" step self: "pipeline_id" is not an input'
    ])
  })

  it('slugs headings as GitHub does', () => {
    expect(slug('Manual gates (人工卡点)')).toBe('manual-gates-人工卡点')
    expect(slug('A deploy (`environment:` + `approve`)')).toBe('a-deploy-environment--approve')
    expect(slug("Reading a job's result from `run-json`")).toBe(
      'reading-a-jobs-result-from-run-json'
    )
  })

  it('a link to a missing file or heading', () => {
    const page = 'See [a](docs/editions.md#no-such-heading), [b](docs/nope.md), [c](#quick-start).'
    expect(brokenLinks('README.md', page, inRepository)).toEqual([
      'README.md: docs/editions.md#no-such-heading (no heading #no-such-heading in docs/editions.md)',
      'README.md: docs/nope.md (no file docs/nope.md)'
    ])
  })
})
