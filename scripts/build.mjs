// Bundles src/ into dist/ with esbuild, for the shortest start (README "Performance" has the numbers):
// - dist/index.js: CommonJS (dist/package.json says so). Node 20 starts a CommonJS entry ~5 ms
//   sooner than an ES module one; @actions/core and @actions/http-client are ES modules, which
//   esbuild turns into CommonJS.
// - dist/yaml.js: the `yaml` package, required (never import()ed) only when a mapping input
//   (envs, params, ...) is set.
// - dist/github.js: src/github/ (commit status, deployments, context-envs), required only when one
//   of the GitHub inputs is set.
// - dist/run-control.js: src/action/run-control.ts (pipeline-name, run-id, manual gates), required
//   only when pipeline-name or run-id is set, or a run is followed.
// - undici is left out and tunnel is loaded only when a proxy is used (see the plugins below).
// - dist/post.js: the post step's own entry, and dist/post-work.js, what it loads when it has work
//   (see below).
import { build } from 'esbuild'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { resolve } from 'node:path'

rmSync('dist', { recursive: true, force: true })
mkdirSync('dist')
writeFileSync('dist/package.json', '{ "type": "commonjs" }\n')

// @actions/http-client imports undici (415 KB minified) for one method, getAgentDispatcher(), which
// serves fetch-based clients; this action uses the node:http path and never calls it. The stub
// fails loudly should anything ever call it.
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

// http-client uses tunnel (and through it node:assert) only when HTTP(S)_PROXY applies; load it then.
const lazyTunnel = {
  name: 'lazy-tunnel',
  setup(b) {
    b.onResolve({ filter: /^tunnel$/ }, () => ({ path: 'tunnel', namespace: 'lazy-tunnel' }))
    b.onLoad({ filter: /.*/, namespace: 'lazy-tunnel' }, () => ({
      resolveDir: resolve('node_modules/tunnel'),
      loader: 'js',
      contents: `let real
const load = () => (real ??= require('./index.js'))
module.exports = {
  httpOverHttp: options => load().httpOverHttp(options),
  httpsOverHttp: options => load().httpsOverHttp(options),
  httpOverHttps: options => load().httpOverHttps(options),
  httpsOverHttps: options => load().httpsOverHttps(options)
}`
    }))
  }
}

// Split chunks: packages kept out of index.js and built into a file of their own, loaded only when a
// run needs them (`yaml`: only when a mapping input is set; mapping.ts imports it lazily).
// esbuild keeps an external dynamic import() as import() even in CommonJS output, and import() in
// a CommonJS file starts Node's ES module loader, which also runs its CommonJS export lexer over the
// chunk: about +80 ms and +10 MiB (README "Performance"). So `import('yaml')` resolves to a small
// CommonJS module of the bundle that requires the chunk: esbuild turns the dynamic import of a
// bundled module into a lazy require, and the chunk is loaded with require(), relative to dist/.
// __tests__/build/dist.test.ts fails if any dist/*.js holds a dynamic import().
const CHUNKS = { yaml: 'yaml.js' }
const chunksApart = {
  name: 'chunks-apart',
  setup(b) {
    b.onResolve({ filter: /^[\w@/-]+$/ }, args =>
      Object.hasOwn(CHUNKS, args.path) ? { path: args.path, namespace: 'chunk' } : undefined
    )
    b.onLoad({ filter: /.*/, namespace: 'chunk' }, args => ({
      contents: `module.exports = require(${JSON.stringify(`./${CHUNKS[args.path]}`)})`,
      loader: 'js'
    }))
    b.onResolve({ filter: /.*/, namespace: 'chunk' }, args => ({ path: args.path, external: true }))
  }
}

// src/github/ stays out of index.js: src/action/github.ts imports it lazily, and it is built into
// dist/github.js. The lazy import resolves to a small CommonJS module of the bundle that requires
// the chunk, so that esbuild turns it into a lazy require() (an import() in a CommonJS file would
// start Node's ES module loader).
const githubApart = {
  name: 'github-apart',
  setup(b) {
    b.onResolve({ filter: /\/github\/index\.js$/ }, args =>
      args.importer.includes('/src/action/') && args.kind === 'dynamic-import'
        ? { path: 'github', namespace: 'github-chunk' }
        : undefined
    )
    b.onLoad({ filter: /.*/, namespace: 'github-chunk' }, () => ({
      contents: "module.exports = require('./github.js')",
      loader: 'js'
    }))
    b.onResolve({ filter: /.*/, namespace: 'github-chunk' }, args => ({
      path: args.path,
      external: true
    }))
  }
}

// src/action/run-control.ts (pipeline-name, run-id, manual gates) stays out of index.js the same way:
// main.ts and follow.ts import it lazily, only when pipeline-name or run-id is set or a run is
// followed, and it is built into dist/run-control.js (it imports no @actions/* module).
const runControlApart = {
  name: 'run-control-apart',
  setup(b) {
    b.onResolve({ filter: /\/run-control\.js$/ }, args =>
      args.importer.includes('/src/action/') && args.kind === 'dynamic-import'
        ? { path: 'run-control', namespace: 'run-control-chunk' }
        : undefined
    )
    b.onLoad({ filter: /.*/, namespace: 'run-control-chunk' }, () => ({
      contents: "module.exports = require('./run-control.js')",
      loader: 'js'
    }))
    b.onResolve({ filter: /.*/, namespace: 'run-control-chunk' }, args => ({
      path: args.path,
      external: true
    }))
  }
}

// The post step's work (src/action/post-work.ts: the Flow client, settling, the GitHub part) is
// built into dist/post-work.js and required by dist/post.js only when main left something undone:
// the post step of a job with nothing to do loads a few KiB and exits (README "Performance").
const postWorkApart = {
  name: 'post-work-apart',
  setup(b) {
    b.onResolve({ filter: /\/post-work\.js$/ }, args =>
      args.importer.endsWith('/src/action/post.ts') && args.kind === 'dynamic-import'
        ? { path: 'post-work', namespace: 'post-work-chunk' }
        : undefined
    )
    b.onLoad({ filter: /.*/, namespace: 'post-work-chunk' }, () => ({
      contents: "module.exports = require('./post-work.js')",
      loader: 'js'
    }))
    b.onResolve({ filter: /.*/, namespace: 'post-work-chunk' }, args => ({
      path: args.path,
      external: true
    }))
  }
}

// The @actions/* modules have no side effects at load; saying so lets esbuild drop the parts this
// action does not use (the job summary helper and its node:fs/promises, OIDC, platform details).
const actionsWithoutSideEffects = {
  name: 'actions-side-effect-free',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async args => {
      if (args.pluginData === 'inner') return undefined
      if (!args.importer.includes('/node_modules/@actions/') && !args.path.startsWith('@actions/'))
        return undefined
      const result = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'inner'
      })
      if (
        result.errors.length ||
        result.external ||
        !result.path.includes('/node_modules/@actions/')
      )
        return undefined
      return { path: result.path, sideEffects: false }
    })
  }
}

// The version in the User-Agent header (src/common/version.ts) is package.json's, fixed at build time.
const { version } = JSON.parse(readFileSync('package.json', 'utf8'))

const common = {
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

// Entries bundled apart (no code shared at run time): dist/index.js for the main step, and
// dist/post.js (with its work in dist/post-work.js) for the post step, which runs in every job that
// uses the action and must start small. Neither post file has a path to CreatePipelineRun
// (__tests__/hostile/post.test.ts checks them).
const main = await build({
  ...common,
  entryPoints: {
    index: 'src/index.ts',
    post: 'src/post.ts',
    'post-work': 'src/action/post-work.ts'
  },
  outdir: 'dist',
  plugins: [
    stubUndici,
    lazyTunnel,
    chunksApart,
    githubApart,
    runControlApart,
    postWorkApart,
    actionsWithoutSideEffects
  ]
})
const github = await build({
  ...common,
  entryPoints: { github: 'src/github/index.ts' },
  outdir: 'dist'
})
const runControl = await build({
  ...common,
  entryPoints: { 'run-control': 'src/action/run-control.ts' },
  outdir: 'dist'
})
// The YAML chunk holds only what the sources use of `yaml` (every `yaml.<name>` in a file that
// imports it), taken from the package's ES module build (yaml/browser/dist: the same source and
// version as its CommonJS dist/, compiled as ES modules). Bundled from ES modules, esbuild hoists it
// into one scope instead of wrapping each of its ~70 CommonJS files in a function: it loads about
// 3 ms sooner (README "Performance"). Where the two builds differ, the chunk behaves as dist/:
// - `!!binary` gives a Buffer (dist/) rather than a Uint8Array made with atob(), which also throws
//   on bad base64 where Buffer does not: patched below, checked by __tests__/dist.test.ts.
// - dist/ warns through process.emitWarning, the ES build with console.warn: only parse() and
//   toJS() of a mapping used as a key warn, and mapping.ts calls neither (parseDocument; toJS after
//   refusing such keys).
// - dist/ prints its tokens or stream when LOG_TOKENS or LOG_STREAM is set (a debugging aid of the
//   library); the chunk never does, so no input text is printed that way.
const yamlAsNode = {
  name: 'yaml-as-node',
  setup(b) {
    b.onLoad(
      { filter: /[\\/]yaml[\\/]browser[\\/]dist[\\/]schema[\\/]yaml-1\.1[\\/]binary\.js$/ },
      args => {
        let text = readFileSync(args.path, 'utf8')
        const patches = [
          [
            "if (typeof atob === 'function') {",
            "if (typeof Buffer === 'function') {\n            return Buffer.from(src, 'base64');\n        }\n        else if (typeof atob === 'function') {"
          ],
          [
            "if (typeof btoa === 'function') {",
            "if (typeof Buffer === 'function') {\n            str = buf instanceof Buffer ? buf.toString('base64') : Buffer.from(buf.buffer).toString('base64');\n        }\n        else if (typeof btoa === 'function') {"
          ]
        ]
        for (const [from, to] of patches) {
          if (text.split(from).length !== 2)
            throw new Error(
              `yaml's ${args.path} changed: "${from}" is not there once; review the patch`
            )
          text = text.replace(from, to)
        }
        return { contents: text, loader: 'js' }
      }
    )
  }
}
function usedOf(pkg) {
  const names = new Set()
  const walk = dir => {
    for (const f of readdirSync(dir, { withFileTypes: true })) {
      const path = `${dir}/${f.name}`
      if (f.isDirectory()) walk(path)
      else if (f.name.endsWith('.ts')) {
        const text = readFileSync(path, 'utf8')
        if (!text.includes(`import('${pkg}')`) && !text.includes(`from '${pkg}'`)) continue
        for (const m of text.matchAll(new RegExp(`\\b${pkg}\\.(\\w+)\\b`, 'g'))) names.add(m[1])
      }
    }
  }
  walk('src')
  return [...names].sort()
}
const yamlUsed = usedOf('yaml')
const yaml = await build({
  ...common,
  stdin: {
    contents: `export { ${yamlUsed.join(', ')} } from ${JSON.stringify(resolve('node_modules/yaml/browser/dist/index.js'))}`,
    resolveDir: resolve('.'),
    sourcefile: 'yaml-chunk.js',
    loader: 'js'
  },
  outfile: 'dist/yaml.js',
  plugins: [yamlAsNode]
})

// Licences of the bundled packages, as ncc's licenses.txt does.
const pkgs = new Set()
for (const result of [main, yaml, github, runControl]) {
  for (const input of Object.keys(result.metafile.inputs)) {
    const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)
    if (m) pkgs.add(m[1])
  }
}
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
