// Preloaded with `node --require` by the follow bench and the live-log memory test: at exit, the
// process's own peak RSS (KiB) and CPU time (µs) on one stderr line.
// The peak is /proc/self/status's VmHWM on Linux, not getrusage's ru_maxrss: on Linux a spawned
// child's ru_maxrss starts at its parent's RSS at the fork (a jest worker of 200 MiB made a child
// of 40 MiB report 204 MiB).
'use strict'
const { readFileSync } = require('node:fs')

function peakKiB() {
  try {
    const hwm = /^VmHWM:\s*(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))
    if (hwm) return Number(hwm[1])
  } catch {
    // Not Linux: ru_maxrss, which has no such carry-over on macOS.
  }
  return process.resourceUsage().maxRSS
}

process.on('exit', () => {
  const u = process.resourceUsage()
  process.stderr.write(`\nusage maxrss=${peakKiB()} cpu=${u.userCPUTime + u.systemCPUTime}\n`)
})
