// Prints the CHANGELOG.md section of one version (its text under `## [<version>] - <date>`), for
// the release notes: `node scripts/changelog.mjs 1.2.3`. Exits 1, saying why, when CHANGELOG.md
// has no such section or it is empty, so a release cannot go out without its notes.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The body of the `## [version]` section, trimmed; undefined when there is none. */
export function changelogSection(text, version) {
  const lines = text.split('\n')
  const start = lines.findIndex(line => {
    const m = /^## \[([^\]]+)\]/.exec(line)
    return m !== null && m[1] === version
  })
  if (start < 0) return undefined
  let end = lines.findIndex((line, i) => i > start && /^## /.test(line))
  if (end < 0) end = lines.length
  // The link definitions at the end (`[1.0.0]: https://...`) belong to no section.
  const body = lines
    .slice(start + 1, end)
    .filter(line => !/^\[[^\]]+\]: /.test(line))
    .join('\n')
    .trim()
  return body
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const version = (process.argv[2] ?? '').replace(/^v/, '')
  const file = process.argv[3] ?? 'CHANGELOG.md'
  if (!version) {
    console.error('usage: node scripts/changelog.mjs <version> [CHANGELOG.md]')
    process.exit(2)
  }
  const section = changelogSection(readFileSync(file, 'utf8'), version)
  if (section === undefined) {
    console.error(`${file} has no section "## [${version}] - <date>": add it before releasing.`)
    process.exit(1)
  }
  if (section === '') {
    console.error(`${file}: the section of ${version} is empty.`)
    process.exit(1)
  }
  process.stdout.write(section + '\n')
}
