// YAML or JSON mapping inputs (envs, running-branches, artifacts, params). The reading itself is
// action/yaml-mapping.ts, with js-yaml's parser: it is imported only when such an input is set (most
// triggers have none; in dist/index.js it is code that runs on first use). Errors are plain Errors saying what is wrong and
// where (line and column); settings.ts adds the input's name.

/**
 * A mapping of string to string, every scalar kept as written: `3` -> "3", `1.0` -> "1.0",
 * `0x10` -> "0x10", `false` -> "false"; `~`, `null` or nothing -> "", but a quoted "null" stays
 * "null". Keys too are kept as written (`NULL`, `~`, `null`, `true`, `1` and `0x10` are six keys);
 * an empty or repeated key is an error, and so is a nested mapping or list as a value (naming its
 * key). Aliases resolve. A tag does not change the text (`!!binary aGk=` -> "aGk="), except that
 * `!!null` on a null form is "". Empty or comment-only text gives {}; more than one document is an
 * error.
 */
export async function parseStringMapping(text: string): Promise<Record<string, string>> {
  const { readStringMapping } = await import('./yaml-mapping.js')
  return readStringMapping(text)
}

/**
 * A mapping of any data (nested mappings and lists allowed), read as plain JSON values: plain
 * scalars by the YAML 1.2 core schema (`3` -> 3, `true` -> true, `~` -> null), quoted ones as text; a
 * number JSON cannot hold (`.inf`, `.nan`, `1e400`) is an error rather than a null sent.
 * Keys anywhere are kept as written and must be unique. Only the core tags (!!str, !!int, !!float,
 * !!bool, !!null, !!map, !!seq, and `!`) are read, each only on a value it fits; any other tag
 * (!!binary, !!timestamp, !!set, a custom one) is an error: no tag builds anything but JSON data.
 * Aliases resolve, within limits against alias bombs (see yaml-mapping.ts).
 */
export async function parseDataMapping(text: string): Promise<Record<string, unknown>> {
  const { readDataMapping } = await import('./yaml-mapping.js')
  return readDataMapping(text)
}
