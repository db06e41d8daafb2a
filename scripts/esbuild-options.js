// The esbuild options every dist/ file is built with (scripts/build.mjs), shared with the tests
// that bundle a module the same way (__tests__/dist.test.ts).
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
// The version in the User-Agent header (src/common/version.ts) is package.json's, fixed at build time.
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))

/** @type {import('esbuild').BuildOptions} */
export const COMMON = {
  define: { __ACTION_VERSION__: JSON.stringify(version) },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning'
}
