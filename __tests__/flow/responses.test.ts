// Answers checked at the edge: the types say what was checked, odd parts become safe defaults.
import { describe, expect, it } from '@jest/globals'
import { isJsonObject } from '../../src/common/json.js'
import * as parse from '../../src/flow/responses.js'
import { readRun } from '../../src/flow/responses.js'

const answer = (body: string, contentType = 'application/json') => ({
  status: 200,
  headers: { 'content-type': contentType },
  body,
  bytes: Buffer.byteLength(body)
})

describe('isJsonObject', () => {
  it('is true for objects only', () => {
    expect([{}, { a: 1 }].map(isJsonObject)).toEqual([true, true])
    expect([null, [], 'x', 1, undefined].map(isJsonObject)).toEqual([
      false,
      false,
      false,
      false,
      false
    ])
  })
})

describe('readRun', () => {
  it('is undefined for what is not a run: no status string', () => {
    for (const value of [{}, { status: 5 }, { status: null }, [], null, 'SUCCESS'])
      expect(readRun(value)).toBeUndefined()
  })

  it('keeps typed fields only with their type, drops null entries, keeps the rest', () => {
    const run = readRun({
      status: 'SUCCESS',
      pipelineRunId: '7',
      extra: { any: 'thing' },
      stages: [
        null,
        1,
        'x',
        {
          name: 5,
          index: 'Group0-Stage0',
          stageInfo: {
            name: { a: 1 },
            status: ['FAIL'],
            startTime: 'yesterday',
            jobs: [
              null,
              { id: '7', name: {}, status: 3, startTime: 1, other: null },
              { id: 8, name: 'ok', status: 'FAIL' }
            ]
          }
        },
        { stageInfo: null }
      ]
    })
    expect(run).toEqual({
      status: 'SUCCESS',
      extra: { any: 'thing' },
      stages: [
        {
          index: 'Group0-Stage0',
          stageInfo: {
            jobs: [
              { startTime: 1, other: null },
              { id: 8, name: 'ok', status: 'FAIL' }
            ]
          }
        },
        {}
      ]
    })
  })

  it('leaves stages out that are not a list', () => {
    expect(readRun({ status: 'RUNNING', stages: { a: 1 } })).toEqual({
      status: 'RUNNING',
      stages: []
    })
  })
})

describe('parse', () => {
  // The hint for an HTML page: client.test.ts, 'a run answer without a status, or an HTML page'.
  it('says an answer is not a run, HTML or not', () => {
    expect(parse.run(answer('{}'))).toEqual({
      ok: false,
      what: 'the answer is not a pipeline run (an object with a status)'
    })
    expect(parse.run(answer('<html><body>login</body></html>', 'text/html'))).toMatchObject({
      ok: false
    })
  })

  it('reads run ids as the API writes them, nothing else', () => {
    expect(parse.runId(answer('42'))).toEqual({ ok: true, value: 42 })
    expect(parse.runId(answer('"42"'))).toEqual({ ok: true, value: 42 })
    for (const body of ['0', '-1', '4.2', '{"id":1}', '9007199254740993', ''])
      expect(parse.runId(answer(body)).ok).toBe(false)
  })

  it('keeps sources that are objects, and repos that are text', () => {
    const parsed = parse.pipeline(
      answer(
        JSON.stringify({
          pipelineConfig: {
            sources: [
              null,
              { data: null },
              { data: { repo: 5 } },
              { data: { repo: 'https://a/b.git' } }
            ]
          }
        })
      )
    )
    expect(parsed).toEqual({
      ok: true,
      value: {
        pipelineConfig: { sources: [{}, { data: {} }, { data: { repo: 'https://a/b.git' } }] }
      }
    })
  })

  it('takes a job log with no content as empty, and refuses content that is not text', () => {
    expect(parse.jobLog(answer('{"content":null,"more":true}'))).toEqual({
      ok: true,
      value: { content: '', more: true }
    })
    expect(parse.jobLog(answer('{"content":{"a":1}}')).ok).toBe(false)
  })
})
