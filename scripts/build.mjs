// Bundles src/ into dist/ with esbuild: one ESM entry (dist/index.js, used by both the main and
// the post step) and chunks for what only some runs need (YAML parsing, the wait loop), which
// index.js loads with import() when a run needs them. See README "Performance" for why esbuild.
import { build } from 'esbuild'
import { rmSync, writeFileSync } from 'node:fs'

rmSync('dist', { recursive: true, force: true })

const result = await build({
  entryPoints: { index: 'src/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  // CommonJS dependencies (tunnel) call require(); give the ESM bundle one.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'warning'
})

// Licences of the bundled packages, as ncc's licenses.txt does.
const pkgs = new Set()
for (const input of Object.keys(result.metafile.inputs)) {
  const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)
  if (m) pkgs.add(m[1])
}
const { readFileSync, existsSync, readdirSync } = await import('node:fs')
let text = ''
for (const name of [...pkgs].sort()) {
  const dir = `node_modules/${name}`
  const meta = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'))
  const file = readdirSync(dir).find(f => /^licen[cs]e/i.test(f))
  text += `${name}@${meta.version}\n${meta.license ?? ''}\n`
  if (file && existsSync(`${dir}/${file}`)) text += readFileSync(`${dir}/${file}`, 'utf8').trim() + '\n'
  text += '\n'
}
writeFileSync('dist/licenses.txt', text)
