// Certificates for loopback TLS servers (the simulator over HTTPS), made with openssl (Debian:
// apt-get install openssl): a CA and leaf certificates signed by it, valid two days. Used by the
// hostile tests and `npm run bench`.
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Whether openssl can be run. */
export function hasOpenssl() {
  return spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0
}

/**
 * Makes, in `dir`, a CA named `caName` and one leaf per entry of `leaves` (name -> subjectAltName,
 * e.g. 'DNS:localhost,IP:127.0.0.1'). Gives { caFile, ca, leaves: { name: { key, cert } } } (PEM).
 */
export function makeCertificates(dir, caName, leaves) {
  const openssl = args => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
  const read = file => readFileSync(join(dir, file), 'utf8')
  const newKey = ['-newkey', 'rsa:2048', '-nodes']
  openssl([
    'req',
    '-x509',
    ...newKey,
    '-keyout',
    'ca.key',
    '-subj',
    `/CN=${caName}`,
    '-days',
    '2',
    '-out',
    'ca.pem'
  ])
  const made = {}
  for (const [name, san] of Object.entries(leaves)) {
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\n`)
    openssl([
      'req',
      ...newKey,
      '-keyout',
      `${name}.key`,
      '-subj',
      `/CN=${name}`,
      '-out',
      `${name}.csr`
    ])
    openssl([
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
    made[name] = { key: read(`${name}.key`), cert: read(`${name}.pem`) }
  }
  return { caFile: join(dir, 'ca.pem'), ca: read('ca.pem'), leaves: made }
}
