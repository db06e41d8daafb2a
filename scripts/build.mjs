// Bundles src/ into dist/ with esbuild: one ESM entry (dist/index.js, used by both the main and
// the post step) and chunks for what only some runs need (YAML parsing, the wait loop), which
// index.js loads with import() when a run needs them. See README "Performance" for why esbuild.
import { build } from 'esbuild'
import { rmSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'

rmSync('dist', { recursive: true, force: true })

// @actions/http-client imports undici (415 KB minified) for one method, getAgentDispatcher(), which
// serves fetch-based clients; this action uses the node:http path (with its own proxy support via
// tunnel) and never calls it. Bundling undici made every start parse and evaluate it: measured in
// README "Performance". The stub fails loudly should anything ever call it.
const stubUndici = {
  name: 'stub-undici',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', namespace: 'stub-undici' }))
    b.onLoad({ filter: /.*/, namespace: 'stub-undici' }, () => ({
      contents:
        "export class ProxyAgent { constructor() { throw new Error('undici is not bundled with this action') } }",
      loader: 'js'
    }))
  }
}

// yaml's "node" export is CommonJS; a chunk made from it has only a default export, so
// `await import('yaml')` would lack parseDocument. Its ES module build (the same code, shipped for
// bundlers) keeps the named exports and lets esbuild drop what is unused.
const yamlEsm = {
  name: 'yaml-esm',
  setup(b) {
    b.onResolve({ filter: /^yaml$/ }, () => ({
      path: resolve('node_modules/yaml/browser/index.js')
    }))
  }
}

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
  plugins: [stubUndici, yamlEsm],
  // CommonJS dependencies (tunnel) call require(); give the ESM bundle one.
  banner: {
    js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);"
  },
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
  if (file && existsSync(`${dir}/${file}`))
    text += readFileSync(`${dir}/${file}`, 'utf8').trim() + '\n'
  text += '\n'
}
writeFileSync('dist/licenses.txt', text)
