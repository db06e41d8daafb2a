// A programmable stand-in for Yunxiao on loopback: each route has a handler a test can replace
// (to stall, drip, flood, close). Defaults: create answers run 7, the run is SUCCESS with one
// ended job, the job log is short, stops answer true.
import http from 'node:http'
import type { Handler } from './servers.js'
import { startServer, type Running } from './servers.js'

export type Route = 'create' | 'run' | 'pipeline' | 'log' | 'stop'

export interface FakeYunxiao extends Running {
  /** Route of each request, in order. */
  seen: Route[]
  handlers: Record<Route, Handler>
}

export const RUN_ID = 7
export const JOB_ID = 70

export function endedRun(status = 'SUCCESS'): string {
  return JSON.stringify({
    pipelineRunId: RUN_ID,
    status,
    stages: [
      { name: 'Build', stageInfo: { status, jobs: [{ id: JOB_ID, name: 'Compile', status }] } }
    ]
  })
}

function json(res: http.ServerResponse, body: string): void {
  res.writeHead(200, { 'Content-Type': 'application/json' })
  res.end(body)
}

function route(req: http.IncomingMessage): Route {
  const path = req.url ?? ''
  if (req.method === 'POST') return 'create'
  if (req.method === 'PUT') return 'stop'
  if (path.endsWith('/log')) return 'log'
  if (/\/runs\/\d+$/.test(path)) return 'run'
  return 'pipeline'
}

export async function startYunxiao(
  options: { tls?: { key: string; cert: string }; host?: string } = {}
): Promise<FakeYunxiao> {
  const seen: Route[] = []
  const handlers: Record<Route, Handler> = {
    create: (_req, res) => json(res, String(RUN_ID)),
    run: (_req, res) => json(res, endedRun()),
    pipeline: (_req, res) =>
      json(res, JSON.stringify({ name: 'p', pipelineConfig: { sources: [] } })),
    log: (_req, res) => json(res, JSON.stringify({ content: 'compiled\n', more: false })),
    stop: (_req, res) => json(res, 'true')
  }
  const running = await startServer((req, res) => {
    const which = route(req)
    seen.push(which)
    // Read the request body first, as a server does.
    req.resume()
    req.on('end', () => handlers[which](req, res))
  }, options)
  return { ...running, seen, handlers }
}
