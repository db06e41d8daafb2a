// The User-Agent's name and version: package.json's, written in at build time (scripts/build.mjs,
// esbuild `define`) so it cannot drift; "dev" when run from source (the unit tests).
declare const __ACTION_VERSION__: string

export const ACTION_NAME = 'yunxiao-flow-action'
export const ACTION_VERSION: string =
  typeof __ACTION_VERSION__ === 'string' ? __ACTION_VERSION__ : 'dev'
export const USER_AGENT = `${ACTION_NAME}/${ACTION_VERSION}`
