import { describe, expect, it } from '@jest/globals'
import { FlowApiError, type FlowApiErrorFields } from '../../src/flow/errors.js'
import type { FlowJob, FlowRun } from '../../src/flow/types.js'
import { GateKeeper, waitingGates, type GateKeeperOptions } from '../../src/follow/gates.js'
import type { Logger } from '../../src/common/logger.js'

const URL = 'https://flow.aliyun.com/pipelines/7/builds/3'

function passAction(disable = false, validators: unknown[] = ['u1']) {
  return { type: 'PassPipelineValidate', displayType: 'BUTTON', disable, params: { validators } }
}

function gateJob(id: number, status = 'WAITING', extra: Partial<FlowJob> = {}): FlowJob {
  return {
    id,
    name: `Approval ${id}`,
    status,
    actions: [{ type: 'LogPipelineJobRun' }, passAction(), { type: 'RefusePipelineValidate' }],
    ...extra
  }
}

function runOf(status: string, ...jobs: FlowJob[]): FlowRun {
  return {
    status,
    stages: [
      {
        name: 'Build',
        stageInfo: { status: 'SUCCESS', jobs: [{ id: 1, name: 'Compile', status: 'SUCCESS' }] }
      },
      { name: 'Gate', stageInfo: { status, jobs } }
    ]
  }
}

function recorder() {
  const lines: string[] = []
  const logger: Logger = {
    info: l => lines.push(`info: ${l}`),
    warning: l => lines.push(`warning: ${l}`),
    startGroup: () => undefined,
    endGroup: () => undefined
  }
  return { lines, logger }
}

function keeper(extra: Partial<GateKeeperOptions> = {}) {
  const { lines, logger } = recorder()
  const passes: number[] = []
  const k = new GateKeeper({
    mode: 'approve',
    runUrl: URL,
    logger,
    startedByStep: true,
    pass: async id => {
      passes.push(id)
    },
    ...extra
  })
  return { k, lines, passes }
}

const apiError = (message: string, fields: Partial<FlowApiErrorFields>) =>
  new FlowApiError(message, {
    operation: 'PassPipelineValidate',
    kind: 'http',
    retryable: false,
    mayHaveStarted: false,
    attempts: 1,
    ...fields
  })

describe('waitingGates', () => {
  it('finds jobs not ended with a PassPipelineValidate action, whatever their status, with stage, validators and disable', () => {
    const run = runOf(
      'WAITING',
      gateJob(5),
      gateJob(6, 'WAITING', { actions: [passAction(true, ['x', 7, null])] }),
      // waiting without a gate action: waiting for a machine, not a person
      { id: 8, name: 'Queued', status: 'WAITING', actions: [{ type: 'LogPipelineJobRun' }] },
      // a gate job whose status a server calls RUNNING: it waits at the gate all the same
      gateJob(9, 'RUNNING'),
      // a disabled pass on a job that is not WAITING, and a pass left on an ended job: no gate
      gateJob(10, 'RUNNING', { actions: [passAction(true)] }),
      gateJob(11, 'SUCCESS'),
      gateJob(12, 'CANCELED')
    )
    expect(waitingGates(run)).toEqual([
      {
        jobId: 5,
        job: 'Approval 5',
        label: 'Gate / Approval 5',
        key: 'job:5',
        place: '1/0',
        passable: true,
        validators: ['u1']
      },
      {
        jobId: 6,
        job: 'Approval 6',
        label: 'Gate / Approval 6',
        key: 'job:6',
        place: '1/1',
        passable: false,
        validators: ['x', '7']
      },
      {
        jobId: 9,
        job: 'Approval 9',
        label: 'Gate / Approval 9',
        key: 'job:9',
        place: '1/3',
        passable: true,
        validators: ['u1']
      }
    ])
  })

  it('survives odd shapes: no stages, no actions, null entries, names with line breaks', () => {
    expect(waitingGates({ status: 'WAITING' })).toEqual([])
    expect(
      waitingGates({
        status: 'WAITING',
        stages: [
          null as never,
          {
            name: 'S',
            stageInfo: { jobs: [null as never, { id: 1, name: 'a', status: 'WAITING' }] }
          }
        ]
      })
    ).toEqual([])
    const [gate] = waitingGates(runOf('WAITING', gateJob(4, 'WAITING', { name: 'Go\n::error::x' })))
    expect(gate.label).toBe('Gate / Go ::error::x')
  })
})

describe('GateKeeper', () => {
  it('wait: says so once per gate, with the link, and never passes', async () => {
    const { k, lines, passes } = keeper({ mode: 'wait' })
    const run = runOf('WAITING', gateJob(5))
    for (let i = 0; i < 3; i++) expect(await k.inspect(run)).toBeUndefined()
    expect(lines).toEqual([
      `info: Job "Gate / Approval 5" waits at a manual gate: pass or refuse it in Yunxiao (${URL}); waiting on until the timeout (on-manual-gate: wait).`
    ])
    expect(passes).toEqual([])
    expect(k.lastGateJob).toBe('Approval 5')
  })

  it('fail: the first gate halts, naming the job and the link', async () => {
    const { k, passes } = keeper({ mode: 'fail' })
    expect(await k.inspect(runOf('RUNNING'))).toBeUndefined()
    const verdict = await k.inspect(runOf('WAITING', gateJob(5)))
    expect(verdict).toContain('Job "Gate / Approval 5" waits at a manual gate')
    expect(verdict).toContain('on-manual-gate is fail')
    expect(verdict).toContain(URL)
    expect(passes).toEqual([])
  })

  it('fail: also a gate already waiting at the first read of a run the step did not start', async () => {
    const { k } = keeper({ mode: 'fail', startedByStep: false })
    expect(await k.inspect(runOf('WAITING', gateJob(5)))).toContain('on-manual-gate is fail')
  })

  it('approve: passes each gate once, in order, and says so', async () => {
    const { k, lines, passes } = keeper()
    await k.inspect(runOf('WAITING', gateJob(5), gateJob(6)))
    await k.inspect(runOf('WAITING', gateJob(5), gateJob(6))) // the server has not caught up yet
    await k.inspect(runOf('WAITING', gateJob(7)))
    expect(passes).toEqual([5, 6, 7])
    expect(lines.filter(l => l.startsWith('info: Passed'))).toEqual([
      'info: Passed the manual gate of job "Gate / Approval 5".',
      'info: Passed the manual gate of job "Gate / Approval 6".',
      'info: Passed the manual gate of job "Gate / Approval 7".'
    ])
    expect(k.lastGateJob).toBe('Approval 7')
  })

  it('approve, a run the step did not start: a gate waiting at the first read is left to a person', async () => {
    const { k, lines, passes } = keeper({ startedByStep: false })
    const waiting = runOf('WAITING', gateJob(5))
    await k.inspect(waiting)
    await k.inspect(waiting)
    expect(passes).toEqual([])
    expect(lines).toEqual([
      `info: Job "Gate / Approval 5" was already waiting at a manual gate when this step began following the run; on-manual-gate: approve passes only gates reached while it follows, so this one is left to a person: ${URL}`
    ])
    // a gate reached later is passed
    await k.inspect(runOf('WAITING', gateJob(6)))
    expect(passes).toEqual([6])
  })

  it('approve, a run the step started: a gate waiting at the first read is passed', async () => {
    const { k, passes } = keeper({ startedByStep: true })
    await k.inspect(runOf('WAITING', gateJob(5)))
    expect(passes).toEqual([5])
  })

  it('approve: a gate disabled for the token halts at once, with the validators, and sends nothing', async () => {
    const { k, passes } = keeper()
    const verdict = await k.inspect(
      runOf('WAITING', gateJob(5, 'WAITING', { actions: [passAction(true, ['alice', 'bob'])] }))
    )
    expect(passes).toEqual([])
    expect(verdict).toMatch(
      /disable: true\), so nothing was sent.*validators \(validators: alice, bob\).*left waiting/
    )
  })

  it('approve: a gate job without an id cannot be passed', async () => {
    const { k, passes } = keeper()
    const verdict = await k.inspect(
      runOf('WAITING', gateJob(5, 'WAITING', { id: undefined as never }))
    )
    expect(passes).toEqual([])
    expect(verdict).toContain('gives the job no id')
  })

  it('approve: 403 halts with the hint; it is not sent again', async () => {
    let calls = 0
    const { k } = keeper({
      pass: async () => {
        calls++
        throw apiError('PassPipelineValidate failed: HTTP 403 Forbidden.', {
          kind: 'http',
          status: 403
        })
      }
    })
    const verdict = await k.inspect(runOf('WAITING', gateJob(5)))
    expect(verdict).toContain(
      "HTTP 403 Forbidden. The token's user must be one of the gate's validators (u1)"
    )
    expect(verdict).toContain('The gate was not passed')
    await k.inspect(runOf('WAITING', gateJob(5)))
    expect(calls).toBe(1)
  })

  it('approve: a failure that may have passed it halts and says so', async () => {
    const { k } = keeper({
      pass: async () => {
        throw apiError('PassPipelineValidate failed: no answer within 5 s.', {
          kind: 'timeout',
          mayHaveStarted: true
        })
      }
    })
    const verdict = await k.inspect(runOf('WAITING', gateJob(5)))
    expect(verdict).toMatch(
      /may have passed it all the same.*It was not sent again\. Check the run/
    )
  })

  it('approve: 400 (no longer waiting there) is a warning; following goes on, no second pass', async () => {
    let calls = 0
    const { k, lines } = keeper({
      pass: async () => {
        calls++
        throw apiError('PassPipelineValidate failed: HTTP 400 Bad Request.', {
          kind: 'http',
          status: 400
        })
      }
    })
    expect(await k.inspect(runOf('WAITING', gateJob(5)))).toBeUndefined()
    expect(await k.inspect(runOf('WAITING', gateJob(5)))).toBeUndefined()
    expect(calls).toBe(1)
    expect(lines.some(l => l.startsWith('warning: Yunxiao did not take the pass'))).toBe(true)
  })

  it('approve: nothing is sent once the job is being cancelled', async () => {
    const controller = new AbortController()
    controller.abort()
    const { k, lines, passes } = keeper({ signal: controller.signal })
    expect(await k.inspect(runOf('WAITING', gateJob(5)))).toBeUndefined()
    expect(passes).toEqual([])
    expect(lines).toEqual([
      'info: Not passing the manual gate of job "Gate / Approval 5": the GitHub job is being cancelled (nothing was sent).'
    ])
  })

  it('approve: a cancel while the pass is under way: it finishes, and the log says it was passed', async () => {
    const controller = new AbortController()
    const { k, lines } = keeper({
      signal: controller.signal,
      pass: async () => {
        controller.abort()
        await new Promise(r => setImmediate(r))
      }
    })
    await k.inspect(runOf('WAITING', gateJob(5)))
    expect(lines.at(-1)).toBe(
      'info: Passed the manual gate of job "Gate / Approval 5". The GitHub job was cancelled while the request was under way; Yunxiao had taken it, so the gate is passed.'
    )
  })

  it('approve: a cancel while a pass fails: no halt (the cancel goes on and stops the run); a warning says it was not passed', async () => {
    const controller = new AbortController()
    const { k, lines } = keeper({
      signal: controller.signal,
      pass: async () => {
        controller.abort()
        throw apiError('PassPipelineValidate failed: HTTP 403 Forbidden.', {
          kind: 'http',
          status: 403
        })
      }
    })
    const verdict = await k.inspect(runOf('WAITING', gateJob(5)))
    expect(verdict).toBeUndefined()
    expect(lines.at(-1)).toMatch(
      /^warning: Passing the manual gate of job "Gate \/ Approval 5" did not succeed while the GitHub job was being cancelled: .*403.* It was not sent again; the cancel goes on\.$/
    )
  })

  it('approve, a run the step did not start: a gate waiting at the first read is left to a person even when its id appears only later', async () => {
    const { k, passes } = keeper({ startedByStep: false })
    // the first read gives the job no id; the next ones do
    await k.inspect(runOf('WAITING', { ...gateJob(5), id: undefined }))
    await k.inspect(runOf('WAITING', gateJob(5)))
    await k.inspect(runOf('WAITING', gateJob(5)))
    expect(passes).toEqual([])
  })

  it('a final run has no gates to act on', async () => {
    const { k, passes } = keeper()
    expect(await k.inspect(runOf('FAIL', gateJob(5)))).toBeUndefined()
    expect(passes).toEqual([])
  })
})
