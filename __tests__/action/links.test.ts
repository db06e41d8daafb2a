// Links into the Yunxiao web console, built from the console origin (settings keep it without a
// trailing slash, possibly with a path prefix).
import { describe, expect, it } from '@jest/globals'
import { pipelineUrl, runUrl } from '../../src/action/steps/run-record.js'

describe('runUrl', () => {
  it("points at the run's build page", () => {
    expect(runUrl('https://flow.aliyun.com', 123, 45)).toBe(
      'https://flow.aliyun.com/pipelines/123/builds/45'
    )
  })

  it('keeps a path prefix and a port of the console', () => {
    expect(runUrl('http://127.0.0.1:8080/flow', 9, 1)).toBe(
      'http://127.0.0.1:8080/flow/pipelines/9/builds/1'
    )
  })

  it('writes large ids in full', () => {
    expect(runUrl('https://flow.aliyun.com', 3_456_789, 9_007_199_254_740_991)).toBe(
      'https://flow.aliyun.com/pipelines/3456789/builds/9007199254740991'
    )
  })

  it('gives a URL that parses back to the same path', () => {
    const url = new URL(runUrl('https://devops.example.com/console', 77, 8))
    expect(url.origin).toBe('https://devops.example.com')
    expect(url.pathname).toBe('/console/pipelines/77/builds/8')
  })
})

describe('pipelineUrl', () => {
  it("points at the pipeline's current page, where its runs are listed", () => {
    expect(pipelineUrl('https://flow.aliyun.com', 123)).toBe(
      'https://flow.aliyun.com/pipelines/123/current'
    )
  })

  it('keeps a path prefix of the console', () => {
    expect(pipelineUrl('https://devops.example.com/console', 77)).toBe(
      'https://devops.example.com/console/pipelines/77/current'
    )
  })

  it('shares the pipeline part of the path with runUrl', () => {
    const base = 'https://flow.aliyun.com'
    const pipelinePath = pipelineUrl(base, 5).replace(/\/current$/, '')
    expect(runUrl(base, 5, 6)).toBe(`${pipelinePath}/builds/6`)
  })
})
