// Finding a pipeline by its exact name with ListPipelines. The server's `pipelineName` filter is
// fuzzy (a name that contains it, in any case), so every page is read and the name is matched
// exactly here: case, spaces and characters as written (compared in Unicode NFC, so a Chinese or
// accented name typed in another normal form still matches). Knows nothing of GitHub.
import type { ReadOptions } from './client.js'
import type { FlowPipelinePage, FlowPipelineSummary } from './types.js'

export interface PipelineLister {
  listPipelines(
    name: string,
    page: number,
    perPage?: number,
    opts?: ReadOptions
  ): Promise<FlowPipelinePage>
}

export type PipelineSearch =
  | { kind: 'found'; pipeline: FlowPipelineSummary }
  /** Several pipelines have exactly this name. */
  | { kind: 'several'; pipelines: FlowPipelineSummary[] }
  /** None has it; `similar`: up to MAX_SIMILAR names close to it, closest first. */
  | { kind: 'none'; similar: FlowPipelineSummary[] }

export const PER_PAGE = 30
/** Pages read at most for one name (6000 pipelines): a server that ignores `page` cannot loop forever. */
export const MAX_PAGES = 200
/** Pages of all pipelines read for similar names when the filter found none. */
export const SIMILAR_PAGES = 5
export const MAX_SIMILAR = 5

/** Every pipeline the server's filter gives for `filter`, all pages. */
async function listAll(
  client: PipelineLister,
  filter: string,
  maxPages: number,
  opts: ReadOptions
): Promise<FlowPipelineSummary[]> {
  const all: FlowPipelineSummary[] = []
  const seen = new Set<number>()
  for (let page = 1; page <= maxPages; page++) {
    const { pipelines, size, total } = await client.listPipelines(filter, page, PER_PAGE, opts)
    let fresh = 0
    for (const pipeline of pipelines) {
      if (seen.has(pipeline.pipelineId)) continue
      seen.add(pipeline.pipelineId)
      all.push(pipeline)
      fresh++
    }
    // The last page: short, or nothing new (a server that ignores `page`), or all counted.
    if (size < PER_PAGE || fresh === 0) break
    if (total !== undefined && all.length >= total) break
  }
  return all
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
  return candidates
    .map(pipeline => ({
      pipeline,
      distance: editDistance(target, normal(pipeline.pipelineName).toLowerCase())
    }))
    .sort(
      (a, b) =>
        a.distance - b.distance || a.pipeline.pipelineName.localeCompare(b.pipeline.pipelineName)
    )
    .slice(0, MAX_SIMILAR)
    .map(entry => entry.pipeline)
}

/**
 * Looks `name` up. Reads are retried as the client retries reads; `opts.signal` abandons them.
 * With no exact match the fuzzy matches are the similar names; when the filter found nothing at all
 * (a typo), the first SIMILAR_PAGES pages of all pipelines are ranked instead.
 */
export async function findPipelineByName(
  client: PipelineLister,
  name: string,
  opts: ReadOptions = {}
): Promise<PipelineSearch> {
  const matches = await listAll(client, name, MAX_PAGES, opts)
  const exact = matches.filter(p => normal(p.pipelineName) === normal(name))
  if (exact.length === 1) return { kind: 'found', pipeline: exact[0] }
  if (exact.length > 1) return { kind: 'several', pipelines: exact }
  const candidates = matches.length > 0 ? matches : await listAll(client, '', SIMILAR_PAGES, opts)
  return { kind: 'none', similar: similarNames(name, candidates) }
}
