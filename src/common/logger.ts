// What the wait loop and the job-log printer say goes through this small interface, so they know
// nothing of GitHub (follow.ts maps it onto workflow commands, action/output/log.ts) and tests can record it.

export interface Logger {
  /** A log line. The action's logger makes it one safe line (common/foreign-text.ts). */
  info(line: string): void
  /**
   * Writes the line exactly as given: the job-log printer's `::stop-commands::` and resume lines
   * and the log text between them. Falls back to info.
   */
  verbatim?(line: string): void
  warning(line: string): void
  /** An error annotation (`::error::`). Optional: callers fall back to warning. */
  error?(line: string): void
  startGroup(name: string): void
  endGroup(): void
  /**
   * Resolves once what was written has left the process (or on `signal`): stdout to a pipe is
   * asynchronous, so a reader that writes megabytes waits here rather than queue them in memory.
   */
  drained?(signal?: AbortSignal): Promise<void>
}

/** An error's message, on one line, to be put inside a line of ours. */
export function messageOf(err: unknown): string {
  return oneLine(err instanceof Error ? err.message : String(err))
}

// Line breaks (CR, LF, NEL, U+2028/U+2029) and other control characters: server text keeping one
// could start a new log line, which the runner reads as a command if it starts with `::` or `##[`.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g

/** `text` with every run of control characters folded to one space, so it stays on one line. */
export function oneLine(text: string): string {
  return text.replace(CONTROL, ' ')
}
