import { describe, expect, it } from '@jest/globals'
import {
  MAX_PAGES,
  editDistance,
  findPipelineByName,
  similarNames,
  type PipelineLister
} from '../../src/flow/find-pipeline.js'
import type { FlowPipelineSummary } from '../../src/flow/types.js'

const p = (pipelineId: number, pipelineName: string): FlowPipelineSummary => ({
  pipelineId,
  pipelineName
})

/** A lister over `all` with a fuzzy filter (contains, any case), newest first, 30 a page. */
function lister(
  all: FlowPipelineSummary[],
  opts: { total?: boolean; ignorePage?: boolean; cap?: number } = {}
) {
  const calls: Array<{ name: string; page: number }> = []
  const client: PipelineLister = {
    async listPipelines(name, page) {
      calls.push({ name, page })
      const perPage = opts.cap ?? 30
      const hits = all.filter(x => x.pipelineName.toLowerCase().includes(name.toLowerCase()))
      const from = opts.ignorePage ? 0 : (page - 1) * perPage
      const pipelines = hits.slice(from, from + perPage)
      return {
        pipelines,
        size: pipelines.length,
        ...(opts.total === false ? {} : { total: hits.length })
      }
    }
  }
  return { client, calls }
}

describe('findPipelineByName', () => {
  it('matches exactly among fuzzy hits: case and spaces as written', async () => {
    const { client } = lister([
      p(1, 'shop-deploy'),
      p(2, 'Shop-Deploy'),
      p(3, 'shop-deploy '),
      p(4, 'shop-deploy-canary')
    ])
    expect(await findPipelineByName(client, 'shop-deploy')).toEqual({
      kind: 'found',
      pipeline: p(1, 'shop-deploy')
    })
    expect(await findPipelineByName(client, 'Shop-Deploy')).toEqual({
      kind: 'found',
      pipeline: p(2, 'Shop-Deploy')
    })
  })

  it('a Chinese name, also when typed in another Unicode normal form', async () => {
    const { client } = lister([p(5, '商城-生产部署'), p(6, 'café')])
    expect(await findPipelineByName(client, '商城-生产部署')).toMatchObject({
      kind: 'found',
      pipeline: { pipelineId: 5 }
    })
    // A server whose filter lets any form through: the name still matches, in NFC.
    const anyForm: PipelineLister = {
      listPipelines: async () => ({ pipelines: [p(6, 'cafe\u0301')], size: 1, total: 1 })
    }
    expect(await findPipelineByName(anyForm, 'caf\u00e9')).toMatchObject({
      kind: 'found',
      pipeline: { pipelineId: 6 }
    })
  })

  it('reads every page (x-total), and stops at a short page without it', async () => {
    const all = Array.from({ length: 65 }, (_, i) => p(100 + i, `svc-${i}`))
    all.push(p(1, 'svc'))
    const { client, calls } = lister(all)
    expect(await findPipelineByName(client, 'svc')).toMatchObject({
      kind: 'found',
      pipeline: { pipelineId: 1 }
    })
    expect(calls.map(c => c.page)).toEqual([1, 2, 3])
    const { client: noTotal, calls: noTotalCalls } = lister(all, { total: false })
    await findPipelineByName(noTotal, 'svc')
    expect(noTotalCalls.map(c => c.page)).toEqual([1, 2, 3])
  })

  it('a server capping perPage: reads on past short pages while x-total says more remain', async () => {
    const all = Array.from({ length: 12 }, (_, i) => p(100 + i, `svc-${i}`))
    all.push(p(1, 'svc'))
    const { client, calls } = lister(all, { cap: 5 })
    expect(await findPipelineByName(client, 'svc')).toMatchObject({
      kind: 'found',
      pipeline: { pipelineId: 1 }
    })
    expect(calls.map(c => c.page)).toEqual([1, 2, 3])
  })

  it('an x-total larger than what is served: stops at the empty page', async () => {
    const client: PipelineLister = {
      listPipelines: async (_name, page) =>
        page === 1
          ? { pipelines: [p(1, 'svc'), p(2, 'svc-2')], size: 2, total: 500 }
          : { pipelines: [], size: 0, total: 500 }
    }
    expect(await findPipelineByName(client, 'svc')).toMatchObject({ kind: 'found' })
  })

  it('the page cap with pipelines left unread: unread, whatever the pages read held', async () => {
    const all = Array.from({ length: MAX_PAGES + 5 }, (_, i) => p(1000 - i, 'svc'))
    const { client, calls } = lister(all, { cap: 1 })
    expect(await findPipelineByName(client, 'svc')).toEqual({
      kind: 'unread',
      pages: MAX_PAGES,
      read: MAX_PAGES,
      total: MAX_PAGES + 5
    })
    expect(calls.length).toBe(MAX_PAGES)
    // Exactly at the cap with nothing left: an answer.
    const { client: exact } = lister(all.slice(0, MAX_PAGES), { cap: 1 })
    expect((await findPipelineByName(exact, 'svc')).kind).toBe('several')
  })

  it('a name typed in NFD, a server whose filter compares as written: found by the NFC filter', async () => {
    const { client, calls } = lister([p(6, 'caf\u00e9-deploy')])
    expect(await findPipelineByName(client, 'cafe\u0301-deploy')).toMatchObject({
      kind: 'found',
      pipeline: { pipelineId: 6 }
    })
    expect(calls.map(c => c.name)).toEqual(['caf\u00e9-deploy', 'cafe\u0301-deploy'])
    // And the other way round: a pipeline named in NFD, typed in NFC.
    const { client: nfd } = lister([p(7, 'cafe\u0301-deploy')])
    expect(await findPipelineByName(nfd, 'caf\u00e9-deploy')).toMatchObject({
      kind: 'found',
      pipeline: { pipelineId: 7 }
    })
  })

  it('a server that ignores page: stops when a page brings nothing new', async () => {
    const all = Array.from({ length: 30 }, (_, i) => p(100 + i, `svc-${i}`))
    const { client, calls } = lister(all, { ignorePage: true, total: false })
    expect((await findPipelineByName(client, 'svc')).kind).toBe('none')
    expect(calls.length).toBe(2)
    expect(calls.length).toBeLessThan(MAX_PAGES)
  })

  it('several with the name: all of them', async () => {
    const { client } = lister([p(41, 'billing'), p(42, 'billing'), p(43, 'billing-v2')])
    expect(await findPipelineByName(client, 'billing')).toEqual({
      kind: 'several',
      pipelines: [p(41, 'billing'), p(42, 'billing')]
    })
  })

  it('none: the fuzzy hits, closest first, at most 5', async () => {
    const names = [
      'Shop-Deploy',
      'shop-deploy-canary',
      'shop-deploy-1',
      'shop-deploy-22',
      'shop-deploy-333',
      'shop-deploy-4444'
    ]
    const { client } = lister(names.map((n, i) => p(i + 1, n)))
    const result = await findPipelineByName(client, 'shop-deploy')
    expect(result.kind === 'none' && result.similar.map(x => x.pipelineName)).toEqual([
      'Shop-Deploy',
      'shop-deploy-1',
      'shop-deploy-22',
      'shop-deploy-333',
      'shop-deploy-4444'
    ])
  })

  it('none, and the filter found nothing (a typo): ranks the first pages of all pipelines', async () => {
    const { client, calls } = lister([p(1, 'shop-deploy'), p(2, 'billing')])
    const result = await findPipelineByName(client, 'shop-deplyo')
    expect(result.kind === 'none' && result.similar[0]).toEqual(p(1, 'shop-deploy'))
    expect(calls.map(c => c.name)).toEqual(['shop-deplyo', ''])
  })

  it('pages by what the server sent, entries it could not read included', async () => {
    const calls: number[] = []
    const client: PipelineLister = {
      async listPipelines(_name, page) {
        calls.push(page)
        // a full page of 30, of which 29 were dropped as unreadable
        return page === 1
          ? { pipelines: [p(9, 'svc-x')], size: 30 }
          : { pipelines: [p(1, 'svc')], size: 1 }
      }
    }
    expect(await findPipelineByName(client, 'svc')).toMatchObject({
      kind: 'found',
      pipeline: { pipelineId: 1 }
    })
    expect(calls).toEqual([1, 2])
  })

  it('passes the read options on (the signal abandons the reads)', async () => {
    const seen: unknown[] = []
    const signal = new AbortController().signal
    const client: PipelineLister = {
      async listPipelines(_name, _page, opts) {
        seen.push(opts?.signal)
        return { pipelines: [p(1, 'x')], size: 1, total: 1 }
      }
    }
    await findPipelineByName(client, 'x', { signal })
    expect(seen).toEqual([signal])
  })
})

describe('editDistance and similarNames', () => {
  it('counts code points', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3)
    expect(editDistance('商城', '商场')).toBe(1)
    expect(editDistance('', 'abc')).toBe(3)
  })
  it('ignores case for ranking', () => {
    expect(similarNames('ABC', [p(1, 'xyz'), p(2, 'abc')]).map(x => x.pipelineId)).toEqual([2, 1])
  })
})
