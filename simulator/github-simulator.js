// A GitHub REST API simulator for the three calls the action makes (commit statuses, deployments,
// deployment statuses): a real HTTP server on loopback for the end-to-end tests and the demo.
//
// It follows GitHub's documented behaviour (REST API version 2022-11-28) where the action depends
// on it:
// - POST /repos/{owner}/{repo}/statuses/{sha} -> 201 with the status. state is one of error,
//   failure, pending, success; description at most 140 characters, context at most 255
//   (422 "Validation Failed" otherwise); an unknown commit is 422 "No commit found for SHA: <sha>".
// - POST /repos/{owner}/{repo}/deployments -> 201 with the deployment. An unknown ref is 422
//   "No ref found for: <ref>". Without `required_contexts: []` GitHub checks every commit status
//   context of the ref first: 409 "Conflict: Commit status checks failed for <ref>." while one is
//   not success. Without `auto_merge: false` GitHub may merge the default branch into the ref
//   (202, no deployment): served as such when the request leaves auto_merge out and `behind` is set.
// - POST /repos/{owner}/{repo}/deployments/{id}/statuses -> 201. state is one of error, failure,
//   inactive, in_progress, queued, pending, success; an unknown deployment is 404.
// - No or a wrong token: 401 "Bad credentials". A repository the token cannot see: 404 "Not
//   Found". A token without the permission: 403 "Resource not accessible by integration", with
//   the X-Accepted-GitHub-Permissions header naming it (`statuses=write`, `deployments=write`).
// - An X-GitHub-Api-Version GitHub does not know: 400.
// - Error bodies: { message, documentation_url, status } as GitHub sends them.
// Every request is logged (method, path, headers, body, parsed JSON) in `requests`.
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'

export const DEFAULT_GITHUB_TOKEN = 'ghs_simulatorToken0123456789abcdefABCDEF'
const API_VERSIONS = new Set(['2022-11-28', '2026-03-10'])
const STATUS_STATES = new Set(['error', 'failure', 'pending', 'success'])
const DEPLOYMENT_STATES = new Set([
  'error',
  'failure',
  'inactive',
  'in_progress',
  'queued',
  'pending',
  'success'
])
const DOCS = {
  status: 'https://docs.github.com/rest/commits/statuses#create-a-commit-status',
  deployment: 'https://docs.github.com/rest/deployments/deployments#create-a-deployment',
  deploymentStatus: 'https://docs.github.com/rest/deployments/statuses#create-a-deployment-status',
  root: 'https://docs.github.com/rest'
}

/**
 * @param {import('./github-simulator.js').GithubSimulatorOptions} [options]
 * @returns {Promise<import('./github-simulator.js').GithubSimulator>}
 */
export async function startGithubSimulator(options = {}) {
  const settings = {
    token: options.token ?? DEFAULT_GITHUB_TOKEN,
    repository: options.repository ?? 'octo-org/shop',
    commits: new Set((options.commits ?? []).map(c => c.toLowerCase())),
    branches: { ...(options.branches ?? {}) },
    permissions: { statuses: 'write', deployments: 'write', ...(options.permissions ?? {}) },
    prefix: (options.pathPrefix ?? '').replace(/\/+$/, ''),
    behind: options.behind ?? false
  }
  const requests = []
  const faults = [...(options.faults ?? [])].map(f => ({ ...f, times: f.times ?? 1 }))
  /** @type {Map<string, any[]>} sha -> statuses, oldest first */
  const statuses = new Map()
  const deployments = []
  const timers = new Set()
  let nextId = 1000

  const origin = () => `http://127.0.0.1:${address.port}${settings.prefix}`

  function send(res, status, payload, headers = {}) {
    if (res.destroyed || res.writableEnded) return
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-github-request-id': res.requestId,
      'x-github-api-version-selected': '2022-11-28',
      ...headers
    })
    res.end(typeof payload === 'string' ? payload : JSON.stringify(payload))
  }

  function fail(res, status, message, docs = DOCS.root, headers = {}, extra = {}) {
    send(
      res,
      status,
      { message, ...extra, documentation_url: docs, status: String(status) },
      headers
    )
  }

  function takeFault(method, path) {
    const i = faults.findIndex(
      f =>
        f.times > 0 &&
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (f.path === undefined ||
          (f.path instanceof RegExp ? f.path.test(path) : path.includes(f.path)))
    )
    if (i < 0) return undefined
    const fault = faults[i]
    fault.times -= 1
    if (fault.times <= 0) faults.splice(i, 1)
    return fault
  }

  function answerFault(req, res, fault) {
    if (fault.destroy) return void req.socket.destroy()
    const status = fault.status ?? 500
    const body =
      fault.body ??
      (status === 403
        ? {
            message: 'Resource not accessible by integration',
            documentation_url: DOCS.root,
            status: '403'
          }
        : { message: 'Server Error', documentation_url: DOCS.root, status: String(status) })
    send(res, status, body, fault.headers)
  }

  function knownRef(ref) {
    return settings.commits.has(ref.toLowerCase()) || Object.hasOwn(settings.branches, ref)
  }

  function shaOf(ref) {
    return settings.commits.has(ref.toLowerCase()) ? ref.toLowerCase() : settings.branches[ref]
  }

  function validationFailed(res, resource, field, message, docs) {
    fail(
      res,
      422,
      'Validation Failed',
      docs,
      {},
      {
        errors: [{ resource, code: 'custom', field, message }]
      }
    )
  }

  function forbidden(res, permission, docs) {
    fail(res, 403, 'Resource not accessible by integration', docs, {
      'x-accepted-github-permissions': `${permission}=write`
    })
  }

  function createStatus(req, res, sha, json) {
    if (settings.permissions.statuses !== 'write') return forbidden(res, 'statuses', DOCS.status)
    if (!settings.commits.has(sha.toLowerCase()))
      return fail(res, 422, `No commit found for SHA: ${sha}`, DOCS.status)
    if (!STATUS_STATES.has(json.state))
      return validationFailed(
        res,
        'Status',
        'state',
        `state is not included in the list`,
        DOCS.status
      )
    if (typeof json.description === 'string' && [...json.description].length > 140)
      return validationFailed(
        res,
        'Status',
        'description',
        'description is too long (maximum is 140 characters)',
        DOCS.status
      )
    const context = json.context ?? 'default'
    if ([...context].length > 255)
      return validationFailed(
        res,
        'Status',
        'context',
        'context is too long (maximum is 255 characters)',
        DOCS.status
      )
    const now = new Date().toISOString()
    const status = {
      url: `${origin()}/repos/${settings.repository}/statuses/${sha}`,
      id: nextId++,
      node_id: `SC_${randomUUID()}`,
      state: json.state,
      description: json.description ?? null,
      target_url: json.target_url ?? null,
      context,
      created_at: now,
      updated_at: now,
      creator: { login: 'github-actions[bot]', type: 'Bot' }
    }
    const list = statuses.get(sha.toLowerCase()) ?? []
    list.push(status)
    statuses.set(sha.toLowerCase(), list)
    send(res, 201, status)
  }

  function createDeployment(req, res, json) {
    if (settings.permissions.deployments !== 'write')
      return forbidden(res, 'deployments', DOCS.deployment)
    if (typeof json.ref !== 'string' || !knownRef(json.ref))
      return fail(res, 422, `No ref found for: ${json.ref}`, DOCS.deployment)
    if (json.auto_merge === undefined && settings.behind)
      return send(res, 202, { message: `Auto-merged main into ${json.ref} on deployment.` })
    const sha = shaOf(json.ref)
    if (!Array.isArray(json.required_contexts)) {
      const latest = new Map()
      for (const s of statuses.get(sha) ?? []) latest.set(s.context.toLowerCase(), s.state)
      if ([...latest.values()].some(state => state !== 'success'))
        return fail(
          res,
          409,
          `Conflict: Commit status checks failed for ${json.ref}.`,
          DOCS.deployment
        )
    }
    const now = new Date().toISOString()
    const environment = json.environment ?? 'production'
    const deployment = {
      url: `${origin()}/repos/${settings.repository}/deployments/${nextId}`,
      id: nextId++,
      node_id: `DE_${randomUUID()}`,
      sha,
      ref: json.ref,
      task: json.task ?? 'deploy',
      payload: json.payload ?? {},
      original_environment: environment,
      environment,
      description: json.description ?? '',
      creator: { login: 'github-actions[bot]', type: 'Bot' },
      created_at: now,
      updated_at: now,
      transient_environment: json.transient_environment ?? false,
      production_environment: json.production_environment ?? environment === 'production',
      request: json,
      statuses: []
    }
    deployment.statuses_url = `${deployment.url}/statuses`
    deployments.push(deployment)
    const body = { ...deployment }
    delete body.request
    delete body.statuses
    send(res, 201, body)
  }

  function createDeploymentStatus(req, res, id, json) {
    if (settings.permissions.deployments !== 'write')
      return forbidden(res, 'deployments', DOCS.deploymentStatus)
    const deployment = deployments.find(d => String(d.id) === id)
    if (!deployment) return fail(res, 404, 'Not Found', DOCS.deploymentStatus)
    if (!DEPLOYMENT_STATES.has(json.state))
      return validationFailed(
        res,
        'DeploymentStatus',
        'state',
        'state is not included in the list',
        DOCS.deploymentStatus
      )
    if (typeof json.description === 'string' && [...json.description].length > 140)
      return validationFailed(
        res,
        'DeploymentStatus',
        'description',
        'description is too long (maximum is 140 characters)',
        DOCS.deploymentStatus
      )
    const now = new Date().toISOString()
    const status = {
      url: `${deployment.url}/statuses/${nextId}`,
      id: nextId++,
      node_id: `DES_${randomUUID()}`,
      state: json.state,
      description: json.description ?? '',
      environment: json.environment ?? deployment.environment,
      target_url: json.log_url ?? json.target_url ?? '',
      log_url: json.log_url ?? json.target_url ?? '',
      environment_url: json.environment_url ?? '',
      created_at: now,
      updated_at: now,
      deployment_url: deployment.url,
      repository_url: `${origin()}/repos/${settings.repository}`
    }
    deployment.statuses.push(status)
    // auto_inactive (default true): earlier successful deployments to the environment go inactive.
    if (json.state === 'success' && json.auto_inactive !== false) {
      for (const other of deployments) {
        if (other === deployment || other.environment !== deployment.environment) continue
        if (other.statuses.at(-1)?.state === 'success')
          other.statuses.push({ ...other.statuses.at(-1), state: 'inactive', id: nextId++ })
      }
    }
    send(res, 201, status)
  }

  function serve(req, res, url, body) {
    const method = req.method ?? 'GET'
    const version = req.headers['x-github-api-version']
    if (version !== undefined && !API_VERSIONS.has(String(version)))
      return fail(res, 400, `Invalid API version provided: ${version}`, DOCS.root)
    const auth = String(req.headers.authorization ?? '')
    const match = /^(?:Bearer|token) (.+)$/i.exec(auth)
    if (!match || match[1] !== settings.token) return fail(res, 401, 'Bad credentials', DOCS.root)
    if (!url.pathname.startsWith(`${settings.prefix}/`)) return fail(res, 404, 'Not Found')
    const segments = url.pathname
      .slice(settings.prefix.length)
      .split('/')
      .filter(Boolean)
      .map(s => decodeURIComponent(s))
    if (segments[0] !== 'repos' || `${segments[1]}/${segments[2]}` !== settings.repository)
      return fail(res, 404, 'Not Found')
    const rest = segments.slice(3)
    if (method !== 'POST') return fail(res, 404, 'Not Found')
    let json
    try {
      json = JSON.parse(body)
    } catch {
      return fail(res, 400, 'Problems parsing JSON', DOCS.root)
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json))
      return fail(res, 400, 'Problems parsing JSON', DOCS.root)
    if (rest.length === 2 && rest[0] === 'statuses') return createStatus(req, res, rest[1], json)
    if (rest.length === 1 && rest[0] === 'deployments') return createDeployment(req, res, json)
    if (rest.length === 3 && rest[0] === 'deployments' && rest[2] === 'statuses')
      return createDeploymentStatus(req, res, rest[1], json)
    fail(res, 404, 'Not Found')
  }

  function handle(req, res, body) {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const method = req.method ?? 'GET'
    let json
    try {
      json = JSON.parse(body)
    } catch {
      json = undefined
    }
    requests.push({
      method,
      path: url.pathname,
      headers: { ...req.headers },
      body,
      json,
      time: Date.now()
    })
    const fault = takeFault(method, url.pathname)
    if (fault?.delayMs) {
      const timer = setTimeout(() => {
        timers.delete(timer)
        if (fault.destroy || fault.status !== undefined || fault.body !== undefined)
          answerFault(req, res, fault)
        else serve(req, res, url, body)
      }, fault.delayMs)
      timers.add(timer)
      return
    }
    if (fault) return answerFault(req, res, fault)
    serve(req, res, url, body)
  }

  const server = createServer((req, res) => {
    res.requestId = randomUUID().toUpperCase().slice(0, 23)
    const chunks = []
    req.on('data', chunk => chunks.push(chunk))
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')))
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined))
  })
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())

  return {
    url: `http://127.0.0.1:${address.port}${settings.prefix}`,
    requests,
    faults,
    addFault(fault) {
      faults.push({ ...fault, times: fault.times ?? 1 })
    },
    setPermissions(permissions) {
      Object.assign(settings.permissions, permissions)
    },
    addCommit(sha) {
      settings.commits.add(sha.toLowerCase())
    },
    statuses(sha) {
      return [...(statuses.get(sha.toLowerCase()) ?? [])]
    },
    deployments() {
      return deployments.map(d => ({
        id: d.id,
        sha: d.sha,
        ref: d.ref,
        environment: d.environment,
        description: d.description,
        payload: d.payload,
        request: d.request,
        statuses: d.statuses.map(s => ({
          state: s.state,
          description: s.description,
          log_url: s.log_url,
          environment_url: s.environment_url
        }))
      }))
    },
    close() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      return new Promise(resolve => {
        server.close(() => resolve(undefined))
        server.closeAllConnections()
      })
    }
  }
}
