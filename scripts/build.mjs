// Bundles src/ into dist/ with esbuild, for the shortest start (README "Performance" has the numbers):
// - dist/index.js: CommonJS (dist/package.json says so). Node 20 starts a CommonJS entry ~5 ms
//   sooner than an ES module one; @actions/core is an ES module, which esbuild turns into
//   CommonJS, keeping only what the action calls (its command writers: no @actions/http-client,
//   no node:crypto; see the side-effect plugin below).
// - dist/yaml-mapping.js: src/action/yaml-mapping.ts with js-yaml's YAML parser, required (never
//   import()ed) only when a mapping input (envs, params, ...) is set.
// - dist/github.js: src/github/ (commit status, deployments, context-envs), required only when one
//   of the GitHub inputs is set.
// - dist/run-control.js: src/action/run-control.ts (pipeline-name, run-id, manual gates), required
//   only when pipeline-name or run-id is set, or a run is followed.
// - dist/post.js: the post step's own entry, and dist/post-work.js, what it loads when it has work
//   (see below).
import { build } from 'esbuild'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { resolve } from 'node:path'

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

// The YAML reading (src/action/yaml-mapping.ts and js-yaml): mapping.ts imports it lazily, only when
// a mapping input is set.
const yamlMappingApart = chunkApart('yaml-mapping', /\/yaml-mapping\.js$/, fromAction)
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
    yamlMappingApart,
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
// The YAML chunk (dist/yaml-mapping.js) holds src/action/yaml-mapping.ts and, of js-yaml, only the
// parser: the names src/ uses of it (every `jsYaml.<name>` in a file that imports 'js-yaml':
// parseEvents, getScalarValue and their constants). js-yaml is one ES module file made of
// `//#region src/...` parts; bundled whole and tree-shaken, esbuild still keeps most of its loader
// and dumper (top-level schemas and regular expressions it cannot prove free of side effects):
// 41 KiB. So only the regions the parser needs are bundled (22 KiB, loaded about 1 ms sooner). The
// build fails if a region is missing, or a kept region names something declared in a region left
// out; __tests__/dist.test.ts checks that the chunk reads texts as the sources (with all of js-yaml)
// do.
const JS_YAML = resolve('node_modules/js-yaml/dist/js-yaml.mjs')
const JS_YAML_REGIONS = [
  'src/common/snippet.ts',
  'src/common/exception.ts',
  'src/parser/events.ts',
  'src/parser/parser_scalar.ts',
  'src/parser/parser.ts'
]
function jsYamlParser(names) {
  const regions = readFileSync(JS_YAML, 'utf8')
    .split(/^(?=\/\/#region )/m)
    .map(text => ({ name: text.match(/^\/\/#region (\S+)/)?.[1], text }))
  const declared = new Map()
  for (const region of regions)
    for (const m of region.text.matchAll(/^(?:var|let|const|function\*?|class) ([\w$]+)/gm))
      declared.set(m[1], region.name)
  const kept = regions.filter(region => JS_YAML_REGIONS.includes(region.name))
  const problems = JS_YAML_REGIONS.filter(
    name => kept.filter(region => region.name === name).length !== 1
  ).map(name => `region ${name} is not there once`)
  for (const region of kept) {
    const code = region.text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '')
    for (const word of new Set(code.match(/(?<![\w$.])[A-Za-z_$][\w$]*/g)))
      if (declared.has(word) && !JS_YAML_REGIONS.includes(declared.get(word)))
        problems.push(`${region.name} uses ${word}, declared in ${declared.get(word)}`)
  }
  for (const name of names)
    if (!JS_YAML_REGIONS.includes(declared.get(name)))
      problems.push(`${name} is not declared in the regions kept`)
  if (problems.length)
    throw new Error(`js-yaml's ${JS_YAML} changed; review JS_YAML_REGIONS:\n${problems.join('\n')}`)
  // At load, js-yaml fills two 256-entry tables by calling simpleEscapeSequence() 512 times; on
  // Node 24 that makes V8 compile it with Maglev: +2 MiB of peak memory on every run with a mapping
  // input (README "Performance"). The tables only cache that function's answers, so it is called
  // where they were read (for a backslash escape in a double-quoted scalar) and they are left out.
  let text = kept.map(region => region.text).join('')
  const patches = [
    [
      'var simpleEscapeCheck = new Array(256);\nvar simpleEscapeMap = new Array(256);\nfor (let i = 0; i < 256; i++) {\n\tsimpleEscapeCheck[i] = simpleEscapeSequence(i) ? 1 : 0;\n\tsimpleEscapeMap[i] = simpleEscapeSequence(i);\n}\n',
      ''
    ],
    [
      'else if (escaped < 256 && simpleEscapeCheck[escaped]) {\n\t\t\t\tresult += simpleEscapeMap[escaped];',
      'else if (escaped < 256 && simpleEscapeSequence(escaped)) {\n\t\t\t\tresult += simpleEscapeSequence(escaped);'
    ]
  ]
  for (const [from, to] of patches) {
    if (text.split(from).length !== 2)
      throw new Error(`js-yaml's ${JS_YAML} changed: "${from}" is not there once; review the patch`)
    text = text.replace(from, to)
  }
  if (/simpleEscape(?:Check|Map)/.test(text))
    throw new Error(
      `js-yaml's ${JS_YAML} changed: its escape tables are still read; review the patch`
    )
  return `${text}\nexport { ${names.join(', ')} }\n`
}
function usedOf(pkg, variable) {
  const names = new Set()
  const walk = dir => {
    for (const f of readdirSync(dir, { withFileTypes: true })) {
      const path = `${dir}/${f.name}`
      if (f.isDirectory()) walk(path)
      else if (f.name.endsWith('.ts')) {
        const text = readFileSync(path, 'utf8')
        if (!text.includes(`import('${pkg}')`) && !text.includes(`from '${pkg}'`)) continue
        for (const m of text.matchAll(new RegExp(`\\b${variable}\\.(\\w+)\\b`, 'g')))
          names.add(m[1])
      }
    }
  }
  walk('src')
  return [...names].sort()
}
const jsYamlUsed = usedOf('js-yaml', 'jsYaml')
const jsYamlRegions = {
  name: 'js-yaml-regions',
  setup(b) {
    b.onLoad({ filter: /[\\/]js-yaml[\\/]dist[\\/]js-yaml\.mjs$/ }, () => ({
      contents: jsYamlParser(jsYamlUsed),
      loader: 'js'
    }))
  }
}
const yamlMapping = await build({
  ...common,
  entryPoints: { 'yaml-mapping': 'src/action/yaml-mapping.ts' },
  outdir: 'dist',
  plugins: [jsYamlRegions]
})

// Licences of the bundled packages, as ncc's licenses.txt does: those with code in some dist/ file
// (a package esbuild read but left out entirely, e.g. @actions/http-client, which @actions/core
// imports for what this action does not use, is not bundled and not listed).
const pkgs = new Set()
for (const result of [main, yamlMapping, github, runControl]) {
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
