// What the action uses of js-yaml, as published. The build makes this file alone into
// dist/js-yaml.js, which dist/index.js and dist/post-work.js require only when a mapping input is
// set: a plain trigger does not parse js-yaml (docs/performance.md has the figure). Names one by
// one, never `export *`: esbuild then bundles what is used (not js-yaml's dumper).
export { NOT_RESOLVED, Schema, YAMLException, load, type TagDefinition } from 'js-yaml'
export { defineMappingTag, defineScalarTag, defineSequenceTag } from 'js-yaml'
export { boolCoreTag, floatCoreTag, intCoreTag, nullCoreTag } from 'js-yaml'
