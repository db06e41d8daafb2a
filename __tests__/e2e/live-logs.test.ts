// End to end: `logs: live`, the running jobs' step logs in the GitHub log while they are written,
// with the committed dist/index.js run as the runner runs it against the simulator.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { join } from 'node:path'
import {
  startFlowSimulator,
  type FlowSimulator,
  type SimFault
} from '../../simulator/flow-simulator.js'
import { ROOT, runStep, startStep } from '../../simulator/runner.js'
import { TOKEN, errorLines, expectNoToken, followInputs, nodeBinaries } from '../support/e2e.js'

const numbered = (tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${tag} ${i + 1}`).join('\n')

const pct = (text: string) => [...Buffer.from(text)].map(b => `%${b.toString(16)}`).join('')
const uEscaped = (text: string) =>
  [...text].map(c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')
/** The token as a server or a formatter may write it (as in the hostile text tests). */
const FORMS = {
  raw: TOKEN,
  '\\u escapes': uEscaped(TOKEN),
  'URL-encoded': encodeURIComponent(TOKEN).replace(/_/g, '%5F'),
  'percent-encoded, lower-case hex': pct(TOKEN),
  'Markdown-escaped': TOKEN.replace(/[\\`*_[\]<>|+/-]/g, c => `\\${c}`)
}

const PIPELINES = {
  // Two parallel jobs of two steps, one failing; lines written over 4 s.
  1: {
    name: 'parallel',
    stages: [
      {
        name: 'Build',
        jobs: [
          {
            name: 'Java',
            durationMs: 4000,
            steps: [
              { name: 'compile', log: numbered('java-compile', 30) },
              { name: 'package', log: numbered('java-package', 10) }
            ]
          },
          {
            name: 'Node',
            durationMs: 3000,
            result: 'FAIL' as const,
            steps: [{ name: 'test', log: numbered('node-test', 20) }]
          }
        ]
      }
    ]
  },
  // A log of foreign text: the token in every form, workflow commands, CRLF, multi-byte UTF-8.
  2: {
    name: 'hostile',
    stages: [
      {
        name: 'Test',
        jobs: [
          {
            name: 'Leaky',
            durationMs: 1500,
            steps: [
              {
                name: 'echo',
                log: [
                  ...Object.entries(FORMS).map(([form, t]) => `${form}: ${t}`),
                  '::set-output name=pwn::1',
                  '::error::injected',
                  '##[warning]legacy',
                  '::stop-commands::abc',
                  'crlf line\r',
                  'utf-8: 中文 ✓ 🚀'
                ].join('\n')
              }
            ]
          }
        ]
      }
    ]
  },
  // One step, lines served by faults first: for odd answers.
  3: {
    name: 'odd',
    stages: [
      {
        name: 'S',
        jobs: [{ name: 'J', durationMs: 8000, steps: [{ name: 'run', log: numbered('r', 6) }] }]
      }
    ]
  },
  // Long: for a cancel during a step-log read.
  5: {
    name: 'long',
    stages: [
      { name: 'S', jobs: [{ name: 'J', durationMs: 120_000, steps: [{ name: 'run', log: 'x' }] }] }
    ]
  },
  // One step writing 20 MB.
  4: {
    name: 'big',
    stages: [
      {
        name: 'S',
        jobs: [
          {
            name: 'J',
            durationMs: 3000,
            steps: [{ name: 'dump', lineCount: 200_000, lineBytes: 100 }]
          }
        ]
      }
    ]
  }
}

/** The log lines of a job's step, as printed: `[Stage / Job / step] line`. */
function stepLines(stdout: string, prefix: string): string[] {
  return stdout
    .split('\n')
    .filter(l => l.startsWith(`[${prefix}] `))
    .map(l => l.slice(prefix.length + 3))
}

describe.each(nodeBinaries())('logs: live, $label', ({ path: node }) => {
  let sim: FlowSimulator
  beforeAll(async () => {
    sim = await startFlowSimulator({ token: TOKEN, organizationId: 'org-1', pipelines: PIPELINES })
  })
  afterAll(async () => {
    await sim.close()
  })

  /** A followed run of `pipelineId` with live logs, as the runner passes the inputs. */
  const inputs = (pipelineId: number, extra: Record<string, string> = {}) =>
    followInputs(sim.url, pipelineId, { logs: 'live', ...extra })

  const run = (
    pipelineId: number,
    faults: SimFault[] = [],
    env?: Record<string, string>,
    stdoutPauseMs?: number
  ) => {
    for (const fault of faults) sim.addFault(fault)
    const lines: Array<{ at: number; line: string }> = []
    const start = sim.requests.length
    const result = runStep({
      node,
      inputs: inputs(pipelineId),
      env,
      stdoutPauseMs,
      onStdout: chunk => {
        for (const line of chunk.split('\n')) lines.push({ at: Date.now(), line })
      }
    })
    return { result, lines, requests: () => sim.requests.slice(start) }
  }

  it('prints every line once, in order, while the jobs run; parallel jobs; a failed job is annotated', async () => {
    const { result, lines } = run(1)
    const r = await result
    expect(r.code).toBe(1)
    expect(stepLines(r.stdout, 'Build / Java / compile')).toEqual(
      numbered('java-compile', 30).split('\n')
    )
    expect(stepLines(r.stdout, 'Build / Java / package')).toEqual(
      numbered('java-package', 10).split('\n')
    )
    expect(stepLines(r.stdout, 'Build / Node / test')).toEqual(
      numbered('node-test', 20).split('\n')
    )
    // Live: the first lines of each job came out a poll or more before the job's end was seen.
    const at = (text: string) => lines.find(l => l.line.includes(text))?.at ?? Infinity
    expect(at('] java-compile 1')).toBeLessThan(at('job "Build / Java" SUCCESS') - 900)
    expect(at('] node-test 1')).toBeLessThan(at('job "Build / Node" FAIL') - 900)
    expect(errorLines(r.stdout)).toContainEqual(
      expect.stringMatching(/^::error::Job "Build \/ Node" failed; its log is above\. Run: /)
    )
    expectNoToken(r)
  })

  it('redacts the token in every form and keeps commands inert; CRLF and UTF-8 survive', async () => {
    const r = await run(2).result
    expect(r.code).toBe(0)
    const printed = stepLines(r.stdout, 'Test / Leaky / echo')
    expect(printed).toContain('crlf line')
    expect(printed).toContain('utf-8: 中文 ✓ 🚀')
    expect(printed.filter(l => l.includes('***'))).toHaveLength(Object.keys(FORMS).length)
    const stdout = r.stdout.replace(`::add-mask::${TOKEN}`, '')
    for (const [form, value] of Object.entries(FORMS)) {
      expect({ form, leaks: stdout.includes(value) }).toEqual({ form, leaks: false })
    }
    for (const line of r.stdout.split(/\r\n|\n|\r/)) {
      expect(line.includes('##[')).toBe(false)
      if (line.startsWith('::'))
        expect(line).toMatch(/^::(add-mask|notice|error|warning|group|endgroup)/)
    }
    expect(r.outputs.pwn).toBeUndefined()
    expectNoToken(r)
  })

  it('joins a line split across answers and ignores a last that does not advance or goes back', async () => {
    const page = (last: number, logs: string, more = true): SimFault => ({
      path: '/step/log',
      status: 200,
      body: { last, logs, more }
    })
    const faults = [
      page(1, `r 1 holds ${TOKEN.slice(0, 6)}`), // a line cut in two, the token too
      page(0, 'ghost\n'), // does not advance
      page(1, `${TOKEN.slice(6)} whole\r`), // goes back
      page(2, `${TOKEN.slice(6)} whole\r\nr 2\n`),
      page(2, 'dup\n') // does not advance
    ]
    const { result, requests } = run(3, faults)
    const r = await result
    expect(r.code).toBe(0)
    expect(stepLines(r.stdout, 'S / J / run')).toEqual([
      'r 1 holds *** whole',
      'r 2',
      'r 3',
      'r 4',
      'r 5',
      'r 6'
    ])
    expectNoToken(r)
    // No busy loop: a few reads per interval.
    const reads = requests().filter(q => q.path.endsWith('/step/log')).length
    expect(reads).toBeLessThan(20)
  })

  it.each([
    ['', undefined],
    [' to a runner slow to read the log', 1500]
  ])(
    'keeps peak RSS under 120 MiB while a step writes 20 MB%s, and says where the rest is',
    async (_, pauseMs) => {
      const preload = join(ROOT, 'scripts', 'usage-preload.cjs')
      const r = await run(4, [], { NODE_OPTIONS: `--require ${preload}` }, pauseMs).result
      expect(r.code).toBe(0)
      const maxRssKiB = Number(/usage maxrss=(\d+)/.exec(r.stderr)?.[1])
      expect(maxRssKiB).toBeGreaterThan(0)
      expect(maxRssKiB / 1024).toBeLessThan(120)
      const printed = stepLines(r.stdout, 'S / J / dump')
      expect(printed.length).toBeGreaterThan(50_000)
      expect(printed[0]).toMatch(/^dump: line 1 \.+$/)
      expect(r.stdout).toMatch(
        /\[S \/ J\] \.\.\. the rest of this job's log is not copied here: https:/
      )
    },
    60_000
  )
  it('a cancel during a hung step-log read stops the run and ends the step at once', async () => {
    sim.addFault({ path: '/step/log', delayMs: 60_000 })
    const start = sim.requests.length
    const step = startStep({
      node,
      inputs: inputs(5)
    })
    const end = Date.now() + 15_000
    while (!sim.requests.slice(start).some(r => r.path.endsWith('/step/log'))) {
      if (Date.now() > end) throw new Error('no step-log read')
      await new Promise(r => setTimeout(r, 25))
    }
    const killedAt = Date.now()
    step.child.kill('SIGINT')
    const r = await step.done
    expect(Date.now() - killedAt).toBeLessThan(8000)
    expect(r.code).toBe(1)
    expect(r.outputs.status).toBe('CANCELED')
    expect(sim.runs(5).at(-1)?.status).toBe('CANCELED')
  })

  it('a hung step-log read holds the step no longer than the timeout allows', async () => {
    sim.addFault({ path: '/step/log', delayMs: 60_000 })
    const startedAt = Date.now()
    const r = await runStep({
      node,
      inputs: inputs(5, { timeout: '3s', 'stop-on-timeout': 'true' })
    })
    // The step-log read alone would hold it 10 s: it is cut at the wait's timeout.
    expect(Date.now() - startedAt).toBeLessThan(8000)
    expect(r.code).toBe(1)
    expect(r.outputs.status).toBe('TIMEOUT')
    expect(sim.runs(5).at(-1)?.status).toBe('CANCELED')
  })

  it('falls back to whole logs when the step calls are not served, with one warning', async () => {
    // Last: the fault stays.
    const r = await run(1, [{ path: '/steps', status: 404, times: Infinity }]).result
    expect(r.code).toBe(1)
    const warnings = r.stdout
      .split('\n')
      .filter(l => l.startsWith('::warning::Live logs are not available'))
    expect(warnings).toHaveLength(1)
    expect(r.stdout).toContain('::group::Build / Java (SUCCESS)')
    expect(r.stdout).toContain('::group::Build / Node (FAIL)')
    expect(r.stdout.split('\n').filter(l => l === 'node-test 20')).toHaveLength(1)
  })
})
