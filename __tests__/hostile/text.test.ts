// Foreign text as a hostile server writes it, through the committed dist/index.js run as the runner
// runs it: repository URLs, stage and job names, statuses, error bodies and job logs carrying
// workflow commands, URL credentials and the token in every form. Every byte the step wrote is checked.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startFlowSimulator, type FlowSimulator } from '../../simulator/flow-simulator.js'
import { runStep, type StepResult } from '../../simulator/runner.js'
import { nodeBinaries } from '../support/e2e.js'

const TOKEN = 'pt-Hostile/Token_0123+abc'
const PASSWORD = 's3cretRepoPassw0rd'

const pct = (text: string, upper: boolean) =>
  [...Buffer.from(text)]
    .map(b => `%${b.toString(16).padStart(2, '0')}`)
    .map(h => (upper ? h.toUpperCase() : h))
    .join('')
const uEscaped = (text: string) =>
  [...text].map(c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')

/** The token as a server or a formatter may write it. */
const FORMS: Record<string, string> = {
  raw: TOKEN,
  'JSON \\/': TOKEN.replace(/\//g, '\\/'),
  '\\u escapes': uEscaped(TOKEN),
  'URL-encoded, upper-case hex': encodeURIComponent(TOKEN),
  'percent-encoded, lower-case hex': pct(TOKEN, false),
  'Markdown-escaped': TOKEN.replace(/[\\`*_[\]<>|+/-]/g, c => `\\${c}`)
}
const COMMANDS =
  '\n::set-output name=pwn::1\n::add-mask::x\n::error::injected\n::stop-commands::abc\r\n##[warning]legacy'

const ALLOWED_COMMANDS = new Set([
  'add-mask',
  'notice',
  'warning',
  'error',
  'group',
  'endgroup',
  'debug',
  'stop-commands'
])

/** Every byte the step wrote: no command of foreign making, no form of the token, no password. */
function expectClean(result: StepResult): void {
  const lines = result.stdout.split(/\r\n|\n|\r/)
  const stopped = new Set<string>()
  for (const raw of lines) {
    const line = raw.trimStart()
    expect(line.includes('##[')).toBe(false)
    if (!line.startsWith('::')) continue
    const name = line.slice(2).split(/[\s:]/)[0]
    if (name === 'stop-commands') stopped.add(line.slice('::stop-commands::'.length))
    else if (stopped.has(name)) continue // the resume line of a stop-commands the action wrote
    expect({ line, allowed: ALLOWED_COMMANDS.has(name) }).toEqual({ line, allowed: true })
    if (name === 'add-mask') expect(line).toBe(`::add-mask::${TOKEN}`)
    if (name === 'stop-commands') expect(line).toMatch(/^::stop-commands::[0-9a-f-]{36}$/)
    expect(line.startsWith('::error::injected')).toBe(false)
  }
  const stdout = lines.filter(l => l !== `::add-mask::${TOKEN}`).join('\n')
  const files = {
    stdout,
    stderr: result.stderr,
    outputs: result.rawOutputFile,
    state: result.rawStateFile,
    summary: result.summary
  }
  for (const [where, text] of Object.entries(files)) {
    for (const [form, value] of Object.entries({ ...FORMS, password: PASSWORD })) {
      expect({ where, form, leaks: text.includes(value) }).toEqual({ where, form, leaks: false })
    }
  }
}

describe.each(nodeBinaries())('hostile text, $label', ({ path: node }) => {
  let sim: FlowSimulator
  beforeAll(async () => {
    sim = await startFlowSimulator({
      token: TOKEN,
      organizationId: 'org-1',
      pipelines: {
        7: {
          name: 'hostile',
          sources: [],
          stages: [{ name: 'Build', jobs: [{ name: 'build', durationMs: 300_000 }] }]
        }
      }
    })
  })
  afterAll(async () => {
    await sim.close()
  })

  const inputs = (extra: Record<string, string> = {}) => ({
    token: TOKEN,
    'organization-id': 'org-1',
    'pipeline-id': '7',
    domain: sim.url,
    ...extra
  })

  it('repository URLs read from GetPipeline: sent as read, shown without credentials or commands', async () => {
    const repos = [
      `https://user:${PASSWORD}@codeup.example/a.git${COMMANDS}`,
      `https://${TOKEN}@codeup.example/b.git`,
      `https://codeup.example/${pct(TOKEN, false)}/c.git`,
      `https://codeup.example/${FORMS['JSON \\/']}/d.git`
    ]
    sim.addFault({
      method: 'GET',
      path: /\/pipelines\/7$/,
      status: 200,
      body: {
        name: 'hostile',
        pipelineConfig: { sources: repos.map(repo => ({ data: { repo } })) }
      }
    })
    const before = sim.requests.length
    const result = await runStep({ node, inputs: inputs({ branch: 'main' }) })
    expect(result.code).toBe(0)
    const posts = sim.requests.slice(before).filter(r => r.method === 'POST')
    expect(posts.length).toBe(1)
    // Yunxiao gets the URLs exactly as it wrote them.
    const sent = JSON.parse(JSON.parse(posts[0].body).params)
    expect(Object.keys(sent.runningBranchs)).toEqual(repos)
    expect(result.stdout).toContain('https://***@codeup.example/a.git')
    expectClean(result)
  })

  it('names, statuses, error bodies and job logs while following: a SUCCESS run passes', async () => {
    const jobLog = [
      'step 1',
      '::error::from the log',
      ...Object.values(FORMS).map(form => `token: ${form}`),
      `clone https://u:${PASSWORD}@codeup.example/x.git`
    ].join('\n')
    const hostileRun = (status: string) => ({
      pipelineRunId: 1,
      status,
      stages: [
        {
          name: `${TOKEN}${COMMANDS}`,
          stageInfo: {
            status: FORMS['Markdown-escaped'],
            jobs: [
              {
                id: 10001,
                name: `::error::job${COMMANDS}`,
                status: 'FAIL',
                startTime: 1,
                endTime: 2
              },
              {
                id: 10002,
                name: FORMS['percent-encoded, lower-case hex'],
                status: FORMS['JSON \\/']
              },
              { id: 10003, name: `https://u:${PASSWORD}@h/`, status: `${TOKEN}${COMMANDS}` }
            ]
          }
        }
      ]
    })
    sim.addFault({
      method: 'GET',
      path: /\/runs\/\d+$/,
      status: 500,
      body: `{"errorCode":"Boom","errorMessage":"echo ${FORMS['JSON \\/']} ${FORMS['\\u escapes']}${COMMANDS.replace(/\n/g, '\\n')}"}`
    })
    sim.addFault({
      method: 'GET',
      path: /\/runs\/\d+$/,
      status: 200,
      body: hostileRun(`${TOKEN}`),
      times: 1
    })
    sim.addFault({
      method: 'GET',
      path: /\/runs\/\d+$/,
      status: 200,
      body: hostileRun('SUCCESS'),
      times: 1
    })
    sim.addFault({
      method: 'GET',
      path: /\/job\/\d+\/log$/,
      status: 200,
      body: { content: jobLog, more: false },
      times: 3
    })
    const result = await runStep({
      node,
      inputs: inputs({ wait: 'true', 'poll-interval': '1s', logs: 'all' })
    })
    while (sim.faults.length) sim.faults.pop()
    expect({ code: result.code, status: result.outputs.status }).toEqual({
      code: 0,
      status: 'SUCCESS'
    })
    expect(result.stdout).toContain('token: ***')
    // Each kind of foreign text was met (and shown cleaned).
    expect(result.stdout).toMatch(/::warning::Reading the run status failed .*echo \*\*\* \*\*\*/)
    expect(result.stdout).toMatch(/The run status "\*\*\*" is not one this action knows/)
    expect(result.stdout).toMatch(/::group::\*\*\* ::set-output name=pwn::1 .*## \[warning\]legacy/)
    expect(result.summary).toMatch(/https:\/\/(\*\*\*|\\\*\\\*\\\*)@h\//)
    // The log stays inside stop-commands: its command line is shown, not run.
    const lines = result.stdout.split('\n')
    const stop = lines.find(l => l.startsWith('::stop-commands::'))!
    const inside = lines.slice(lines.indexOf(stop) + 1, lines.indexOf(`::${stop.slice(17)}::`))
    expect(inside).toContain('::error::from the log')
    expect(JSON.parse(result.outputs['run-json']).stages[0].name).toMatch(/^\*\*\*/)
    expectClean(result)
  }, 60_000)
})
