// Bundles src/ into dist/ with esbuild (docs/performance.md has what it costs to start):
// - dist/index.js, the main step: CommonJS (dist/package.json says so; Node starts a CommonJS entry
//   sooner than an ES module one). No @actions/* package is bundled: src/action/output/commands.ts writes
//   the workflow commands.
// - dist/post.js, the post step, bundled apart: it runs in every job that uses the action and must
//   start small; dist/post-work.js, what it loads when it has work (see below).
// - dist/js-yaml.js, the parts of js-yaml the action uses (src/action/inputs/js-yaml.ts), as
//   published: required by the other two only when a mapping input is set, so that a plain trigger
//   does not parse it. It is a library and holds no class of ours: nothing is copied across files.
// What a run needs only sometimes (the YAML reading, the GitHub side, run control, the post step's
// work) is imported lazily in src/: esbuild turns the dynamic import of a bundled module into code
// that runs on first use, so a plain trigger only parses it. __tests__/dist.test.ts fails if a
// dist/ file holds a dynamic import() (it would start Node's ES module loader) or requires a file
// that is not there. No file the post step runs has a path to CreatePipelineRun
// (__tests__/hostile/post.test.ts).
import { build } from 'esbuild'
import { COMMON } from './esbuild-options.js'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'

rmSync('dist', { recursive: true, force: true })
mkdirSync('dist')
writeFileSync('dist/package.json', '{ "type": "commonjs" }\n')

const steps = await build({
  ...COMMON,
  entryPoints: {
    index: 'src/index.ts',
    post: 'src/post.ts',
    'post-work': 'src/action/steps/post-work.ts'
  },
  outdir: 'dist',
  // The post step's work (the Flow client, settling, the GitHub side) stays out of dist/post.js, in
  // dist/post-work.js, loaded only when main left something undone: a post step with nothing to do
  // parses a few KiB and exits (docs/performance.md has the figure). With dynamic import() marked
  // unsupported, esbuild writes that external import as a require(). yaml-mapping.ts's imports of
  // './js-yaml.js' stay requires of dist/js-yaml.js, built next.
  external: ['./post-work.js', './js-yaml.js'],
  supported: { 'dynamic-import': false }
})
const yaml = await build({
  ...COMMON,
  entryPoints: { 'js-yaml': 'src/action/inputs/js-yaml.ts' },
  outdir: 'dist'
})
// Licences of the bundled packages, as ncc's licenses.txt does: those with code in some dist/ file
// (a package esbuild read but left out entirely is not listed).
const pkgs = new Set()
for (const output of [steps, yaml].flatMap(r => Object.values(r.metafile.outputs))) {
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)
    if (m && bytesInOutput > 0) pkgs.add(m[1])
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
