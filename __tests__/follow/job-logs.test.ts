import { describe, expect, it, jest } from '@jest/globals'
import type { FlowJob, FlowJobLog, FlowStage } from '../../src/flow/types.js'
import {
  createJobLogPrinter,
  DEFAULT_MAX_LOG_BYTES,
  tailOfLog,
  type JobLogPrinterOptions
} from '../../src/follow/job-logs.js'
import type { Logger } from '../../src/common/logger.js'

const RUN_URL = 'https://flow.aliyun.com/pipelines/7/builds/3'

type Event = { level: 'info' | 'warning' | 'error' | 'group' | 'endgroup'; text: string }

class RecordingLogger implements Logger {
  events: Event[] = []
  info(text: string) {
    this.events.push({ level: 'info', text })
  }
  warning(text: string) {
    this.events.push({ level: 'warning', text })
  }
  error(text: string) {
    this.events.push({ level: 'error', text })
  }
  startGroup(text: string) {
    this.events.push({ level: 'group', text })
  }
  endGroup() {
    this.events.push({ level: 'endgroup', text: '' })
  }
  /** What the GitHub log would show, with groups and annotations rendered as the runner writes them. */
  transcript(): string[] {
    return this.events.map(e =>
      e.level === 'info'
        ? e.text
        : e.level === 'group'
          ? `::group::${e.text}`
          : e.level === 'endgroup'
            ? '::endgroup::'
            : `::${e.level}::${e.text}`
    )
  }
}

/**
 * The runner's handling of workflow commands on stdout (actions/runner ActionCommandManager): lines
 * that parse as `::command...::` are processed, except while stopped by `::stop-commands::<token>`,
 * until a `::<token>::` line (compared case-insensitively). Returns the commands that took effect.
 */
function runnerCommands(lines: string[]): string[] {
  const processed: string[] = []
  let stopToken: string | undefined
  for (const raw of lines.flatMap(l => l.split(/\r\n|\r|\n/))) {
    const line = raw.trimStart()
    const match = /^::([^\s:]+)(?:\s[^:]*)?::(.*)$/.exec(line)
    if (!match) continue
    const [, command, data] = match
    if (stopToken !== undefined) {
      if (command.toLowerCase() === stopToken.toLowerCase()) {
        processed.push('resume')
        stopToken = undefined
      }
      continue
    }
    if (command === 'stop-commands') {
      stopToken = data
      processed.push('stop-commands')
      continue
    }
    processed.push(`${command}${data ? `:${data}` : ''}`)
  }
  return processed
}

const stage: FlowStage = { index: 'Group0-Stage0', name: 'Build', stageInfo: { name: 'Build' } }
const job = (status: string, id = 21212): FlowJob => ({ id, name: 'Java build', status })

function printer(
  content: string | (() => Promise<FlowJobLog>),
  extra: Partial<JobLogPrinterOptions> = {}
) {
  const logger = new RecordingLogger()
  const getJobLog = jest.fn<(jobId: number, signal?: AbortSignal) => Promise<FlowJobLog>>(
    typeof content === 'string' ? async () => ({ content, more: false }) : content
  )
  const print = createJobLogPrinter({
    getJobLog,
    mode: 'failed',
    logger,
    runUrl: RUN_URL,
    newStopToken: () => 'TOKEN-1',
    ...extra
  })
  return { print, logger, getJobLog }
}

describe('createJobLogPrinter: modes', () => {
  it("'failed' prints a failed job's log in a group, then an error annotation naming the job", async () => {
    const { print, logger, getJobLog } = printer('step 1\nstep 2 failed\n')
    await print(stage, job('FAIL'))
    expect(getJobLog).toHaveBeenCalledWith(21212, undefined)
    expect(logger.transcript()).toEqual([
      '::group::Build / Java build (FAIL)',
      '::stop-commands::TOKEN-1',
      'step 1',
      'step 2 failed',
      '::TOKEN-1::',
      '::endgroup::',
      `::error::Job "Build / Java build" failed; its log is above. Run: ${RUN_URL}`
    ])
  })

  it('names the job as the wait loop named it, by its place in the run (an unnamed third stage is "stage 3")', async () => {
    const { print, logger } = printer('x')
    await print({ stageInfo: {} }, { id: 5, status: 'FAIL' }, undefined, 'stage 3 / job 5')
    expect(logger.transcript()[0]).toBe('::group::stage 3 / job 5 (FAIL)')
    expect(logger.transcript().at(-1)).toBe(
      `::error::Job "stage 3 / job 5" failed; its log is above. Run: ${RUN_URL}`
    )
  })

  it('says a log cannot be read when the job has no id, without asking for it', async () => {
    const { print, logger, getJobLog } = printer('x')
    await print(stage, { name: 'no id', status: 'FAIL' })
    expect(getJobLog).not.toHaveBeenCalled()
    expect(logger.transcript().join('\n')).toMatch(
      /Could not read the log of job "Build \/ no id" \(Yunxiao gave no id for this job\)/
    )
  })

  it.each(['SUCCESS', 'CANCELED'])("'failed' skips a %s job without reading its log", async s => {
    const { print, logger, getJobLog } = printer('fine')
    await print(stage, job(s))
    expect(getJobLog).not.toHaveBeenCalled()
    expect(logger.events).toEqual([])
  })

  it("'all' prints every ended job, annotating only failures", async () => {
    const { print, logger } = printer('hello', { mode: 'all' })
    await print(stage, job('SUCCESS'))
    await print(stage, job('CANCELED'))
    await print(stage, job('FAIL'))
    const t = logger.transcript()
    expect(t.filter(l => l.startsWith('::group::'))).toEqual([
      '::group::Build / Java build (SUCCESS)',
      '::group::Build / Java build (CANCELED)',
      '::group::Build / Java build (FAIL)'
    ])
    expect(t.filter(l => l === 'hello')).toHaveLength(3)
    expect(logger.events.filter(e => e.level === 'error')).toHaveLength(1)
  })

  it("'none' prints nothing and reads nothing, even for a failed job", async () => {
    const { print, logger, getJobLog } = printer('boom', { mode: 'none' })
    await print(stage, job('FAIL'))
    expect(getJobLog).not.toHaveBeenCalled()
    expect(logger.events).toEqual([])
  })

  it('says when the log is empty and when Yunxiao has more of it', async () => {
    const { print, logger } = printer(async () => ({ content: '', more: true }), { mode: 'all' })
    await print(stage, job('SUCCESS'))
    expect(logger.transcript()).toEqual([
      '::group::Build / Java build (SUCCESS)',
      '(the log is empty)',
      `(Yunxiao has more of this log: ${RUN_URL})`,
      '::endgroup::'
    ])
  })

  it('uses warning for the annotation when the logger has no error', async () => {
    const events: string[] = []
    const print = createJobLogPrinter({
      getJobLog: async () => ({ content: 'x' }),
      mode: 'failed',
      runUrl: RUN_URL,
      logger: {
        info: () => undefined,
        warning: l => events.push(l),
        startGroup: () => undefined,
        endGroup: () => undefined
      }
    })
    await print(stage, job('FAIL'))
    expect(events).toEqual([`Job "Build / Java build" failed; its log is above. Run: ${RUN_URL}`])
  })

  it('applies redact to the log text', async () => {
    const { print, logger } = printer('token pt-secret echoed', {
      redact: t => t.replaceAll('pt-secret', '***')
    })
    await print(stage, job('FAIL'))
    expect(logger.transcript()).toContain('token *** echoed')
    expect(logger.transcript().join('\n')).not.toContain('pt-secret')
  })
})

describe('createJobLogPrinter: a log that cannot be read', () => {
  it('warns, still annotates a failed job, and does not throw', async () => {
    const { print, logger } = printer(async () => {
      throw new Error('HTTP 500 InternalServerError')
    })
    await expect(print(stage, job('FAIL'))).resolves.toBeUndefined()
    expect(logger.transcript()).toEqual([
      `::warning::Could not read the log of job "Build / Java build" (HTTP 500 InternalServerError); see ${RUN_URL}`,
      `::error::Job "Build / Java build" failed; its log could not be read. See ${RUN_URL}`
    ])
  })

  it('only warns for a job that did not fail', async () => {
    const { print, logger } = printer(
      async () => {
        throw new Error('timeout')
      },
      { mode: 'all' }
    )
    await print(stage, job('SUCCESS'))
    expect(logger.events.map(e => e.level)).toEqual(['warning'])
  })

  it('copes with an answer without content', async () => {
    const { print, logger } = printer(async () => ({}) as FlowJobLog)
    await print(stage, job('FAIL'))
    expect(logger.transcript()).toContain('(the log is empty)')
  })
})

describe('createJobLogPrinter: untrusted log text', () => {
  const hostile = [
    'normal line',
    '::set-output name=status::SUCCESS',
    '::error::fake failure',
    '  ::warning file=x.ts::indented',
    '::endgroup::',
    '::add-mask::x',
    '::stop-commands::attacker',
    '::attacker::',
    '::set-env name=NODE_OPTIONS::--require=/tmp/x.js',
    'carriage\r::error::after a CR',
    '::TOKEN-2::guess'
  ].join('\n')

  it('lets no command in the log take effect; only the printer’s own do', async () => {
    const { print, logger } = printer(hostile, { newStopToken: () => 'a1b2-c3d4' })
    await print(stage, job('FAIL'))
    expect(runnerCommands(logger.transcript())).toEqual([
      'group:Build / Java build (FAIL)',
      'stop-commands',
      'resume',
      'endgroup',
      `error:Job "Build / Java build" failed; its log is above. Run: ${RUN_URL}`
    ])
    // Every log line is still shown, as text.
    for (const line of [
      '::set-output name=status::SUCCESS',
      '::error::fake failure',
      '::endgroup::'
    ]) {
      expect(logger.transcript()).toContain(line)
    }
  })

  it('without stopping, the same text would inject commands (the check above can fail)', () => {
    expect(runnerCommands(hostile.split('\n'))).toContain('set-output:SUCCESS')
  })

  it('uses a fresh random token by default', async () => {
    const tokens: string[] = []
    for (let i = 0; i < 3; i++) {
      const logger = new RecordingLogger()
      await createJobLogPrinter({
        getJobLog: async () => ({ content: hostile }),
        mode: 'all',
        logger,
        runUrl: RUN_URL
      })(stage, job('SUCCESS'))
      const stop = logger.transcript().find(l => l.startsWith('::stop-commands::'))
      const token = stop?.slice('::stop-commands::'.length) ?? ''
      expect(token).toMatch(/^[0-9a-f-]{36}$/)
      expect(logger.transcript()).toContain(`::${token}::`)
      expect(runnerCommands(logger.transcript())).toEqual([
        'group:Build / Java build (SUCCESS)',
        'stop-commands',
        'resume',
        'endgroup'
      ])
      tokens.push(token)
    }
    expect(new Set(tokens).size).toBe(3)
  })

  it('resumes commands and closes the group even when printing throws', async () => {
    const logger = new RecordingLogger()
    const info = logger.info.bind(logger)
    logger.info = (line: string) => {
      if (line === 'boom') throw new Error('stdout closed')
      info(line)
    }
    const print = createJobLogPrinter({
      getJobLog: async () => ({ content: 'ok\nboom\n' }),
      mode: 'all',
      logger,
      runUrl: RUN_URL,
      newStopToken: () => 'T'
    })
    await expect(print(stage, job('SUCCESS'))).rejects.toThrow('stdout closed')
    expect(logger.transcript().slice(-2)).toEqual(['::T::', '::endgroup::'])
  })
})

describe('createJobLogPrinter: names from Yunxiao', () => {
  it('keeps the group title and the annotation on one line', async () => {
    const { print, logger } = printer('ok')
    const evilStage: FlowStage = { name: 'Test\n::warning::x', stageInfo: {} }
    await print(evilStage, { id: 1, name: 'J\r\n::set-output name=a::b', status: 'FAIL' })
    const t = logger.transcript()
    expect(t[0]).toBe('::group::Test ::warning::x / J ::set-output name=a::b (FAIL)')
    expect(runnerCommands(t)).toEqual([
      'group:Test ::warning::x / J ::set-output name=a::b (FAIL)',
      'stop-commands',
      'resume',
      'endgroup',
      `error:Job "Test ::warning::x / J ::set-output name=a::b" failed; its log is above. Run: ${RUN_URL}`
    ])
  })
})

describe('createJobLogPrinter: when the wait gives up on it', () => {
  it('passes its signal on to the read', async () => {
    const { print, getJobLog } = printer('ok')
    const controller = new AbortController()
    await print(stage, job('FAIL'), controller.signal)
    expect(getJobLog).toHaveBeenCalledWith(21212, controller.signal)
  })

  it('reads and prints nothing when the signal has already aborted', async () => {
    const { print, logger, getJobLog } = printer('step 1')
    await print(stage, job('FAIL'), AbortSignal.abort())
    expect(getJobLog).not.toHaveBeenCalled()
    expect(logger.events).toEqual([])
  })

  it('prints nothing when the signal aborts while the log is read', async () => {
    const controller = new AbortController()
    const { print, logger } = printer(async () => {
      controller.abort()
      return { content: 'late log' }
    })
    await print(stage, job('FAIL'), controller.signal)
    expect(logger.events).toEqual([])
  })

  it('does not warn about a read that failed because of the abort', async () => {
    const controller = new AbortController()
    const { print, logger } = printer(async () => {
      controller.abort()
      throw new Error('aborted')
    })
    await print(stage, job('FAIL'), controller.signal)
    expect(logger.events).toEqual([])
  })
})

describe('large logs', () => {
  it('keeps the last part on a line boundary, with a note and the link', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${String(i).padStart(4, '0')}`)
    const content = lines.join('\n') + '\n' // 10 bytes a line
    const { print, logger } = printer(content, { maxBytes: 95 })
    await print(stage, job('FAIL'))
    const t = logger.transcript()
    expect(t[1]).toBe(`... 9910 earlier bytes (991 lines) cut; full log: ${RUN_URL}`)
    const shown = t.slice(t.indexOf('::stop-commands::TOKEN-1') + 1, t.indexOf('::TOKEN-1::'))
    expect(shown).toEqual(lines.slice(991))
  })

  it('prints a log at the limit whole', async () => {
    const content = 'x'.repeat(DEFAULT_MAX_LOG_BYTES)
    const { print, logger } = printer(content)
    await print(stage, job('FAIL'))
    expect(logger.transcript()).toContain(content)
    expect(logger.transcript().some(l => l.includes('cut;'))).toBe(false)
  })
})

describe('tailOfLog', () => {
  it('returns a short log untouched', () => {
    expect(tailOfLog('a\nb\n', 10)).toEqual({ text: 'a\nb\n', cutBytes: 0, cutLines: 0 })
  })

  it('starts at the next line when the cut falls inside one', () => {
    expect(tailOfLog('aaaa\nbbbb\ncccc\n', 8)).toEqual({
      text: 'cccc\n',
      cutBytes: 10,
      cutLines: 2
    })
  })

  it('keeps a whole line when the cut falls right after a newline', () => {
    expect(tailOfLog('aaaa\nbbbb\ncccc\n', 10)).toEqual({
      text: 'bbbb\ncccc\n',
      cutBytes: 5,
      cutLines: 1
    })
  })

  it('cuts a single long line on a character boundary, counting UTF-8 bytes', () => {
    const content = '构建失败'.repeat(10) // 3 bytes a character, 120 bytes
    const tail = tailOfLog(content, 10)
    expect(tail.text).toBe('建失败')
    expect(tail.cutBytes).toBe(111)
    expect(Buffer.byteLength(tail.text)).toBeLessThanOrEqual(10)
    expect(tail.cutLines).toBe(0)
  })
})
