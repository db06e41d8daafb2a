// Reuse of idle connections to one origin (never through a proxy) saves a TCP and a TLS handshake.
// Node's keep-alive Agent pools; added here: `prune` by idle time before each request. A POST (never
// repeated) goes only on a connection idle under FRESH_MS, which all but rules out the race with a
// server closing it; a read under READ_IDLE_MS, sent again on a new one should it meet that race.
import type { Agent, AgentOptions } from 'node:http'
import type { Socket } from 'node:net'

const idleSince = new WeakMap<Socket, number>()
const OPTIONS: AgentOptions = { keepAlive: true, scheduling: 'lifo' }
const agents: Partial<Record<'http' | 'https', Agent>> = {}

/** The pooling agent of a protocol (node:http and node:https load on first use: docs/performance.md). */
export function agentFor(tls: boolean): Agent {
  const key = tls ? 'https' : 'http'
  let agent = agents[key]
  if (!agent) {
    const { Agent } = process.getBuiltinModule(tls ? 'node:https' : 'node:http')
    agent = new Agent(OPTIONS)
    // Node's own 'free' event: a socket done with its request (kept, or destroyed if not).
    agent.on('free', (socket: Socket) => idleSince.set(socket, Date.now()))
    agents[key] = agent
  }
  return agent
}

/** Destroys and unpools every idle socket of `agent` idle longer than `maxIdleMs` (or half closed). */
export function prune(agent: Agent, maxIdleMs: number): void {
  const now = Date.now()
  for (const sockets of Object.values(agent.freeSockets)) {
    for (const socket of [...(sockets ?? [])]) {
      const since = idleSince.get(socket) ?? -Infinity
      if (now - since <= maxIdleMs && socket.writable && !socket.readableEnded) continue
      socket.destroy()
      // Documented way out of an agent's pool; synchronous, unlike 'close'.
      socket.emit('agentRemove')
    }
  }
}
