// What went wrong in one exchange: its stage, whether any byte can have reached the server, and
// for a TLS failure, what to do about it.

/** Where an exchange was, in order (what each means for a request: STALLED in errors.ts). */
export type Stage = 'dns' | 'connect' | 'proxy' | 'tls' | 'sent' | 'answer'

export class ExchangeError extends Error {
  /** Node's code (`ECONNREFUSED`, `CERT_HAS_EXPIRED`...) or ours: `EDEADLINE`, `EABORTED`, `EPROXY`, `EPROXYAUTH`, `EPROXYENV`. */
  declare readonly code: string
  declare readonly stage: Stage
  /** Any byte of the request can have reached the server. */
  declare readonly sent: boolean
  /** Trying again cannot help (a certificate, a 407, a wrong setting). */
  declare readonly permanent: boolean
  declare readonly hint?: string
  constructor(message: string, fields: ExchangeErrorFields) {
    super(message)
    this.name = 'ExchangeError'
    Object.assign(this, fields)
    this.permanent = fields.permanent ?? false
  }
}

export type ExchangeErrorFields = Pick<ExchangeError, 'code' | 'stage' | 'sent' | 'hint'> & {
  permanent?: boolean
}

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA'
])
const CA_HINT =
  "The server's certificate is not trusted by Node. Where the network has its own certificate authority (a company proxy that inspects TLS, a private CA), give Node that CA certificate with the NODE_EXTRA_CA_CERTS environment variable (the path of a PEM file) for this step; do not turn certificate checks off."

const PLAIN_HTTP =
  /wrong version number|packet length too long|unknown protocol|record layer failure|http request/i

/** What a TLS failure was and what to do, by Node's code (and OpenSSL's message where it has none). */
function tlsProblem(error: NodeJS.ErrnoException, host: string): [string, string] | undefined {
  const code = error.code ?? ''
  if (UNTRUSTED.has(code)) return [`the certificate of ${host} is not trusted`, CA_HINT]
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    const when = code === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not valid yet'
    const hint =
      "The server's certificate is outside its validity dates (check the machine's clock too)."
    return [`the certificate of ${host} ${when}`, hint]
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const hint =
      'The certificate belongs to another host name: check the domain (or what on the network answers for it).'
    return [`the certificate is not for ${host}`, hint]
  }
  if (!PLAIN_HTTP.test(error.message)) return undefined
  const hint =
    'The port answered in plain HTTP, not TLS: check the scheme and port of the domain (https:// needs a TLS port).'
  return [`${host} does not speak TLS on this port`, hint]
}

/** `error` as an ExchangeError: TLS failures before anything was sent get plain words and a hint. */
export function asExchangeError(
  error: unknown,
  where: Pick<ExchangeError, 'stage' | 'sent'> & { secure: boolean; host: string }
): ExchangeError {
  if (error instanceof ExchangeError) return error
  const e = error as NodeJS.ErrnoException
  const code = typeof e?.code === 'string' ? e.code : 'ERROR'
  const message = typeof e?.message === 'string' ? e.message : String(error)
  const tls = where.secure && !where.sent ? tlsProblem(e, where.host) : undefined
  if (tls) {
    const fields = { code, stage: 'tls', sent: false, permanent: true, hint: tls[1] } as const
    return new ExchangeError(`${tls[0]}: ${message}`, fields)
  }
  return new ExchangeError(message, { code, stage: where.stage, sent: where.sent })
}
