// A small script that drives src/ modules in a child process (e.g. exchange.ts with a real socket),
// bundled with esbuild into CommonJS as dist/ is, so that it runs under plain `node`.
import { afterAll, beforeAll } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Writes `source` (TypeScript) into `dir` and bundles it; gives the path of the bundle. */
async function bundleDriver(dir: string, source: string): Promise<string> {
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

/**
 * For the tests of the enclosing file or describe block: bundles `source` before them, in a
 * temporary folder named after `name`, and removes it after them. Gives the bundle's path, to be
 * asked for inside a test.
 */
export function useDriver(name: string, source: string): () => string {
  let dir: string | undefined
  let driver: string | undefined
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `${name}-driver-`))
    driver = await bundleDriver(dir, source)
  })
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })
  return () => {
    if (!driver) throw new Error(`the ${name} driver is bundled before the tests`)
    return driver
  }
}
