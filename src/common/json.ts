// The one "is this a JSON object" test: an object that is neither null nor a list.

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
