// TLS for one cluster: what the connection pool is given, and what a failed handshake means to the operator.
// A certificate problem is bad input (the same call fails the same way every time): never retried, and said
// with the one fix it needs.
import type { ResolvedConnection } from './connection.js';
import { TlsError } from './errors.js';

export function tlsOptions(c: ResolvedConnection): Record<string, unknown> | undefined {
  if (!c.ca && !c.cert && !c.insecure) return undefined;
  return {
    ...(c.ca ? { ca: c.ca } : {}),
    ...(c.cert && c.key ? { cert: c.cert, key: c.key } : {}),
    rejectUnauthorized: !c.insecure,
  };
}

const CA_FIX =
  'Give the CA that signed the cluster certificate: --source-ca <file> or --dest-ca <file> (FERRY_SOURCE_CA / FERRY_DEST_CA, or ca_file in the plan file).';

const PROBLEMS: Record<string, { problem: string; fix: string }> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: { problem: 'its certificate is not signed by a trusted CA', fix: CA_FIX },
  UNABLE_TO_GET_ISSUER_CERT: { problem: 'its certificate is not signed by a trusted CA', fix: CA_FIX },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: {
    problem: 'its certificate is not signed by a trusted CA',
    fix: CA_FIX,
  },
  SELF_SIGNED_CERT_IN_CHAIN: { problem: 'its certificate chain ends in an untrusted CA', fix: CA_FIX },
  DEPTH_ZERO_SELF_SIGNED_CERT: { problem: 'its certificate is self-signed and not trusted', fix: CA_FIX },
  CERT_HAS_EXPIRED: {
    problem: 'its certificate (or one of its CAs) has expired',
    fix: 'Renew the cluster certificate (or the CA given with --source-ca/--dest-ca); Ferry does not connect to an expired one.',
  },
  CERT_NOT_YET_VALID: {
    problem: 'its certificate is not valid yet',
    fix: "Check the clock of this machine and of the cluster's nodes, or the certificate's start date.",
  },
  ERR_TLS_CERT_ALTNAME_INVALID: {
    problem: 'its certificate is not issued for this host name',
    fix: 'Use a host name that the certificate lists (its subject alternative names), e.g. the one the cluster was set up with, in --source-url/--dest-url.',
  },
};

/**
 * OpenSSL's "wrong version number": the first bytes back were not a TLS record, as when an http port answers
 * the handshake with an http error page. No client certificate can fix that.
 */
const PLAIN_HTTP = 'ERR_SSL_WRONG_VERSION_NUMBER';

/** The operator-facing error for a failed TLS handshake, or undefined when the failure is not about TLS. */
export function tlsError(error: unknown, what: string, display: string): TlsError | undefined {
  const code = errorCode(error);
  if (!code) return undefined;
  if (code === PLAIN_HTTP) {
    const plain = display.replace(/^https:/, 'http:');
    return new TlsError(
      `${what}: ${display} answers in plain http: use http:// in the URL (${code}).`,
      `Use ${plain} in --source-url/--dest-url (FERRY_SOURCE_URL / FERRY_DEST_URL, or url in the plan file), or the cluster's https port.`,
      { cause: error },
    );
  }
  const known = PROBLEMS[code];
  if (known)
    return new TlsError(`${what}: ${display} refused by TLS: ${known.problem} (${code}).`, known.fix, {
      cause: error,
    });
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'))
    return new TlsError(
      `${what}: the TLS handshake with ${display} failed (${code}).`,
      'If the cluster asks for a client certificate, give --source-cert/--source-key (or --dest-cert/--dest-key); check that it is signed by a CA the cluster trusts.',
      { cause: error },
    );
  return undefined;
}

function errorCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string' && (PROBLEMS[e.code] || /^ERR_(SSL|TLS)_/.test(e.code))) return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}
