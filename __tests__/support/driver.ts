// A small script that drives src/ modules in a child process (e.g. exchange.ts with a real socket),
// bundled with esbuild into CommonJS as dist/ is, so that it runs under plain `node`.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Writes `source` (TypeScript) into `dir` and bundles it; gives the path of the bundle. */
export async function bundleDriver(dir: string, source: string): Promise<string> {
  const entry = join(dir, 'driver.ts')
  writeFileSync(entry, source)
  const driver = join(dir, 'driver.cjs')
  const esbuild = await import('esbuild')
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: driver,
    logLevel: 'silent'
  })
  return driver
}
