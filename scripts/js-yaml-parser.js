// The esbuild plugin that bundles js-yaml as only its YAML parser, for dist/index.js
// (scripts/build.mjs) and for __tests__/dist.test.ts, which bundles src/action/yaml-mapping.ts with
// it and checks that it reads every text as the sources (with all of js-yaml) do.
//
// What is kept: the names src/ uses of js-yaml (every `jsYaml.<name>` in a file that imports
// 'js-yaml': parseEvents, getScalarValue and their constants). js-yaml is one ES module file made of
// `//#region src/...` parts; bundled whole and tree-shaken, esbuild still keeps most of its loader
// and dumper (top-level schemas and regular expressions it cannot prove free of side effects):
// 41 KiB. So only the regions the parser needs are bundled (22 KiB). The build fails if a region is
// missing, or a kept region names something declared in a region left out.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const JS_YAML = join(ROOT, 'node_modules/js-yaml/dist/js-yaml.mjs')
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
  walk(join(ROOT, 'src'))
  return [...names].sort()
}
/** The esbuild plugin: js-yaml's file, loaded as only its parser. */
export function jsYamlRegions() {
  const jsYamlUsed = usedOf('js-yaml', 'jsYaml')
  return {
    name: 'js-yaml-regions',
    setup(b) {
      b.onLoad({ filter: /[\\/]js-yaml[\\/]dist[\\/]js-yaml\.mjs$/ }, () => ({
        contents: jsYamlParser(jsYamlUsed),
        loader: 'js'
      }))
    }
  }
}
