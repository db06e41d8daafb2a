// Reuse of idle connections between exchanges (exchange.ts) to the same origin: a second request
// to Yunxiao (GetPipeline then CreatePipelineRun, each status read of the wait) saves a TCP and a
// TLS handshake, 2+ round trips. Node's keep-alive http(s).Agent does the pooling (per protocol,
// host, port and TLS options; a socket that closes or errors while idle leaves the pool; idle
// sockets are unref'd, so they never keep the process alive). What is added here:
// - an idle clock per pooled socket, and an idle limit: the server's Keep-Alive hint less 1 s
//   (Node's own rule), never more than READ_IDLE_MS;
// - `prune`, before every request: each idle socket older than the limit of that request (or half
//   closed) is destroyed and taken out of the pool at once ('agentRemove'). A request that must
//   not be repeated (the create: a POST) has FRESH_MS: it only ever goes on a connection that
//   answered well under a second ago, or on a new one. A failure on it is treated as today: once
//   written it may have been taken, and it is never retried (transport.ts). The race with a
//   server closing an idle connection is then (nearly) excluded rather than papered over by a
//   retry. A read (GET) that meets that race is sent once more on a new connection (exchange.ts).
// Never used through a proxy: exchange.ts keeps one connection per request there.
import { Agent } from 'node:http'
import type { AgentOptions, ClientRequest } from 'node:http'
import type { Agent as HttpsAgent } from 'node:https'
import type { Socket } from 'node:net'

/** Longest idle time of a pooled connection for a request that may be repeated (a read). */
export const READ_IDLE_MS = 30_000
/** Longest idle time of a connection a request that must not be repeated (a POST) goes on. */
export const FRESH_MS = 1_000

const idleSince = new WeakMap<Socket, number>()

interface Hooks {
  keepSocketAlive(socket: Socket): boolean
  reuseSocket(socket: Socket, request: ClientRequest): void
}

/** Node's documented hooks of an Agent, wrapped: the idle clock and limit. */
function clocked<T extends Agent>(agent: T): T {
  const hooks = agent as unknown as Hooks
  const keep = hooks.keepSocketAlive.bind(agent)
  const reuse = hooks.reuseSocket.bind(agent)
  hooks.keepSocketAlive = socket => {
    // Node sets the server's Keep-Alive hint (less 1 s) as the socket's idle timeout; no timer of
    // ours: `prune` applies READ_IDLE_MS and FRESH_MS when the next request comes.
    if (!keep(socket)) return false
    idleSince.set(socket, Date.now())
    return true
  }
  hooks.reuseSocket = (socket, request) => {
    reuse(socket, request)
    idleSince.delete(socket)
    // In use, the exchange's own deadline rules, not the idle timeout.
    socket.setTimeout(0)
  }
  return agent
}

let plain: Agent | undefined
let secure: HttpsAgent | undefined

const OPTIONS: AgentOptions = { keepAlive: true, scheduling: 'lifo' }

/** The pooling agent of a protocol (node:https is loaded only for an https:// URL). */
export function agentFor(tls: boolean): Agent {
  if (!tls) return (plain ??= clocked(new Agent(OPTIONS)))
  return (secure ??= clocked(new (process.getBuiltinModule('node:https').Agent)(OPTIONS)))
}

/** Destroys and unpools every idle socket of `agent` idle longer than `maxIdleMs` (or half closed). */
export function prune(agent: Agent, maxIdleMs: number): void {
  const now = Date.now()
  for (const sockets of Object.values(agent.freeSockets)) {
    for (const socket of [...(sockets ?? [])]) {
      const since = idleSince.get(socket)
      const stale =
        since === undefined ||
        now - since > maxIdleMs ||
        socket.destroyed ||
        !socket.writable ||
        socket.readableEnded
      if (!stale) continue
      idleSince.delete(socket)
      socket.destroy()
      // Documented way out of an agent's pool; synchronous, unlike 'close'.
      socket.emit('agentRemove')
    }
  }
}
