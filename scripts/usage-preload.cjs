// Preloaded with `node --require` by the follow bench and the live-log memory test: at exit, the
// process's own peak RSS (getrusage ru_maxrss, KiB) and CPU time (µs) on one stderr line.
'use strict'
process.on('exit', () => {
  const u = process.resourceUsage()
  process.stderr.write(`\nusage maxrss=${u.maxRSS} cpu=${u.userCPUTime + u.systemCPUTime}\n`)
})
