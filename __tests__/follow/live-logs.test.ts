// The live step-log reader (logs: live) with scripted step calls and a fake clock: what it asks
// for, when, and what it prints.
import { describe, expect, it } from '@jest/globals'
import { FlowApiError } from '../../src/flow/errors.js'
import type { FlowJobStep, FlowRun, FlowStepLog } from '../../src/flow/types.js'
import { LIVE_JOBS_PER_POLL, LiveLogs, type StepPage } from '../../src/follow/live-logs.js'
import type { Logger } from '../../src/common/logger.js'

const RUN_URL = 'https://flow.aliyun.com/pipelines/7/builds/3'

function runOf(jobs: Array<{ id: number; status: string }>): FlowRun {
  return {
    status: 'RUNNING',
    stages: [{ name: 'S', stageInfo: { jobs: jobs.map(j => ({ ...j, name: `J${j.id}` })) } }]
  }
}

/** A reader over scripted answers: `pages[jobId]` answered in turn (then "nothing new"). */
function harness(pages: Record<number, Array<FlowStepLog | Error>>, maxJobBytes?: number) {
  let now = 0
  const lines: string[] = []
  const asked: Array<{ jobId: number; offset: number }> = []
  const stepsRead: number[] = []
  const logger: Logger = {
    info: l => lines.push(l),
    warning: l => lines.push(`warning: ${l}`),
    error: l => lines.push(`error: ${l}`),
    startGroup: n => lines.push(`group: ${n}`),
    endGroup: () => lines.push('endgroup')
  }
  const live = new LiveLogs({
    logger,
    runUrl: RUN_URL,
    pollIntervalMs: 2000,
    now: () => now,
    maxJobBytes,
    getJobLog: async () => ({ content: 'whole log\nits end\n' }),
    getSteps: async (jobId): Promise<FlowJobStep[]> => {
      stepsRead.push(jobId)
      return [{ buildId: 1, stepIndex: 0, stepName: 'run', status: 'RUNNING' }]
    },
    getStepLog: async (jobId: number, page: StepPage) => {
      asked.push({ jobId, offset: page.offset })
      const answer = pages[jobId]?.shift() ?? { last: page.offset - 1, logs: '', more: true }
      if (answer instanceof Error) throw answer
      return answer
    }
  })
  return { live, lines, asked, stepsRead, tick: (ms: number) => (now += ms) }
}

const busy = (retryAfterMs?: number) =>
  new FlowApiError('busy', {
    operation: 'GetPipelineJobStepLog',
    kind: 'http',
    status: 429,
    retryable: true,
    mayHaveStarted: false,
    attempts: 1,
    ...(retryAfterMs ? { retryAfterMs } : {})
  })

describe('LiveLogs', () => {
  it('resumes a failed read from the same offset, not before the Retry-After', async () => {
    const h = harness({ 1: [{ last: 2, logs: 'a\nb\n', more: true }, busy(5000)] })
    const run = runOf([{ id: 1, status: 'RUNNING' }])
    await h.live.poll(run)
    await h.live.poll(run) // page 2 fails with 429, Retry-After 5 s
    h.tick(2000)
    await h.live.poll(run) // still inside the Retry-After: nothing read
    h.tick(3000)
    await h.live.poll(run)
    expect(h.asked.map(a => a.offset)).toEqual([1, 3, 3])
    expect(h.stepsRead).toHaveLength(3)
    expect(h.lines.filter(l => l.startsWith('warning'))).toHaveLength(1)
    expect(h.lines.filter(l => l.startsWith('['))).toEqual(['[S / J1 / run] a', '[S / J1 / run] b'])
  })

  it('reads a bounded number of jobs per poll, the others first at the next', async () => {
    const jobs = Array.from({ length: LIVE_JOBS_PER_POLL + 2 }, (_, i) => ({
      id: i + 1,
      status: 'RUNNING'
    }))
    const h = harness({})
    await h.live.poll(runOf(jobs))
    expect(h.stepsRead).toEqual([1, 2, 3, 4])
    h.tick(10)
    await h.live.poll(runOf(jobs))
    expect(h.stepsRead.slice(4)).toEqual([5, 6, 1, 2])
    // `more: true` with nothing new: one read per step and poll, no loop.
    expect(h.asked).toHaveLength(8)
  })

  it('joins a CRLF cut between answers and a line cut in two; flushes the last part at the end', async () => {
    const h = harness({
      1: [
        { last: 1, logs: 'one\r', more: true },
        { last: 2, logs: '\ntw', more: true },
        { last: 3, logs: 'o\nthree', more: false }
      ]
    })
    const run = runOf([{ id: 1, status: 'RUNNING' }])
    for (let i = 0; i < 3; i++) await h.live.poll(run)
    expect(h.lines).toEqual(['[S / J1 / run] one', '[S / J1 / run] two'])
    const ended = { id: 1, name: 'J1', status: 'SUCCESS' }
    await h.live.onJobEnded({ name: 'S' }, ended, new AbortController().signal, 'S / J1')
    expect(h.lines.slice(2)).toEqual(['[S / J1 / run] three'])
  })

  it('stops at the cap with one line, and a failed job gets the end of its log and the annotation', async () => {
    const h = harness(
      { 1: [{ last: 3, logs: 'x'.repeat(40) + '\nsecond\nthird\n', more: true }] },
      60
    )
    await h.live.poll(runOf([{ id: 1, status: 'RUNNING' }]))
    await h.live.poll(runOf([{ id: 1, status: 'RUNNING' }]))
    const failed = { id: 1, name: 'J1', status: 'FAIL' }
    await h.live.onJobEnded({ name: 'S' }, failed, new AbortController().signal, 'S / J1')
    expect(h.lines.slice(0, 3)).toEqual([
      `[S / J1 / run] ${'x'.repeat(40)}`,
      `[S / J1] ... the rest of this job's log is not copied here: ${RUN_URL}`,
      'group: S / J1 (FAIL)'
    ])
    expect(h.lines.at(-1)).toBe(`error: Job "S / J1" failed; its log is above. Run: ${RUN_URL}`)
    expect(h.lines).toContain('its end')
    expect(h.asked).toHaveLength(1) // nothing read past the cap
  })

  it('falls back after one warning when the steps answer is not one', async () => {
    const h = harness({})
    const bad = new FlowApiError('not steps', {
      operation: 'GetPipelineJobSteps',
      kind: 'bad-answer',
      retryable: false,
      mayHaveStarted: false,
      attempts: 1
    })
    const live = new LiveLogs({
      logger: {
        info: l => h.lines.push(l),
        warning: l => h.lines.push(`warning: ${l}`),
        startGroup: n => h.lines.push(`group: ${n}`),
        endGroup: () => h.lines.push('endgroup')
      },
      runUrl: RUN_URL,
      pollIntervalMs: 1000,
      getJobLog: async () => ({ content: 'whole\n' }),
      getSteps: async () => Promise.reject(bad),
      getStepLog: async () => Promise.reject(new Error('not called'))
    })
    await live.poll(
      runOf([
        { id: 1, status: 'RUNNING' },
        { id: 2, status: 'RUNNING' }
      ])
    )
    await live.poll(runOf([{ id: 1, status: 'RUNNING' }]))
    const signal = new AbortController().signal
    await live.onJobEnded({ name: 'S' }, { id: 1, name: 'J1', status: 'SUCCESS' }, signal, 'S / J1')
    expect(h.lines.filter(l => l.startsWith('warning'))).toHaveLength(1)
    expect(h.lines).toContain('group: S / J1 (SUCCESS)')
    expect(h.lines).toContain('whole')
  })
})
