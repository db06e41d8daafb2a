// Bundles src/ into dist/ with esbuild, for the shortest start (README "Performance" has the numbers):
// - dist/index.js: CommonJS (dist/package.json says so). Node 20 starts a CommonJS entry ~5 ms
//   sooner than an ES module one. No @actions/* package is bundled: src/action/commands.ts writes
//   the workflow commands (README "Performance").
//   The YAML reading (src/action/yaml-mapping.ts and js-yaml's parser) is in it, run only when a
//   mapping input (envs, params, ...) is set (see below).
// - dist/github.js: src/github/ (commit status, deployments, context-envs), required only when one
//   of the GitHub inputs is set.
// - dist/run-control.js: src/action/run-control.ts (pipeline-name, run-id, manual gates), required
//   only when pipeline-name or run-id is set, or a run is followed.
// - dist/post.js: the post step's own entry, dist/post-work.js, what it loads when it has work, and
//   dist/post-github.js, what that loads to finish a commit status or deployment (see below).
import { build } from 'esbuild'
import { COMMON } from './esbuild-options.js'
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
// The post step's work (src/action/post-work.ts: the Flow client, settling),
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

// The YAML reading is bundled into dist/index.js, not split apart: mapping.ts imports
// src/action/yaml-mapping.ts lazily, so esbuild wraps it (and js-yaml) in a function run on first
// use, and a trigger without a mapping input only parses its text. As a file of its own, it cost a
// run with a mapping input on Node 24 0.5 to 1 MiB more peak memory: Node resolves a required file
// at the runner's long path with path functions that get hot enough for V8 to compile them with
// Maglev (README "Performance"). Of js-yaml, only the parser is bundled (scripts/js-yaml-parser.js).
// Entries bundled apart (no code shared at run time): dist/index.js for the main step, and
// dist/post.js (with its work in dist/post-work.js and dist/post-github.js) for the post step, which
// runs in every job that uses the action and must start small. No file the post step can load has
// a path to CreatePipelineRun (__tests__/hostile/post.test.ts checks them all).
const plugins = [jsYamlRegions(), githubApart, runControlApart, postWorkApart, postGithubApart]
// dist/index.js opens with a line that is not ASCII, on purpose. Node reads such a file into a
// two-byte string, and one this large (over 128 KiB) V8 allocates in its space for large objects,
// which does not count toward the young generation's next scavenge. As an ASCII string the 108 KiB
// source would be an object in the young generation's main space, and a trigger with a mapping
// input would then allocate enough there to get a scavenge: +0.4 to +0.6 MiB of peak memory on
// Node 24 (README "Performance"). __tests__/dist.test.ts checks that the line is there. The post files are
// small, and ASCII (a two-byte copy of them would only be larger).
const INDEX_BANNER =
  '// 云效流水线 (Alibaba Cloud Yunxiao Flow) GitHub Action, main step. Not ASCII on purpose: scripts/build.mjs says why.'
const main = await build({
  ...COMMON,
  entryPoints: { index: 'src/index.ts' },
  outdir: 'dist',
  plugins,
  banner: { js: INDEX_BANNER }
})
const post = await build({
  ...COMMON,
  entryPoints: {
    post: 'src/post.ts',
    'post-work': 'src/action/post-work.ts',
    'post-github': 'src/action/post-github.ts'
  },
  outdir: 'dist',
  plugins
})
const github = await build({
  ...COMMON,
  entryPoints: { github: 'src/github/index.ts' },
  outdir: 'dist'
})
const runControl = await build({
  ...COMMON,
  entryPoints: { 'run-control': 'src/action/run-control.ts' },
  outdir: 'dist'
})
// Licences of the bundled packages, as ncc's licenses.txt does: those with code in some dist/ file
// (a package esbuild read but left out entirely is not listed).
const pkgs = new Set()
for (const result of [main, post, github, runControl]) {
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
