import { describe, expect, it } from '@jest/globals'
import type { FlowJob, FlowRun, FlowStage } from '../../src/flow/types.js'
import { FIRST_READ_DELAY_MS, MAX_BACKOFF_MS } from '../../src/common/timing.js'
import {
  realClock,
  retryDelayMs,
  waitForRun,
  type Clock,
  type WaitOptions
} from '../../src/follow/wait.js'
import type { Logger } from '../../src/common/logger.js'
import { FlowApiError } from '../../src/flow/errors.js'

const T0 = 1_700_000_000_000
const SEC = 1000
const IDLE_TURNS = 5

/**
 * A fake clock whose time moves only when everything else has had its turn: each sleep is a timer on
 * the fake time line, and the clock jumps to the next one after IDLE_TURNS setImmediate turns (FIFO,
 * so deterministic: work a test queues with fewer setImmediate hops runs first, whatever the load).
 * Reads, callbacks and sleeps that race each other then resolve in the order the fake times say.
 */
class FakeClock implements Clock {
  sleeps: number[] = []
  onSleep?: () => void
  private timers: Array<{ at: number; wake: () => void }> = []
  private ticking = false
  constructor(public t = T0) {}
  now(): number {
    return this.t
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms)
    this.onSleep?.()
    return new Promise<void>(resolve => {
      if (signal?.aborted) return resolve()
      const timer = {
        at: this.t + Math.max(0, ms),
        wake: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }
      }
      const onAbort = () => {
        this.timers = this.timers.filter(x => x !== timer)
        resolve()
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.timers.push(timer)
      this.tickSoon()
    })
  }
  private tickSoon(turns = IDLE_TURNS): void {
    if (this.ticking && turns === IDLE_TURNS) return
    this.ticking = true
    setImmediate(() => (turns > 0 ? this.tickSoon(turns - 1) : this.tick()))
  }
  private tick(): void {
    this.ticking = false
    if (this.timers.length === 0) return
    this.t = Math.max(this.t, Math.min(...this.timers.map(x => x.at)))
    const due = this.timers.filter(x => x.at <= this.t)
    this.timers = this.timers.filter(x => x.at > this.t)
    for (const x of due) x.wake()
    if (this.timers.length > 0) this.tickSoon()
  }
}

class RecordingLogger implements Logger {
  lines: Array<{ level: string; text: string }> = []
  info(text: string) {
    this.lines.push({ level: 'info', text })
  }
  warning(text: string) {
    this.lines.push({ level: 'warning', text })
  }
  error(text: string) {
    this.lines.push({ level: 'error', text })
  }
  startGroup(text: string) {
    this.lines.push({ level: 'group', text })
  }
  endGroup() {
    this.lines.push({ level: 'endgroup', text: '' })
  }
  of(level: string): string[] {
    return this.lines.filter(l => l.level === level).map(l => l.text)
  }
}

function run(status: string, stages?: FlowStage[]): FlowRun {
  return { pipelineId: 7, pipelineRunId: 3, status, ...(stages ? { stages } : {}) }
}

function stage(name: string, status: string | undefined, jobs: FlowJob[]): FlowStage {
  return { index: name, name, stageInfo: { name, ...(status ? { status } : {}), jobs } }
}

function job(id: number, name: string, status: string): FlowJob {
  return { id, name, status }
}

type Step = FlowRun | { fail: object } | ((now: number) => FlowRun)

/**
 * More reads than any test here needs. The fake clock moves only on sleeps, so a loop that reads
 * without sleeping (say, a retry delay of 0) would spin forever on one instant: past this many reads
 * the script fails the wait instead, and the test fails within its timeout rather than hanging.
 */
const MAX_READS = 1000

/** A getRun that plays `steps` in order (repeating the last one) and records when each read started. */
function scripted(clock: FakeClock, steps: Step[]) {
  const readTimes: number[] = []
  const getRun = async (): Promise<FlowRun> => {
    const now = clock.now()
    if (readTimes.length >= MAX_READS) {
      throw new Error(`more than ${MAX_READS} status reads: the wait loop runs away`)
    }
    const step = steps[Math.min(readTimes.length, steps.length - 1)]
    readTimes.push(now)
    if (typeof step === 'function') return step(now)
    if ('fail' in step) throw step.fail
    return step
  }
  return { getRun, readTimes }
}

function retryable(message: string, extra: object = {}) {
  return new FlowApiError(message, {
    operation: 'GetPipelineRun',
    kind: 'http',
    status: 503,
    retryable: true,
    mayHaveStarted: false,
    attempts: 1,
    ...extra
  })
}

function options(
  clock: FakeClock,
  getRun: WaitOptions['getRun'],
  extra: Partial<WaitOptions> = {}
): WaitOptions & { logger: RecordingLogger } {
  return {
    getRun,
    pollIntervalMs: 10 * SEC,
    timeoutMs: 60 * 60 * SEC,
    startedAt: clock.now(),
    clock,
    random: () => 0.5,
    logger: new RecordingLogger(),
    ...extra
  } as WaitOptions & { logger: RecordingLogger }
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i])

describe('waitForRun: status sequences', () => {
  it.each(['SUCCESS', 'FAIL', 'CANCELED'])('ends when the run is %s', async final => {
    const clock = new FakeClock()
    const { getRun, readTimes } = scripted(clock, [run('RUNNING'), run('RUNNING'), run(final)])
    const opts = options(clock, getRun)
    const result = await waitForRun(opts)
    expect(result.outcome).toBe('final')
    expect(result.status).toBe(final)
    expect(result.run?.status).toBe(final)
    expect(result.reads).toBe(3)
    expect(readTimes.map(t => t - T0)).toEqual([2 * SEC, 12 * SEC, 22 * SEC])
    expect(result.elapsedMs).toBe(22 * SEC)
    expect(opts.logger.of('info')).toEqual([`[2s] run RUNNING`, `[22s] run ${final}`])
  })

  it('returns at the first read when the run already ended', async () => {
    const clock = new FakeClock()
    const { getRun, readTimes } = scripted(clock, [run('SUCCESS')])
    const result = await waitForRun(options(clock, getRun))
    expect(result).toMatchObject({ outcome: 'final', status: 'SUCCESS', reads: 1 })
    expect(readTimes).toHaveLength(1)
  })

  it('ends with the last run read, past a failed read', async () => {
    const clock = new FakeClock()
    const { getRun } = scripted(clock, [
      run('RUNNING'),
      { fail: retryable('busy') },
      run('SUCCESS')
    ])
    const result = await waitForRun(options(clock, getRun))
    expect(result).toMatchObject({ outcome: 'final', reads: 3, run: { status: 'SUCCESS' } })
  })

  it('says once that the run is WAITING, however often it is seen', async () => {
    const clock = new FakeClock()
    const { getRun } = scripted(clock, [
      run('WAITING'),
      run('WAITING'),
      run('RUNNING'),
      run('WAITING'),
      run('SUCCESS')
    ])
    const opts = options(clock, getRun)
    const result = await waitForRun(opts)
    expect(result.status).toBe('SUCCESS')
    const notes = opts.logger.of('info').filter(l => l.includes('manual approval'))
    expect(notes).toHaveLength(1)
    expect(notes[0]).toMatch(/WAITING/)
  })

  it('takes unknown statuses as not finished and names each one once', async () => {
    const clock = new FakeClock()
    const { getRun } = scripted(clock, [
      run('QUEUED'),
      run('QUEUED'),
      run('PAUSED'),
      run('QUEUED'),
      run('RUNNING'),
      run('SUCCESS')
    ])
    const opts = options(clock, getRun)
    const result = await waitForRun(opts)
    expect(result).toMatchObject({ outcome: 'final', status: 'SUCCESS', reads: 6 })
    const notes = opts.logger.of('info').filter(l => l.includes('not one this action knows'))
    expect(notes).toHaveLength(2)
    expect(notes[0]).toContain('"QUEUED"')
    expect(notes[1]).toContain('"PAUSED"')
  })
})

describe('waitForRun: cost and timing', () => {
  it('reads first after min(interval, 2s), then once per interval', async () => {
    for (const interval of [1 * SEC, 10 * SEC, 30 * SEC]) {
      const clock = new FakeClock()
      const { getRun, readTimes } = scripted(clock, [run('RUNNING'), run('RUNNING'), run('FAIL')])
      await waitForRun(options(clock, getRun, { pollIntervalMs: interval }))
      expect(readTimes[0] - T0).toBe(Math.min(interval, FIRST_READ_DELAY_MS))
      expect(gaps(readTimes)).toEqual([interval, interval])
    }
  })

  it('reads at once when the trigger was longer ago than the first-read delay', async () => {
    const clock = new FakeClock()
    const { getRun, readTimes } = scripted(clock, [run('SUCCESS')])
    await waitForRun(options(clock, getRun, { startedAt: T0 - 5 * SEC }))
    expect(readTimes).toEqual([T0])
    expect(clock.sleeps).toEqual([])
  })

  it('notices the end within one interval and never reads more often than once per interval', async () => {
    for (const endsAt of [3 * SEC, 12 * SEC, 12.001 * SEC, 47.5 * SEC, 100 * SEC]) {
      const clock = new FakeClock()
      const { getRun, readTimes } = scripted(clock, [
        now => run(now - T0 >= endsAt ? 'SUCCESS' : 'RUNNING')
      ])
      const result = await waitForRun(options(clock, getRun))
      expect(result.status).toBe('SUCCESS')
      const noticedAt = readTimes[readTimes.length - 1] - T0
      expect(noticedAt).toBeGreaterThanOrEqual(endsAt)
      expect(noticedAt - endsAt).toBeLessThanOrEqual(10 * SEC)
      for (const gap of gaps(readTimes)) expect(gap).toBeGreaterThanOrEqual(10 * SEC)
    }
  })

  it('spaces reads from their start, so a slow read does not stretch the interval', async () => {
    const clock = new FakeClock()
    const inner = scripted(clock, [run('RUNNING'), run('RUNNING'), run('SUCCESS')])
    const slowRead = async () => {
      const answer = await inner.getRun()
      clock.t += 3 * SEC // the request took 3s
      return answer
    }
    await waitForRun(options(clock, slowRead))
    expect(gaps(inner.readTimes)).toEqual([10 * SEC, 10 * SEC])
  })

  it('does not read early when a sleep wakes before its time', async () => {
    const clock = new FakeClock()
    // A timer that fires 1ms early each time.
    clock.sleep = async (ms: number) => {
      clock.sleeps.push(ms)
      clock.t += Math.max(1, ms - 1)
    }
    const { getRun, readTimes } = scripted(clock, [run('RUNNING'), run('SUCCESS')])
    await waitForRun(options(clock, getRun))
    expect(readTimes.map(t => t - T0)).toEqual([2 * SEC, 12 * SEC])
  })
})

describe('waitForRun: deadline', () => {
  it('cuts the last sleep to the deadline, reads once there, and reports TIMEOUT', async () => {
    const clock = new FakeClock()
    const { getRun, readTimes } = scripted(clock, [run('RUNNING')])
    const result = await waitForRun(options(clock, getRun, { timeoutMs: 25 * SEC }))
    expect(result.outcome).toBe('timeout')
    expect(result.status).toBe('TIMEOUT')
    expect(result.run?.status).toBe('RUNNING')
    expect(readTimes.map(t => t - T0)).toEqual([2 * SEC, 12 * SEC, 22 * SEC, 25 * SEC])
    expect(result.reads).toBe(4)
    expect(result.elapsedMs).toBe(25 * SEC)
  })

  it('reports a run that ended just before the deadline as ended, not timed out', async () => {
    const clock = new FakeClock()
    const { getRun } = scripted(clock, [now => run(now - T0 >= 24 * SEC ? 'SUCCESS' : 'RUNNING')])
    const result = await waitForRun(options(clock, getRun, { timeoutMs: 25 * SEC }))
    expect(result).toMatchObject({ outcome: 'final', status: 'SUCCESS', elapsedMs: 25 * SEC })
  })

  it('makes one read at the deadline when the timeout is shorter than the first-read delay', async () => {
    const clock = new FakeClock()
    const { getRun, readTimes } = scripted(clock, [run('RUNNING')])
    const result = await waitForRun(options(clock, getRun, { timeoutMs: 500 }))
    expect(result.status).toBe('TIMEOUT')
    expect(readTimes.map(t => t - T0)).toEqual([500])
  })

  it('gives up at the deadline when reads keep failing, keeping the last error', async () => {
    const clock = new FakeClock()
    const err = retryable('HTTP 503')
    const { getRun, readTimes } = scripted(clock, [{ fail: err }])
    const opts = options(clock, getRun, { timeoutMs: 2 * 60 * SEC, random: () => 1 - 1e-9 })
    const result = await waitForRun(opts)
    expect(result).toMatchObject({ outcome: 'timeout', status: 'TIMEOUT', run: undefined })
    expect(result.lastError).toBe(err)
    expect(readTimes[readTimes.length - 1] - T0).toBe(2 * 60 * SEC)
    for (const t of readTimes) expect(t - T0).toBeLessThanOrEqual(2 * 60 * SEC)
    expect(opts.logger.of('warning')).toHaveLength(1)
  })
})

describe('waitForRun: faults while polling', () => {
  it('backs off exponentially with jitter, at least one interval apart, and says so once per streak', async () => {
    const clock = new FakeClock()
    const e = { fail: retryable('HTTP 503 Service Unavailable') }
    const { getRun, readTimes } = scripted(clock, [
      run('RUNNING'),
      e,
      e,
      e,
      e,
      e,
      run('RUNNING'),
      e,
      run('SUCCESS')
    ])
    const opts = options(clock, getRun, { random: () => 0.75 })
    const result = await waitForRun(opts)
    expect(result).toMatchObject({ outcome: 'final', status: 'SUCCESS', reads: 9 })
    // Ceilings 20s, 40s, 60s (cap), 60s, 60s; times 0.75, floored at the 10s interval.
    expect(gaps(readTimes)).toEqual([
      10 * SEC,
      15 * SEC,
      30 * SEC,
      45 * SEC,
      45 * SEC,
      45 * SEC,
      10 * SEC,
      15 * SEC
    ])
    const warnings = opts.logger.of('warning')
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toContain('HTTP 503 Service Unavailable')
    expect(opts.logger.of('info').filter(l => l.includes('works again'))).toEqual([
      'Reading the run status works again (after 5 failed read(s)).',
      'Reading the run status works again (after 1 failed read(s)).'
    ])
  })

  it('honours Retry-After when it asks for longer than the backoff', async () => {
    const clock = new FakeClock()
    const { getRun, readTimes } = scripted(clock, [
      { fail: retryable('HTTP 429', { status: 429, retryAfterMs: 45 * SEC }) },
      { fail: retryable('HTTP 429', { status: 429, retryAfterMs: 1 * SEC }) },
      run('SUCCESS')
    ])
    await waitForRun(options(clock, getRun, { random: () => 0 }))
    expect(gaps(readTimes)).toEqual([45 * SEC, 10 * SEC])
  })

  it('reads again after an answer that is not a run ({}, an HTML page), like after a 5xx', async () => {
    const clock = new FakeClock()
    const notARun = new FlowApiError('GetPipelineRun failed: the answer is not a pipeline run', {
      operation: 'GetPipelineRun',
      kind: 'bad-answer',
      status: 200,
      retryable: false,
      mayHaveStarted: false,
      attempts: 1
    })
    const { getRun, readTimes } = scripted(clock, [
      run('RUNNING'),
      { fail: notARun },
      { fail: notARun },
      run('SUCCESS')
    ])
    const result = await waitForRun(options(clock, getRun, { random: () => 0 }))
    expect(result).toMatchObject({ outcome: 'final', status: 'SUCCESS' })
    expect(readTimes).toHaveLength(4)
  })

  it.each([
    ['401', { retryable: false, status: 401, kind: 'http' }],
    ['403', { retryable: false, status: 403, kind: 'http' }],
    ['404', { retryable: false, status: 404, kind: 'http' }],
    ['an error without retryable', {}]
  ])('rethrows %s at once', async (_name, fields) => {
    const clock = new FakeClock()
    const err = Object.assign(new Error('no access'), fields)
    const { getRun, readTimes } = scripted(clock, [run('RUNNING'), { fail: err }, run('SUCCESS')])
    await expect(waitForRun(options(clock, getRun))).rejects.toBe(err)
    expect(readTimes).toHaveLength(2)
  })
})

describe('waitForRun: a long outage', () => {
  it('says so again at most once a minute while reads keep failing, not at the last read', async () => {
    const clock = new FakeClock()
    const err = retryable('HTTP 503 Service Unavailable')
    const { getRun, readTimes } = scripted(clock, [{ fail: err }])
    // Reads every 10s (random 0: the backoff is floored at the interval), the last at 5m 02s.
    const opts = options(clock, getRun, { timeoutMs: 302 * SEC, random: () => 0 })
    const result = await waitForRun(opts)
    expect(result).toMatchObject({ outcome: 'timeout', status: 'TIMEOUT', reads: 31 })
    expect(result.lastError).toBe(err)
    expect(readTimes[readTimes.length - 1] - T0).toBe(302 * SEC)
    expect(opts.logger.of('warning')).toEqual([
      'Reading the run status failed (HTTP 503 Service Unavailable); retrying with backoff until the timeout.'
    ])
    const note = (at: string, tries: number) =>
      `[${at}] still cannot read the run: HTTP 503 Service Unavailable (${tries} tries); retrying until the deadline`
    expect(opts.logger.of('info')).toEqual([
      note('1m 02s', 7),
      note('2m 02s', 13),
      note('3m 02s', 19),
      note('4m 02s', 25)
    ])
  })

  it('counts a new minute from the start of each streak', async () => {
    const clock = new FakeClock()
    const e = { fail: retryable('HTTP 502') }
    const { getRun } = scripted(clock, [
      run('RUNNING'),
      ...Array<Step>(8).fill(e), // 12s .. 82s
      run('RUNNING'), // 92s
      ...Array<Step>(6).fill(e), // 102s .. 152s: under a minute
      run('SUCCESS')
    ])
    const opts = options(clock, getRun, { random: () => 0 })
    await waitForRun(opts)
    expect(opts.logger.of('warning')).toHaveLength(2)
    expect(opts.logger.of('info').filter(l => l.includes('still cannot read'))).toEqual([
      '[1m 12s] still cannot read the run: HTTP 502 (7 tries); retrying until the deadline'
    ])
  })

  it('keeps an error message on one line', async () => {
    const clock = new FakeClock()
    const { getRun } = scripted(clock, [{ fail: retryable('bad gateway\n::error::injected') }])
    const opts = options(clock, getRun, { timeoutMs: 90 * SEC, random: () => 0 })
    await waitForRun(opts)
    const notes = opts.logger.of('info')
    expect(notes).toEqual([
      '[1m 02s] still cannot read the run: bad gateway ::error::injected (7 tries); retrying until the deadline'
    ])
  })
})

describe('retryDelayMs', () => {
  it('stays between one interval and the growing ceiling, whatever the random draw', () => {
    for (const interval of [1 * SEC, 10 * SEC, 60 * SEC]) {
      const cap = Math.max(MAX_BACKOFF_MS, interval * 4)
      for (let failures = 1; failures <= 12; failures++) {
        const ceiling = Math.min(cap, interval * 2 ** failures)
        for (const r of [0, 0.1, 0.5, 0.9, 1 - 1e-12]) {
          const d = retryDelayMs(failures, interval, () => r)
          expect(d).toBeGreaterThanOrEqual(interval)
          expect(d).toBeLessThanOrEqual(ceiling)
        }
        expect(retryDelayMs(failures, interval, () => 1 - 1e-12)).toBe(ceiling - 1)
      }
    }
  })

  it('grows with the failures until the cap', () => {
    const top = (n: number) => retryDelayMs(n, 1 * SEC, () => 1 - 1e-12)
    expect([1, 2, 3, 4, 5, 6, 7, 40].map(top)).toEqual([
      1999, 3999, 7999, 15999, 31999, 59999, 59999, 59999
    ])
  })

  it('waits at least Retry-After', () => {
    expect(retryDelayMs(1, 10 * SEC, () => 0, 90 * SEC)).toBe(90 * SEC)
  })
})

describe('waitForRun: abort', () => {
  it('returns promptly when aborted during a sleep', async () => {
    const clock = new FakeClock()
    const controller = new AbortController()
    const { getRun, readTimes } = scripted(clock, [run('RUNNING')])
    // The abort arrives while the loop sleeps after the first read.
    clock.onSleep = () => {
      if (readTimes.length === 1) controller.abort()
    }
    const result = await waitForRun(options(clock, getRun, { signal: controller.signal }))
    expect(result).toMatchObject({ outcome: 'aborted', status: 'RUNNING', reads: 1 })
    expect(result.run?.status).toBe('RUNNING')
  })

  it('returns at once when aborted while a read hangs', async () => {
    const clock = new FakeClock()
    const controller = new AbortController()
    let readSignal: AbortSignal | undefined
    const getRun = (signal?: AbortSignal) => {
      readSignal = signal
      setImmediate(() => controller.abort())
      return new Promise<FlowRun>(() => undefined)
    }
    const result = await waitForRun(options(clock, getRun, { signal: controller.signal }))
    expect(result).toMatchObject({ outcome: 'aborted', status: 'UNKNOWN', reads: 1 })
    expect(readSignal?.aborted).toBe(true)
  })

  it('returns without reading when already aborted', async () => {
    const clock = new FakeClock()
    const controller = new AbortController()
    controller.abort()
    const { getRun, readTimes } = scripted(clock, [run('RUNNING')])
    const result = await waitForRun(options(clock, getRun, { signal: controller.signal }))
    expect(result.outcome).toBe('aborted')
    expect(readTimes).toEqual([])
  })

  it('does not take a failed read during an abort for an error', async () => {
    const clock = new FakeClock()
    const controller = new AbortController()
    const getRun = async () => {
      controller.abort()
      throw Object.assign(new Error('socket closed'), { retryable: false })
    }
    const result = await waitForRun(options(clock, getRun, { signal: controller.signal }))
    expect(result.outcome).toBe('aborted')
  })

  it('realClock.sleep wakes on abort', async () => {
    const controller = new AbortController()
    const slept = realClock.sleep(10 * 60 * SEC, controller.signal)
    setImmediate(() => controller.abort())
    await expect(slept).resolves.toBeUndefined()
    await expect(realClock.sleep(1)).resolves.toBeUndefined()
    await expect(realClock.sleep(10 * 60 * SEC, controller.signal)).resolves.toBeUndefined()
  })
})

describe('waitForRun: progress', () => {
  it('prints one line per change and nothing for polls that changed nothing', async () => {
    const clock = new FakeClock()
    const build = (s: string, j: string) => stage('Build', s, [job(1, 'Java build', j)])
    const { getRun } = scripted(clock, [
      run('RUNNING', [build('RUNNING', 'RUNNING')]),
      run('RUNNING', [build('RUNNING', 'RUNNING')]),
      run('RUNNING', [build('RUNNING', 'RUNNING')]),
      run('SUCCESS', [build('SUCCESS', 'SUCCESS')])
    ])
    const opts = options(clock, getRun)
    await waitForRun(opts)
    expect(opts.logger.of('info')).toEqual([
      '[2s] run RUNNING',
      '[2s] stage "Build" RUNNING',
      '[2s] job "Build / Java build" RUNNING',
      '[32s] job "Build / Java build" SUCCESS',
      '[32s] stage "Build" SUCCESS',
      '[32s] run SUCCESS'
    ])
  })

  it('prints a heartbeat at most once a minute while nothing changes', async () => {
    const clock = new FakeClock()
    const { getRun, readTimes } = scripted(clock, [
      now => run(now - T0 >= 200 * SEC ? 'SUCCESS' : 'RUNNING')
    ])
    const opts = options(clock, getRun)
    await waitForRun(opts)
    expect(readTimes.length).toBeGreaterThan(15)
    expect(opts.logger.of('info')).toEqual([
      '[2s] run RUNNING',
      '[1m 02s] still RUNNING',
      '[2m 02s] still RUNNING',
      '[3m 02s] still RUNNING',
      '[3m 22s] run SUCCESS'
    ])
  })
})

describe('waitForRun: jobs that end', () => {
  it('reports each job once, in stage order, however it was first seen', async () => {
    const clock = new FakeClock()
    const snapshot = (a: string, b: string, c: string, s: string) =>
      run(s, [
        stage('Build', a === 'SUCCESS' && b === 'SUCCESS' ? 'SUCCESS' : 'RUNNING', [
          job(1, 'Compile', a),
          job(2, 'Unit tests', b)
        ]),
        stage('Deploy', c === 'RUNNING' ? 'RUNNING' : undefined, c ? [job(3, 'Prod', c)] : [])
      ])
    const { getRun } = scripted(clock, [
      snapshot('SUCCESS', 'RUNNING', '', 'RUNNING'), // job 1 already ended at the first read
      snapshot('SUCCESS', 'RUNNING', '', 'RUNNING'),
      snapshot('SUCCESS', 'SUCCESS', 'RUNNING', 'RUNNING'),
      snapshot('SUCCESS', 'SUCCESS', 'FAIL', 'FAIL') // job 3 ended with the run
    ])
    const ended: string[] = []
    const opts = options(clock, getRun, {
      onJobEnded: async (s, j) => {
        ended.push(`${s.name}/${j.name}:${j.status}`)
      }
    })
    const result = await waitForRun(opts)
    expect(result.status).toBe('FAIL')
    expect(ended).toEqual(['Build/Compile:SUCCESS', 'Build/Unit tests:SUCCESS', 'Deploy/Prod:FAIL'])
  })

  it('reports jobs that ended between two reads, and all of them before returning', async () => {
    const clock = new FakeClock()
    const { getRun } = scripted(clock, [
      run('RUNNING', [stage('A', 'RUNNING', [])]),
      run('SUCCESS', [
        stage('A', 'SUCCESS', [job(1, 'one', 'SUCCESS'), job(2, 'two', 'CANCELED')]),
        stage('B', 'SUCCESS', [job(3, 'three', 'SUCCESS')])
      ])
    ])
    const ended: number[] = []
    let returned = false
    const result = waitForRun(
      options(clock, getRun, {
        onJobEnded: async (_s, j) => {
          await new Promise(resolve => setImmediate(resolve))
          expect(returned).toBe(false)
          ended.push(j.id!)
        }
      })
    ).then(r => {
      returned = true
      return r
    })
    expect((await result).status).toBe('SUCCESS')
    expect(ended).toEqual([1, 2, 3])
  })

  it('turns a failing onJobEnded into a warning and goes on', async () => {
    const clock = new FakeClock()
    const { getRun } = scripted(clock, [
      run('SUCCESS', [stage('A', 'SUCCESS', [job(1, 'one', 'SUCCESS'), job(2, 'two', 'SUCCESS')])])
    ])
    const ended: number[] = []
    const opts = options(clock, getRun, {
      onJobEnded: async (_s, j) => {
        if (j.id === 1) throw new Error('log service down')
        ended.push(j.id!)
      }
    })
    const result = await waitForRun(opts)
    expect(result.outcome).toBe('final')
    expect(ended).toEqual([2])
    expect(opts.logger.of('warning')).toEqual([
      'Could not report the end of job "A / one": log service down'
    ])
  })

  it('tolerates runs without stages, stages without stageInfo and jobs without ids', async () => {
    const clock = new FakeClock()
    const odd = {
      status: 'SUCCESS',
      stages: [
        { name: 'bare' },
        { name: 'nojobs', stageInfo: { status: 'SUCCESS' } },
        { name: 'anon', stageInfo: { jobs: [{ name: 'x', status: 'FAIL' }] } }
      ]
    } as unknown as FlowRun
    const { getRun } = scripted(clock, [{ status: 'RUNNING' }, odd])
    const ended: string[] = []
    const result = await waitForRun(
      options(clock, getRun, {
        onJobEnded: async (s, j) => {
          ended.push(`${s.name}/${j.name}`)
        }
      })
    )
    expect(result.status).toBe('SUCCESS')
    expect(ended).toEqual(['anon/x'])
  })

  it('waits for a slow call that ends before the deadline, then reads at once', async () => {
    const clock = new FakeClock()
    const { getRun, readTimes } = scripted(clock, [
      run('RUNNING', [stage('A', 'RUNNING', [job(1, 'one', 'FAIL')])]),
      run('RUNNING'),
      run('SUCCESS')
    ])
    let abortedWhileRunning: boolean | undefined
    const opts = options(clock, getRun, {
      onJobEnded: async (_s, _j, signal) => {
        await clock.sleep(25 * SEC)
        abortedWhileRunning = signal.aborted
      }
    })
    const result = await waitForRun(opts)
    expect(result).toMatchObject({ outcome: 'final', status: 'SUCCESS' })
    expect(abortedWhileRunning).toBe(false)
    expect(readTimes.map(t => t - T0)).toEqual([2 * SEC, 27 * SEC, 37 * SEC])
    expect(opts.logger.of('warning')).toEqual([])
  })

  it('gives up at the deadline on a call that hangs, and times out there', async () => {
    const clock = new FakeClock()
    const { getRun, readTimes } = scripted(clock, [
      run('RUNNING', [stage('A', 'RUNNING', [job(1, 'one', 'FAIL'), job(2, 'two', 'FAIL')])])
    ])
    const calls: Array<{ id: number; signal: AbortSignal }> = []
    const opts = options(clock, getRun, {
      timeoutMs: 60 * SEC,
      onJobEnded: (_s, j, signal) => {
        calls.push({ id: j.id!, signal })
        return new Promise<void>(() => undefined)
      }
    })
    const result = await waitForRun(opts)
    expect(result).toMatchObject({ outcome: 'timeout', status: 'TIMEOUT', elapsedMs: 60 * SEC })
    // One last read at the deadline, as without the hang; no read after it.
    expect(readTimes.map(t => t - T0)).toEqual([2 * SEC, 60 * SEC])
    expect(calls.map(c => c.id)).toEqual([1])
    expect(calls[0].signal.aborted).toBe(true)
    expect(opts.logger.of('warning')).toEqual([
      'Gave up on the log of job "A / one" at the timeout; it was not copied.'
    ])
    expect(opts.logger.of('info')).toContain(
      'The timeout was reached: the logs of 1 more ended job(s) were not looked at.'
    )
  })

  it('still reports a run that ended when a call hung until the deadline', async () => {
    const clock = new FakeClock()
    const { getRun } = scripted(clock, [
      run('RUNNING', [stage('A', 'RUNNING', [job(1, 'one', 'FAIL')])]),
      run('FAIL', [stage('A', 'FAIL', [job(1, 'one', 'FAIL')])])
    ])
    const opts = options(clock, getRun, {
      timeoutMs: 30 * SEC,
      onJobEnded: () => new Promise<void>(() => undefined)
    })
    const result = await waitForRun(opts)
    expect(result).toMatchObject({ outcome: 'final', status: 'FAIL', reads: 2 })
    expect(result.elapsedMs).toBe(30 * SEC)
  })

  it('returns at once when aborted while a call hangs, and aborts the call', async () => {
    const clock = new FakeClock()
    const controller = new AbortController()
    const { getRun } = scripted(clock, [
      run('RUNNING', [stage('A', 'RUNNING', [job(1, 'one', 'FAIL'), job(2, 'two', 'FAIL')])])
    ])
    const signals: AbortSignal[] = []
    const opts = options(clock, getRun, {
      signal: controller.signal,
      onJobEnded: (_s, _j, signal) => {
        signals.push(signal)
        setImmediate(() => controller.abort())
        return new Promise<void>(() => undefined)
      }
    })
    const result = await waitForRun(opts)
    expect(result).toMatchObject({ outcome: 'aborted', status: 'RUNNING', reads: 1 })
    expect(result.elapsedMs).toBe(2 * SEC)
    expect(signals).toHaveLength(1)
    expect(signals[0].aborted).toBe(true)
    expect(opts.logger.of('warning')).toEqual([])
  })
})

/** Whether the runner would take any line within `line` as a workflow command. */
function commandLike(line: string): boolean {
  return line.split(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/).some(l => /^\s*(::|##\[)/.test(l))
}

describe('waitForRun: names and statuses from Yunxiao', () => {
  it('prints nothing the runner would take for a command', async () => {
    const clock = new FakeClock()
    const evil = (s: string) => `${s}\n::warning::x\r::error::y\u2028::set-output name=a::b`
    const snap = (st: string) =>
      run(evil('ODD'), [stage(evil('Test'), st, [job(1, evil('Deploy'), st)])])
    const { getRun } = scripted(clock, [snap('RUNNING'), snap('RUNNING'), snap('FAIL')])
    const lines: string[] = []
    const opts = options(clock, getRun, {
      timeoutMs: 90 * SEC,
      onJobEnded: async () => {
        throw new Error(evil('log read failed'))
      }
    })
    await waitForRun(opts)
    lines.push(...opts.logger.of('info'), ...opts.logger.of('warning'))
    expect(lines.length).toBeGreaterThan(4)
    expect(lines.filter(commandLike)).toEqual([])
    expect(lines).toContain(
      '[2s] stage "Test ::warning::x ::error::y ::set-output name=a::b" RUNNING'
    )
    // The check can fail: the names themselves would.
    expect(commandLike(evil('Test'))).toBe(true)
  })
})

describe('waitForRun: onSnapshot', () => {
  it('is awaited after each read of a run not yet final; halt ends the wait', async () => {
    const clock = new FakeClock()
    const { getRun } = scripted(clock, [run('RUNNING'), run('WAITING'), run('WAITING')])
    const seen: string[] = []
    const result = await waitForRun(
      options(clock, getRun, {
        onSnapshot: async r => {
          seen.push(String(r.status))
          return r.status === 'WAITING' ? 'halt' : 'continue'
        }
      })
    )
    expect(result).toMatchObject({ outcome: 'halted', status: 'WAITING', reads: 2 })
    expect(seen).toEqual(['RUNNING', 'WAITING'])
  })

  it('is not called for a final run', async () => {
    const clock = new FakeClock()
    const { getRun } = scripted(clock, [run('SUCCESS')])
    let calls = 0
    const result = await waitForRun(
      options(clock, getRun, {
        onSnapshot: async () => {
          calls++
          return 'continue'
        }
      })
    )
    expect(result.outcome).toBe('final')
    expect(calls).toBe(0)
  })

  it('a cancel during it is waited out, then seen at once: aborted, no further read', async () => {
    const clock = new FakeClock()
    const { getRun, readTimes } = scripted(clock, [run('WAITING')])
    const controller = new AbortController()
    let finished = false
    const result = await waitForRun(
      options(clock, getRun, {
        signal: controller.signal,
        onSnapshot: async () => {
          controller.abort()
          await new Promise(r => setImmediate(r))
          finished = true
          return 'continue'
        }
      })
    )
    expect(finished).toBe(true)
    expect(result.outcome).toBe('aborted')
    expect(readTimes).toHaveLength(1)
  })

  it('an error in it becomes a warning and the wait goes on', async () => {
    const clock = new FakeClock()
    const { getRun } = scripted(clock, [run('RUNNING'), run('SUCCESS')])
    const opts = options(clock, getRun, {
      onSnapshot: async () => {
        throw new Error('boom')
      }
    })
    const result = await waitForRun(opts)
    expect(result.status).toBe('SUCCESS')
    expect(opts.logger.of('warning')).toEqual(["Could not look at the run's manual gates: boom"])
  })
})
