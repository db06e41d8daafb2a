// run-json kept under GitHub's output limit, saying what was cut.
import { describe, expect, it } from '@jest/globals'
import { capRunJson } from '../../src/action/output/run-json.js'
import type { FlowRun } from '../../src/flow/types.js'

const big = (n: number) => 'x'.repeat(n)

describe('capRunJson', () => {
  it('keeps a run that fits whole', () => {
    const run: FlowRun = { status: 'SUCCESS', stages: [{ name: 'A' }] }
    expect(capRunJson(run)).toEqual({ json: JSON.stringify(run) })
  })

  // GitHub allows 1 MB of outputs per job, counted in UTF-16 (two bytes a unit): run-json leaves
  // room for the other outputs, and a run with many jobs still comes out whole.
  it('keeps a large run whole, and a huge one well under the job output limit', () => {
    const jobs = Array.from({ length: 200 }, (_, id) => ({
      id,
      name: `job ${id}`,
      status: 'SUCCESS'
    }))
    const large: FlowRun = { status: 'SUCCESS', stages: [{ name: 'A', stageInfo: { jobs } }] }
    expect(capRunJson(large)).toEqual({ json: JSON.stringify(large) })
    const huge: FlowRun = { status: 'SUCCESS', globalParams: [{ key: 'K', value: big(1_000_000) }] }
    const out = capRunJson(huge)
    expect(out.cut).toBeDefined()
    expect(out.json.length * 2).toBeLessThanOrEqual(512 * 1024)
  })

  it('keeps the outline (run fields, stages and jobs with names, statuses, times) when too large', () => {
    const run: FlowRun = {
      status: 'SUCCESS',
      pipelineRunId: 3,
      globalParams: [{ key: 'A', value: big(2000) }],
      stages: [
        {
          name: 'Build',
          stageInfo: {
            status: 'SUCCESS',
            jobs: [{ id: 1, name: 'j', status: 'SUCCESS', startTime: 1, result: big(2000) }]
          }
        }
      ]
    }
    const out = capRunJson(run, 2000)
    const parsed = JSON.parse(out.json)
    expect(parsed).toEqual({
      status: 'SUCCESS',
      pipelineRunId: 3,
      stages: [
        {
          name: 'Build',
          stageInfo: {
            status: 'SUCCESS',
            jobs: [{ id: 1, name: 'j', status: 'SUCCESS', startTime: 1 }]
          }
        }
      ],
      truncated: out.cut
    })
    expect(out.cut).toMatch(
      /^the run details were \d+ KiB, over its 2 KiB limit: the run id, status and times, and each stage and job/
    )
    expect(out.json.length * 2).toBeLessThanOrEqual(2000)
  })

  it('outlines odd stage lists too: null entries stay null, a stage without stageInfo has none', () => {
    const run = {
      status: 'FAIL',
      blob: big(3000),
      stages: [
        null,
        { name: 'A', stageInfo: 'x' },
        { name: 'B', stageInfo: { jobs: [null, 5, { id: 2 }] } }
      ]
    } as unknown as FlowRun
    const out = capRunJson(run, 4000)
    expect(JSON.parse(out.json).stages).toEqual([
      null,
      { name: 'A' },
      { name: 'B', stageInfo: { jobs: [null, null, { id: 2 }] } }
    ])
    const noStages = capRunJson({ status: 'FAIL', blob: big(3000) }, 4000)
    expect(JSON.parse(noStages.json)).toEqual({ status: 'FAIL', truncated: noStages.cut })
  })

  it('falls back to the run fields, then to the id and status, and always gives JSON', () => {
    const manyJobs: FlowRun = {
      status: 'RUNNING',
      pipelineRunId: 4,
      note: big(300),
      stages: [{ stageInfo: { jobs: Array.from({ length: 200 }, (_, i) => ({ id: i + 1 })) } }]
    }
    const fields = capRunJson(manyJobs, 2000)
    expect(JSON.parse(fields.json)).toMatchObject({
      status: 'RUNNING',
      pipelineRunId: 4,
      note: big(300)
    })
    expect(fields.cut).toMatch(/only the run fields/)

    const hugeFields: FlowRun = { ...manyJobs, note: big(5000) }
    const minimal = capRunJson(hugeFields, 2000)
    expect(JSON.parse(minimal.json)).toEqual({
      pipelineRunId: 4,
      status: 'RUNNING',
      truncated: minimal.cut
    })
    expect(minimal.cut).toMatch(/only the run id and status/)
  })
})
