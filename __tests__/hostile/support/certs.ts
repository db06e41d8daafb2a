// Test certificates, made at test time with openssl (Debian: apt-get install openssl): a CA, a
// certificate for localhost and 127.0.0.1 signed by it, and one for another host name.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeCertificates } from '../../../simulator/certs.js'

export interface Certs {
  /** PEM file of the CA, for NODE_EXTRA_CA_CERTS. */
  caFile: string
  ca: string
  /** For localhost, flow.invalid (reached through the test proxy), 127.0.0.1 and ::1. */
  key: string
  cert: string
  /** For other.invalid only. */
  otherKey: string
  otherCert: string
  remove: () => void
}

export function makeCerts(): Certs {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-certs-'))
  const made = makeCertificates(dir, 'hostile test CA', {
    localhost: 'DNS:localhost,DNS:flow.invalid,IP:127.0.0.1,IP:::1',
    other: 'DNS:other.invalid'
  })
  return {
    caFile: made.caFile,
    ca: made.ca,
    key: made.leaves.localhost.key,
    cert: made.leaves.localhost.cert,
    otherKey: made.leaves.other.key,
    otherCert: made.leaves.other.cert,
    remove: () => rmSync(dir, { recursive: true, force: true })
  }
}
