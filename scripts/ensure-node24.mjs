// Makes sure a Node 24 binary is at hand for the end-to-end tests (GitHub runs the action
// on node24; this machine has Node 20). It comes from the npm package node-<platform>-<arch>,
// installed into .node24/ (git-ignored) rather than as a devDependency: a devDependency named
// `node` would put its binary first on the PATH of every npm script, and jest itself would then
// run on Node 24 without saying so.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const NODE24_VERSION = '24.21.0'
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pkg = `node-${process.platform}-${process.arch}`
export const node24Path = join(root, '.node24', 'node_modules', pkg, 'bin', 'node')

function installedVersion() {
  if (!existsSync(node24Path)) return undefined
  try {
    return execFileSync(node24Path, ['--version'], { encoding: 'utf8' }).trim()
  } catch {
    return undefined
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.env.SKIP_NODE24 === '1') {
    console.log('SKIP_NODE24=1: the end-to-end tests run under this Node only')
  } else if (installedVersion() !== `v${NODE24_VERSION}`) {
    console.log(`Installing Node ${NODE24_VERSION} (${pkg}) into .node24/ for the end-to-end tests`)
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        join(root, '.node24'),
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
        `${pkg}@${NODE24_VERSION}`
      ],
      { stdio: 'inherit' }
    )
    const v = installedVersion()
    if (v !== `v${NODE24_VERSION}`) {
      console.error(
        `Node ${NODE24_VERSION} did not install (got ${v ?? 'nothing'} at ${node24Path})`
      )
      process.exit(1)
    }
  }
}
