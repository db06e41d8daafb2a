// Test certificates, made at test time with openssl (Debian: apt-get install openssl): a CA, a
// certificate for localhost and 127.0.0.1 signed by it, and one for another host name.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

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

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
}

function leaf(dir: string, name: string, san: string): void {
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\n`)
  openssl(dir, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-subj',
    `/CN=${name}`,
    '-out',
    `${name}.csr`
  ])
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.pem`
  ])
}

export function makeCerts(): Certs {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-certs-'))
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-subj',
    '/CN=hostile test CA',
    '-days',
    '2',
    '-out',
    'ca.pem'
  ])
  leaf(dir, 'localhost', 'DNS:localhost,DNS:flow.invalid,IP:127.0.0.1,IP:::1')
  leaf(dir, 'other', 'DNS:other.invalid')
  const read = (f: string) => readFileSync(join(dir, f), 'utf8')
  return {
    caFile: join(dir, 'ca.pem'),
    ca: read('ca.pem'),
    key: read('localhost.key'),
    cert: read('localhost.pem'),
    otherKey: read('other.key'),
    otherCert: read('other.pem'),
    remove: () => rmSync(dir, { recursive: true, force: true })
  }
}
