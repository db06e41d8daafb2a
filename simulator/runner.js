// Runs the action's entries the way the GitHub runner runs a JavaScript action: the file action.yml
// names in `runs.main` (or `runs.post`, with `step: 'post'`), inputs as
// INPUT_<NAME> (uppercased, hyphens kept), the GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY
// files, STATE_<name> for the post step, and a clean environment (PATH and the runner's variables).
// Used by the end-to-end tests, `npm run demo` and `npm run bench`.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

/** The files action.yml runs: `runs.main` and `runs.post`, as paths. */
export function actionEntries(actionYml = readFileSync(join(ROOT, 'action.yml'), 'utf8')) {
  const runs = actionYml.slice(actionYml.search(/^runs:/m))
  const entry = key => {
    const m = runs.match(new RegExp(`^\\s+${key}:\\s*['"]?([^'"\\s]+)['"]?\\s*$`, 'm'))
    return m ? join(ROOT, m[1]) : undefined
  }
  return { main: entry('main'), post: entry('post') }
}

export const DIST_ENTRY = actionEntries().main ?? join(ROOT, 'dist', 'index.js')
export const DIST_POST_ENTRY = actionEntries().post ?? join(ROOT, 'dist', 'post.js')

/** Parses a GITHUB_OUTPUT / GITHUB_STATE file: `name<<delimiter\nvalue\ndelimiter` or `name=value` lines. */
export function parseCommandFile(text) {
  const values = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (!line) continue
    const heredoc = line.match(/^([^=<]+)<<(.+)$/)
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const value = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i])
      values[name] = value.join('\n')
    } else {
      const eq = line.indexOf('=')
      if (eq > 0) values[line.slice(0, eq)] = line.slice(eq + 1)
    }
  }
  return values
}

/** The variables a runner sets for every step (a subset that the action reads). */
export function runnerEnv(dir) {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'octo-org/shop',
    GITHUB_RUN_ID: '9876543210',
    GITHUB_RUN_NUMBER: '42',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SHA: '3f786850e387550fdab836ed7e6dc881de23001b',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_WORKFLOW: 'Deploy',
    GITHUB_JOB: 'deploy',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_ACTOR: 'octocat',
    GITHUB_API_URL: 'https://api.github.com',
    RUNNER_OS: 'Linux',
    RUNNER_TEMP: dir,
    GITHUB_WORKSPACE: dir
  }
}

export function inputEnv(inputs) {
  const env = {}
  for (const [name, value] of Object.entries(inputs)) {
    if (value === undefined) continue
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = String(value)
  }
  return env
}

/** The payload of a push of GITHUB_SHA to main, as the runner writes it to GITHUB_EVENT_PATH. */
export function pushEvent(env = runnerEnv('')) {
  return {
    name: 'push',
    payload: {
      ref: env.GITHUB_REF,
      before: '0000000000000000000000000000000000000000',
      after: env.GITHUB_SHA,
      repository: { full_name: env.GITHUB_REPOSITORY, name: env.GITHUB_REPOSITORY.split('/')[1] },
      head_commit: { id: env.GITHUB_SHA, message: 'Update the shop' },
      pusher: { name: env.GITHUB_ACTOR }
    }
  }
}

/**
 * A pull_request event for PR `number` from branch `headRef` at `headSha` (GITHUB_SHA is then the
 * merge commit `mergeSha`, GITHUB_REF refs/pull/<number>/merge), or with `name: 'pull_request_target'`
 * one into main (GITHUB_SHA main's last commit, GITHUB_REF refs/heads/main, as on GitHub).
 * `fork`: from another repository.
 */
export function pullRequestEvent({
  number,
  headSha,
  headRef,
  mergeSha,
  fork = false,
  name = 'pull_request'
}) {
  const env = runnerEnv('')
  const base = { full_name: env.GITHUB_REPOSITORY, fork: false }
  const head = fork ? { full_name: 'someone/shop', fork: true } : base
  return {
    name,
    payload: {
      action: 'synchronize',
      number,
      pull_request: {
        number,
        head: { ref: headRef, sha: headSha, repo: head },
        base: { ref: 'main', sha: env.GITHUB_SHA, repo: base }
      },
      repository: base
    },
    // pull_request runs on GitHub's merge commit; pull_request_target on the base branch's last commit.
    env:
      name === 'pull_request_target'
        ? {
            GITHUB_SHA: env.GITHUB_SHA,
            GITHUB_REF: 'refs/heads/main',
            GITHUB_REF_NAME: 'main',
            GITHUB_HEAD_REF: headRef,
            GITHUB_BASE_REF: 'main'
          }
        : {
            GITHUB_SHA: mergeSha,
            GITHUB_REF: `refs/pull/${number}/merge`,
            GITHUB_REF_NAME: `${number}/merge`,
            GITHUB_HEAD_REF: headRef,
            GITHUB_BASE_REF: 'main'
          }
  }
}

/**
 * Starts one step. Returns { child, done } where done resolves to
 * { code, signal, stdout, stderr, outputs, state, summary, files }.
 * options: { node, step ('main' or 'post'), inputs, state (for a post step: STATE_ values), env
 *   (extra), dir, onStdout, event ({ name, payload, env }: written to GITHUB_EVENT_PATH; default a
 *   push of GITHUB_SHA) }
 */
export function startStep(options) {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'flow-step-'))
  const files = {
    output: join(dir, `output-${process.hrtime.bigint()}`),
    state: join(dir, `state-${process.hrtime.bigint()}`),
    summary: join(dir, `summary-${process.hrtime.bigint()}`)
  }
  for (const f of Object.values(files)) writeFileSync(f, '')
  const event = options.event ?? pushEvent()
  const eventPath = join(dir, `event-${process.hrtime.bigint()}.json`)
  writeFileSync(eventPath, JSON.stringify(event.payload))
  const stateEnv = {}
  for (const [name, value] of Object.entries(options.state ?? {})) stateEnv[`STATE_${name}`] = value
  const env = {
    ...runnerEnv(dir),
    ...inputEnv(options.inputs ?? {}),
    ...stateEnv,
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: eventPath,
    ...(event.env ?? {}),
    ...(options.env ?? {})
  }
  const child = spawn(
    options.node ?? process.execPath,
    [options.entry ?? (options.step === 'post' ? DIST_POST_ENTRY : DIST_ENTRY)],
    {
      env,
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe']
    }
  )
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8')
  child.stderr.setEncoding('utf8')
  child.stdout.on('data', chunk => {
    stdout += chunk
    options.onStdout?.(chunk)
  })
  child.stderr.on('data', chunk => {
    stderr += chunk
    options.onStderr?.(chunk)
  })
  if (options.stdoutPauseMs) {
    // A runner slow to read the step's log: stdout is left unread for stdoutPauseMs at a time.
    const pause = () => {
      child.stdout.pause()
      timer = setTimeout(() => {
        child.stdout.resume()
        timer = setTimeout(pause, 50)
      }, options.stdoutPauseMs)
    }
    let timer
    pause()
    child.on('close', () => clearTimeout(timer))
  }
  const done = new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      const read = f => readFileSync(f, 'utf8')
      const result = {
        code,
        signal,
        stdout,
        stderr,
        outputs: parseCommandFile(read(files.output)),
        state: parseCommandFile(read(files.state)),
        summary: read(files.summary),
        rawOutputFile: read(files.output),
        rawStateFile: read(files.state)
      }
      if (!options.dir) rmSync(dir, { recursive: true, force: true })
      resolve(result)
    })
  })
  return { child, done }
}

/** Runs one step to its end. */
export function runStep(options) {
  return startStep(options).done
}
