// Finding a pipeline by its exact name with ListPipelines. The server's filter is fuzzy (contains,
// any case): every page is read and the name matched here, in Unicode NFC. When the page cap leaves
// pipelines unread, it says so rather than guess.
import { PIPELINES_PER_PAGE, type CallOptions, type FlowClient } from './client.js'
import type { FlowPipelineSummary } from './types.js'

export type PipelineLister = Pick<FlowClient, 'listPipelines'>

export type PipelineSearch =
  | { kind: 'found'; pipeline: FlowPipelineSummary }
  /** Several pipelines have exactly this name. */
  | { kind: 'several'; pipelines: FlowPipelineSummary[] }
  /** None has it; `similar`: up to MAX_SIMILAR names close to it, closest first. */
  | { kind: 'none'; similar: FlowPipelineSummary[] }
  /** The page cap was reached with pipelines left unread: no answer can be trusted. */
  | { kind: 'unread'; pages: number; read: number; total?: number }

/** Pages read at most for one name: a server that ignores `page` cannot loop forever. */
export const MAX_PAGES = 200
/** Pages of all pipelines read for similar names when the filter found none. */
export const SIMILAR_PAGES = 5
export const MAX_SIMILAR = 5

/**
 * Every pipeline the filter gives, page after page: on while `x-total` says some remain, even after
 * a short page (a server may cap perPage lower); without it, a short page is the last. `cappedAt`:
 * the pages read when the cap ended the reading with pipelines left.
 */
async function listAll(
  client: PipelineLister,
  filter: string,
  maxPages: number,
  opts: CallOptions
): Promise<{ pipelines: FlowPipelineSummary[]; cappedAt?: number; total?: number }> {
  const found = new Map<number, FlowPipelineSummary>()
  let total: number | undefined
  for (let page = 1; ; page++) {
    const answer = await client.listPipelines(filter, page, opts)
    total = answer.total ?? total
    const before = found.size
    for (const pipeline of answer.pipelines) {
      if (!found.has(pipeline.pipelineId)) found.set(pipeline.pipelineId, pipeline)
    }
    // Empty, or nothing new (a server that ignores `page`): the last.
    if (answer.size === 0 || found.size === before) break
    if (total !== undefined ? found.size >= total : answer.size < PIPELINES_PER_PAGE) break
    if (page >= maxPages) return { pipelines: [...found.values()], cappedAt: page, total }
  }
  return { pipelines: [...found.values()], total }
}

const normal = (text: string): string => text.normalize('NFC')

/** Levenshtein distance, over code points. */
export function editDistance(a: string, b: string): number {
  const x = [...a]
  const y = [...b]
  let row = Array.from({ length: y.length + 1 }, (_, j) => j)
  for (let i = 1; i <= x.length; i++) {
    const next = [i]
    for (let j = 1; j <= y.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1))
    }
    row = next
  }
  return row[y.length]
}

/** Up to MAX_SIMILAR of `candidates`, closest to `name` first (ignoring case), ties by name. */
export function similarNames(
  name: string,
  candidates: FlowPipelineSummary[]
): FlowPipelineSummary[] {
  const target = normal(name).toLowerCase()
  const ranked = candidates.map(pipeline => {
    const theirs = normal(pipeline.pipelineName).toLowerCase()
    return { pipeline, name: pipeline.pipelineName, distance: editDistance(target, theirs) }
  })
  ranked.sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
  return ranked.slice(0, MAX_SIMILAR).map(entry => entry.pipeline)
}

/**
 * Looks `name` up. With no exact match the fuzzy matches are the similar names; when the filter
 * found nothing at all (a typo), the first SIMILAR_PAGES pages of all pipelines are ranked instead.
 */
export async function findPipelineByName(
  client: PipelineLister,
  name: string,
  opts: CallOptions = {}
): Promise<PipelineSearch> {
  // The filter is sent in both normal forms where they differ: the server compares as written.
  const matches: FlowPipelineSummary[] = []
  for (const filter of new Set([normal(name), name.normalize('NFD')])) {
    const listing = await listAll(client, filter, MAX_PAGES, opts)
    if (listing.cappedAt !== undefined) {
      const { cappedAt: pages, total } = listing
      return { kind: 'unread', pages, read: listing.pipelines.length, total }
    }
    const known = new Set(matches.map(p => p.pipelineId))
    matches.push(...listing.pipelines.filter(p => !known.has(p.pipelineId)))
  }
  const exact = matches.filter(p => normal(p.pipelineName) === normal(name))
  if (exact.length === 1) return { kind: 'found', pipeline: exact[0] }
  if (exact.length > 1) return { kind: 'several', pipelines: exact }
  const candidates =
    matches.length > 0 ? matches : (await listAll(client, '', SIMILAR_PAGES, opts)).pipelines
  return { kind: 'none', similar: similarNames(name, candidates) }
}
