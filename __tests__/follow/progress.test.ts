import { describe, expect, it } from '@jest/globals'
import type { FlowJob, FlowRun, FlowStage } from '../../src/flow/types.js'
import { formatElapsed } from '../../src/common/duration.js'
import { jobName, stageName } from '../../src/flow/names.js'
import { ProgressTracker } from '../../src/follow/progress.js'

const SEC = 1000
const MIN = 60 * SEC

function stage(name: string, status: string | undefined, jobs?: FlowJob[]): FlowStage {
  return {
    index: `Group0-${name}`,
    name,
    stageInfo: { name, ...(status ? { status } : {}), ...(jobs ? { jobs } : {}) }
  }
}

function job(id: number, name: string, status: string, times: Partial<FlowJob> = {}): FlowJob {
  return { id, name, status, ...times }
}

function run(status: string, stages?: FlowStage[]): FlowRun {
  return { pipelineRunId: 1, status, ...(stages ? { stages } : {}) }
}

describe('formatElapsed', () => {
  it.each([
    [0, '0s'],
    [999, '0s'],
    [45 * SEC, '45s'],
    [65 * SEC, '1m 05s'],
    [5 * MIN, '5m 00s'],
    [3723 * SEC, '1h 02m 03s'],
    [-5, '0s']
  ])('%d ms -> %s', (ms, elapsed) => {
    expect(formatElapsed(ms)).toBe(elapsed)
  })
})

/** The lines for `cur` read `at` ms into the run, after `prev` (none: the first read). */
function changes(prev: FlowRun | undefined, cur: FlowRun, at = 0): string[] {
  const tracker = new ProgressTracker(0)
  if (prev) tracker.update(prev, 0)
  return tracker.update(cur, at)
}

describe('status changes', () => {
  it('lists everything that has a status on the first snapshot, parents starting before children', () => {
    const cur = run('RUNNING', [
      stage('Build', 'RUNNING', [job(1, 'Java build', 'RUNNING'), job(2, 'Lint', 'WAITING')]),
      stage('Deploy', undefined, [])
    ])
    expect(changes(undefined, cur, 2 * SEC)).toEqual([
      '[2s] run RUNNING',
      '[2s] stage "Build" RUNNING',
      '[2s] job "Build / Java build" RUNNING',
      '[2s] job "Build / Lint" WAITING'
    ])
  })

  it('says nothing of stages and jobs that have not started (INIT), then reports their start', () => {
    const first = run('RUNNING', [
      stage('Build', 'RUNNING', [job(1, 'Compile', 'RUNNING')]),
      stage('Deploy', 'INIT', [job(2, 'Rollout', 'INIT')])
    ])
    expect(changes(undefined, first)).toEqual([
      '[0s] run RUNNING',
      '[0s] stage "Build" RUNNING',
      '[0s] job "Build / Compile" RUNNING'
    ])
    const second = run('RUNNING', [
      stage('Build', 'SUCCESS', [job(1, 'Compile', 'SUCCESS')]),
      stage('Deploy', 'RUNNING', [job(2, 'Rollout', 'RUNNING')])
    ])
    expect(changes(first, second, 65 * SEC)).toEqual([
      '[1m 05s] job "Build / Compile" SUCCESS',
      '[1m 05s] stage "Build" SUCCESS',
      '[1m 05s] stage "Deploy" RUNNING',
      '[1m 05s] job "Deploy / Rollout" RUNNING'
    ])
  })

  it('finds nothing when nothing changed', () => {
    const a = run('RUNNING', [stage('Build', 'RUNNING', [job(1, 'Java build', 'RUNNING')])])
    expect(changes(a, structuredClone(a))).toEqual([])
  })

  it('lists ends after the children, with server-side job durations, and the run last', () => {
    const prev = run('RUNNING', [
      stage('Build', 'RUNNING', [job(1, 'Java build', 'RUNNING', { startTime: 1000 })])
    ])
    const cur = run('FAIL', [
      stage('Build', 'FAIL', [
        job(1, 'Java build', 'FAIL', { startTime: 1000, endTime: 1000 + 35 * SEC })
      ]),
      stage('Deploy', 'CANCELED', [job(2, 'Prod', 'CANCELED')])
    ])
    expect(changes(prev, cur, 3723 * SEC)).toEqual([
      '[1h 02m 03s] job "Build / Java build" FAIL (35s)',
      '[1h 02m 03s] stage "Build" FAIL',
      '[1h 02m 03s] job "Deploy / Prod" CANCELED',
      '[1h 02m 03s] stage "Deploy" CANCELED',
      '[1h 02m 03s] run FAIL'
    ])
  })

  it('follows jobs by id, not by position', () => {
    const prev = run('RUNNING', [
      stage('S', 'RUNNING', [job(1, 'a', 'RUNNING'), job(2, 'b', 'RUNNING')])
    ])
    const cur = run('RUNNING', [
      stage('S', 'RUNNING', [job(2, 'b', 'RUNNING'), job(1, 'a', 'RUNNING')])
    ])
    expect(changes(prev, cur)).toEqual([])
  })

  it('omits a duration the server does not give sensibly', () => {
    const ended = (times: Partial<FlowJob>) =>
      changes(undefined, run('RUNNING', [stage('S', 'RUNNING', [job(1, 'j', 'SUCCESS', times)])]))
    for (const times of [
      {},
      { startTime: 5000 },
      { startTime: 5000, endTime: 4000 },
      { startTime: 0, endTime: 4000 }
    ])
      expect(ended(times)[2]).toBe('[0s] job "S / j" SUCCESS')
  })

  it('tolerates missing fields everywhere', () => {
    const odd = {
      status: 'RUNNING',
      stages: [
        null,
        { name: 'no info' },
        { index: 'x', stageInfo: { status: 'RUNNING' } },
        { stageInfo: { jobs: [null, { id: 9, status: 'RUNNING' }, { name: 'no status' }] } }
      ]
    } as unknown as FlowRun
    expect(changes(undefined, { status: undefined } as unknown as FlowRun)).toEqual([])
    expect(changes(undefined, odd)).toEqual([
      '[0s] run RUNNING',
      '[0s] stage "x" RUNNING',
      '[0s] job "stage 3 / job 9" RUNNING'
    ])
    expect(changes(odd, odd)).toEqual([])
  })
})

describe('heartbeat', () => {
  it('names the running stages and their unfinished jobs with how long they have been so', () => {
    const tracker = new ProgressTracker(0)
    const cur = (deploy: string) =>
      run('RUNNING', [
        stage('Build', 'SUCCESS', [job(1, 'Java build', 'SUCCESS')]),
        stage('Deploy', 'RUNNING', [
          job(2, 'Deploy to prod', deploy),
          job(3, 'Smoke test', 'WAITING'),
          job(4, 'Notify', 'SUCCESS')
        ])
      ])
    tracker.update(cur('WAITING'), 0)
    tracker.update(cur('RUNNING'), 170 * SEC)
    expect(tracker.update(cur('RUNNING'), 5 * MIN)).toEqual([
      '[5m 00s] still RUNNING: stage "Deploy" (job "Deploy to prod" RUNNING 2m 10s, job "Smoke test" WAITING 5m)'
    ])
  })

  it('says only the run status when no stage is running', () => {
    const beat = (r: FlowRun) => {
      const tracker = new ProgressTracker(0)
      tracker.update(r, 0)
      return tracker.update(r, 61 * SEC)
    }
    expect(beat(run('WAITING'))).toEqual(['[1m 01s] still WAITING'])
    expect(beat(run('WAITING', [stage('Gate', 'WAITING', [])]))).toEqual([
      '[1m 01s] still WAITING: stage "Gate" WAITING'
    ])
  })
})

describe('ProgressTracker', () => {
  it('prints changes, then a heartbeat at most once a minute while nothing changes', () => {
    const t0 = 1_000_000
    const tracker = new ProgressTracker(t0)
    const snap = (j: string) => run('RUNNING', [stage('Deploy', 'RUNNING', [job(7, 'Prod', j)])])
    const out: Array<[number, string[]]> = []
    for (let s = 2; s <= 200; s += 10) {
      const status = s >= 92 && s < 102 ? 'WAITING' : 'RUNNING'
      out.push([s, tracker.update(snap(status), t0 + s * SEC)])
    }
    const printed = out.filter(([, lines]) => lines.length > 0)
    expect(printed).toEqual([
      [2, ['[2s] run RUNNING', '[2s] stage "Deploy" RUNNING', '[2s] job "Deploy / Prod" RUNNING']],
      [62, ['[1m 02s] still RUNNING: stage "Deploy" (job "Prod" RUNNING 1m)']],
      [92, ['[1m 32s] job "Deploy / Prod" WAITING']],
      [102, ['[1m 42s] job "Deploy / Prod" RUNNING']],
      [162, ['[2m 42s] still RUNNING: stage "Deploy" (job "Prod" RUNNING 1m)']]
    ])
  })

  it('starts the heartbeat clock at the start of the run', () => {
    const tracker = new ProgressTracker(0, 60 * SEC)
    expect(tracker.update(run('RUNNING'), 70 * SEC)).toEqual(['[1m 10s] run RUNNING'])
    expect(tracker.update(run('RUNNING'), 100 * SEC)).toEqual([])
    expect(tracker.update(run('RUNNING'), 130 * SEC)).toEqual(['[2m 10s] still RUNNING'])
  })
})

/** Whether the runner would take any line within `line` as a workflow command. */
function commandLike(line: string): boolean {
  return line.split(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/).some(l => /^\s*(::|##\[)/.test(l))
}

// Line breaks of every kind, other control characters, and workflow commands.
const PIECES = [
  'Build',
  '构建',
  ' ',
  '"',
  '\n',
  '\r',
  '\r\n',
  '\u2028',
  '\u2029',
  '\u0085',
  '\v',
  '\f',
  '\t',
  '\u0000',
  '\u001b[31m',
  '::warning::x',
  '::error file=a.ts,line=1::b',
  '::set-output name=status::SUCCESS',
  '::stop-commands::t',
  '  ::add-mask::y',
  '##[error]z'
]

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('names and statuses from Yunxiao', () => {
  it('fold line breaks and control characters in stage and job names', () => {
    expect(stageName({ name: 'Test\n::warning::x' }, 0)).toBe('Test ::warning::x')
    expect(stageName({ name: '\r\n', stageInfo: { name: 'Deploy\u2028now' } }, 0)).toBe(
      'Deploy now'
    )
    expect(stageName({ name: '\n\r' }, 2)).toBe('stage 3')
    expect(jobName({ id: 5, name: 'a\r\n\r\n::error::b\u0000c', status: 'FAIL' }, 0)).toBe(
      'a ::error::b c'
    )
    expect(jobName({ id: '7\n::error::x', name: '\t' } as unknown as FlowJob, 0)).toBe(
      'job 7 ::error::x'
    )
    expect(jobName({ name: '' }, 1)).toBe('job 2')
  })

  it('no progress or heartbeat line can start a workflow command, whatever the names are', () => {
    const rand = random(20240607)
    const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]
    const hostile = () =>
      Array.from({ length: Math.floor(rand() * 6) }, () => pick(PIECES)).join('')
    const status = () =>
      rand() < 0.7 ? pick(['RUNNING', 'WAITING', 'SUCCESS', 'FAIL']) : hostile()
    const snapshot = (names: string[][]) =>
      run(
        status(),
        names.map(([s, ...jobs], i) => ({
          index: rand() < 0.5 ? hostile() : `G${i}`,
          name: s,
          stageInfo: {
            name: hostile(),
            status: rand() < 0.5 ? 'RUNNING' : status(),
            jobs: jobs.map((j, k) => ({
              id: rand() < 0.8 ? k : hostile(),
              name: j,
              status: status()
            }))
          }
        })) as FlowStage[]
      )

    const lines: string[] = []
    const names: string[] = []
    let naiveInjections = 0
    for (let trial = 0; trial < 300; trial++) {
      const given = Array.from({ length: 1 + Math.floor(rand() * 3) }, () =>
        Array.from({ length: 1 + Math.floor(rand() * 3) }, hostile)
      )
      naiveInjections += given.flat().filter(n => commandLike(`[2s] stage "${n}"`)).length
      const tracker = new ProgressTracker(0)
      for (const at of [2, 12, 80, 150, 300]) {
        lines.push(...tracker.update(snapshot(given), at * SEC))
      }
      const cur = snapshot(given)
      const beat = new ProgressTracker(0)
      beat.update(cur, 0)
      lines.push(...changes(undefined, cur), ...beat.update(cur, 5 * MIN))
      cur.stages?.forEach((s, i) => {
        names.push(stageName(s, i))
        s.stageInfo?.jobs?.forEach((j, k) => names.push(jobName(j, k)))
      })
    }
    expect(lines.length).toBeGreaterThan(3000)
    expect(lines.filter(commandLike)).toEqual([])
    // eslint-disable-next-line no-control-regex
    const control = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/
    expect(lines.filter(l => control.test(l))).toEqual([])
    expect(names.filter(n => control.test(n) || n !== n.trim() || n === '')).toEqual([])
    // The check can fail: printed as they are, many of these names would inject commands.
    expect(naiveInjections).toBeGreaterThan(100)
  })
})
