// Which hosts are this machine: localhost, all of 127.0.0.0/8, and ::1 in any spelling (also as an
// IPv4-mapped address). Used for the `http://` allowance of the domain and to keep proxies out.
import { isIPv4, isIPv6 } from 'node:net'

/** `hostname` as URL gives it (IPv6 in brackets) or bare. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1')
  if (host === 'localhost') return true
  if (isIPv4(host)) return host.startsWith('127.')
  // Every IPv6 address has a colon; asking isIPv6 only then spares compiling its long regular
  // expression for a host name.
  if (!host.includes(':') || !isIPv6(host)) return false
  let normal: string
  try {
    normal = new URL(`http://[${host}]/`).hostname.slice(1, -1)
  } catch {
    return false
  }
  // ::1, or 127.x.y.z mapped into IPv6 (URL writes it as ::ffff:7fxx:yyzz).
  return normal === '::1' || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(normal)
}
