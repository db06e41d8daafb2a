// Shared by the Flow client and transport tests: a client with a recorded sleep, and loopback helpers.
import { expect } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import nock from 'nock'
import { FlowClient, type FlowClientOptions } from '../../src/flow/client.js'
import { FlowApiError } from '../../src/flow/errors.js'

export const TOKEN = 'pt-SeCrEt0123456789abcdef'
export const CENTER = 'https://openapi-rdc.aliyuncs.com'
export const REGION = 'https://myorg-cn-hangzhou.devops.aliyuncs.com'
export const ORG = '5f0a1b2c3d'
export const UA = 'yunxiao-flow-action/test'
export const CENTER_RUNS = `/oapi/v1/flow/organizations/${ORG}/pipelines/42/runs`
export const REGION_RUNS = '/oapi/v1/flow/pipelines/42/runs'

export interface Harness {
  client: FlowClient
  sleeps: number[]
  /** The signal each pause was given. */
  sleepSignals: (AbortSignal | undefined)[]
}

/** `sleep: undefined` in the overrides gives the client's own (real, abortable) sleep. */
export function harness(overrides: Partial<FlowClientOptions> = {}): Harness {
  const sleeps: number[] = []
  const sleepSignals: (AbortSignal | undefined)[] = []
  const client = new FlowClient({
    baseUrl: CENTER,
    token: TOKEN,
    organizationId: ORG,
    userAgent: UA,
    timeoutMs: 300,
    sleep: async (ms, signal) => {
      sleeps.push(ms)
      sleepSignals.push(signal)
    },
    random: () => 0.5,
    ...overrides
  })
  return { client, sleeps, sleepSignals }
}

/** The FlowApiError a call failed with; also checks that nothing in it carries the token. */
export async function failure(promise: Promise<unknown>): Promise<FlowApiError> {
  let caught: unknown
  try {
    await promise
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(FlowApiError)
  const error = caught as FlowApiError
  expect(error.message).not.toContain(TOKEN)
  expect(JSON.stringify({ ...error, message: error.message })).not.toContain(TOKEN)
  return error
}

/** Counts the requests that reach an interceptor answering the same way up to `times` times. */
export function counted(
  scope: nock.Interceptor,
  times: number,
  status: number,
  body: string,
  headers: Record<string, string> = {}
): { count: () => number } {
  let n = 0
  scope.times(times).reply(() => {
    n++
    return [status, body, headers]
  })
  return { count: () => n }
}

export async function listen(server: http.Server): Promise<number> {
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done))
  return (server.address() as AddressInfo).port
}

export async function closedPort(): Promise<number> {
  const server = http.createServer()
  const port = await listen(server)
  await new Promise(done => server.close(done))
  return port
}
