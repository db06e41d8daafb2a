export function hasOpenssl(): boolean

export interface Certificates {
  /** PEM file of the CA, for NODE_EXTRA_CA_CERTS. */
  caFile: string
  ca: string
  leaves: Record<string, { key: string; cert: string }>
}

export function makeCertificates(
  dir: string,
  caName: string,
  leaves: Record<string, string>
): Certificates
