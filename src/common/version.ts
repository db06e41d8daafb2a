// The name and version sent in the User-Agent header. The version is package.json's "version",
// written into the bundle at build time (scripts/build.mjs, esbuild `define`), so it cannot drift.
// Run from source (the unit tests), there is no build: the version is then "dev".
declare const __ACTION_VERSION__: string

export const ACTION_NAME = 'yunxiao-flow-action'
export const ACTION_VERSION: string =
  typeof __ACTION_VERSION__ === 'string' ? __ACTION_VERSION__ : 'dev'
export const USER_AGENT = `${ACTION_NAME}/${ACTION_VERSION}`
