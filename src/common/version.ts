// Kept equal to package.json "version" (a test checks it); sent in the User-Agent header.
export const ACTION_NAME = 'yunxiao-flow-action'
export const ACTION_VERSION = '1.0.0'
export const USER_AGENT = `${ACTION_NAME}/${ACTION_VERSION}`
