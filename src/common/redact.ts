// Removes secrets from text before it can reach a log, an error message or an output.
// Knows nothing of GitHub: the runner's own masking is a second line of defence, not the first.

export const REDACTED = '***'

/**
 * The forms a secret can take when a server or a URL echoes it back: as given, percent-encoded
 * (an echoed query string) and JSON-escaped (an echoed JSON body read as raw text).
 */
function secretForms(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])
  return [...forms]
}

/** Replaces every occurrence of every non-blank secret (in any of its echoed forms) with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  const forms = secrets
    .filter(secret => typeof secret === 'string' && secret.trim() !== '')
    .flatMap(secretForms)
    // Longest first, so that a secret containing another is replaced whole.
    .sort((a, b) => b.length - a.length)
  let result = text
  for (const form of forms) result = result.split(form).join(REDACTED)
  return result
}
