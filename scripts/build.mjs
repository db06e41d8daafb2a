// Bundles src/ into dist/ with esbuild, for the shortest start (README "Performance" has the numbers):
// - dist/index.js: CommonJS (dist/package.json says so). Node 20 starts a CommonJS entry ~5 ms
//   sooner than an ES module one; @actions/core is an ES module, which esbuild turns into
//   CommonJS, keeping only what the action calls (its command writers: no @actions/http-client,
//   no node:crypto; see the side-effect plugin below).
//   The YAML reading (src/action/yaml-mapping.ts and js-yaml's parser) is in it, run only when a
//   mapping input (envs, params, ...) is set (see below).
// - dist/github.js: src/github/ (commit status, deployments, context-envs), required only when one
//   of the GitHub inputs is set.
// - dist/run-control.js: src/action/run-control.ts (pipeline-name, run-id, manual gates), required
//   only when pipeline-name or run-id is set, or a run is followed.
// - dist/post.js: the post step's own entry, and dist/post-work.js, what it loads when it has work
//   (see below).
import { build } from 'esbuild'
import { jsYamlRegions } from './js-yaml-parser.js'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'

rmSync('dist', { recursive: true, force: true })
mkdirSync('dist')
writeFileSync('dist/package.json', '{ "type": "commonjs" }\n')

// Split chunks are kept out of index.js and built into a file of their own, loaded only when a run
// needs them. esbuild keeps an external dynamic import() as import() even in CommonJS output, and
// import() in a CommonJS file starts Node's ES module loader, which also runs its CommonJS export
// lexer over the chunk: about +80 ms and +10 MiB (README "Performance"). So each lazy import of a
// chunk resolves to a small CommonJS module of the bundle that requires the chunk: esbuild turns the
// dynamic import of a bundled module into a lazy require, and the chunk is loaded with require(),
// relative to dist/. __tests__/dist.test.ts fails if any dist/*.js holds a dynamic import().

/**
 * An esbuild plugin that keeps a module out of the bundle as the chunk dist/<chunk>.js: a dynamic
 * import of a file matching `file`, from an importer `from` accepts, becomes a small CommonJS
 * module that requires the chunk.
 */
function chunkApart(chunk, file, from) {
  const namespace = `${chunk}-chunk`
  return {
    name: `${chunk}-apart`,
    setup(b) {
      b.onResolve({ filter: file }, args =>
        from(args.importer) && args.kind === 'dynamic-import'
          ? { path: chunk, namespace }
          : undefined
      )
      b.onLoad({ filter: /.*/, namespace }, () => ({
        contents: `module.exports = require('./${chunk}.js')`,
        loader: 'js'
      }))
      b.onResolve({ filter: /.*/, namespace }, args => ({ path: args.path, external: true }))
    }
  }
}
const fromAction = importer => importer.includes('/src/action/')

// src/github/ (commit status, deployments, context-envs): src/action/github.ts imports it lazily.
const githubApart = chunkApart('github', /\/github\/index\.js$/, fromAction)
// src/action/run-control.ts (pipeline-name, run-id, manual gates): main.ts and follow.ts import it
// lazily, only when pipeline-name or run-id is set or a run is followed (it imports no @actions/*).
const runControlApart = chunkApart('run-control', /\/run-control\.js$/, fromAction)
// The post step's work (src/action/post-work.ts: the Flow client, settling, the GitHub part),
// required by dist/post.js only when main left something undone: the post step of a job with
// nothing to do loads a few KiB and exits (README "Performance").
const postWorkApart = chunkApart('post-work', /\/post-work\.js$/, importer =>
  importer.endsWith('/src/action/post.ts')
)
// What post-work.ts loads only to finish a commit status or deployment main left pending
// (src/action/post-github.ts: it reads all the inputs again, YAML ones included).
const postGithubApart = chunkApart('post-github', /\/post-github\.js$/, importer =>
  importer.endsWith('/src/action/post-work.ts')
)

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

// The YAML reading is bundled into dist/index.js, not split apart: mapping.ts imports
// src/action/yaml-mapping.ts lazily, so esbuild wraps it (and js-yaml) in a function run on first
// use, and a trigger without a mapping input only parses its text. As a file of its own, it cost a
// run with a mapping input on Node 24 0.5 to 1 MiB more peak memory: Node resolves a required file
// at the runner's long path with path functions that get hot enough for V8 to compile them with
// Maglev (README "Performance"). Of js-yaml, only the parser is bundled (scripts/js-yaml-parser.js).
// Entries bundled apart (no code shared at run time): dist/index.js for the main step, and
// dist/post.js (with its work in dist/post-work.js) for the post step, which runs in every job that
// uses the action and must start small. Neither post file has a path to CreatePipelineRun
// (__tests__/hostile/post.test.ts checks them).
const main = await build({
  ...common,
  entryPoints: {
    index: 'src/index.ts',
    post: 'src/post.ts',
    'post-work': 'src/action/post-work.ts',
    'post-github': 'src/action/post-github.ts'
  },
  outdir: 'dist',
  plugins: [
    jsYamlRegions(),
    githubApart,
    runControlApart,
    postWorkApart,
    postGithubApart,
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
// Licences of the bundled packages, as ncc's licenses.txt does: those with code in some dist/ file
// (a package esbuild read but left out entirely, e.g. @actions/http-client, which @actions/core
// imports for what this action does not use, is not bundled and not listed).
const pkgs = new Set()
for (const result of [main, github, runControl]) {
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)
      if (m && bytesInOutput > 0) pkgs.add(m[1])
    }
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
