// How to reach one cluster, and how to name it without ever showing a secret.
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { ConfigError } from '../core/errors.js';

export interface ConnectionOptions {
  /** Base URL, e.g. https://es.example:9200. Credentials in the URL are accepted and moved out of it. */
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  /** Elasticsearch API key, already base64 encoded (id:key). */
  apiKey?: string | undefined;
  /** PEM file of the CA that signed the cluster's certificate. */
  caFile?: string | undefined;
  /** PEM files of a client certificate and its private key, for clusters that authenticate by certificate. */
  certFile?: string | undefined;
  keyFile?: string | undefined;
  /** Skip TLS verification: the operator asked for it (--insecure), and is warned every time. */
  insecure?: boolean | undefined;
}

export interface ResolvedConnection {
  origin: string;
  /** Path prefix when the cluster sits behind a proxy under a path. */
  basePath: string;
  authorization: string | undefined;
  ca: string | undefined;
  /** Client certificate and key (PEM), both or neither. */
  cert: string | undefined;
  key: string | undefined;
  insecure: boolean;
  /** What logs and messages may show: origin and path, no credentials. */
  display: string;
}

export function resolveConnection(options: ConnectionOptions): ResolvedConnection {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new ConfigError(
      `"${redactUrl(options.url)}" is not a valid URL.`,
      'Give the cluster URL as http(s)://host:port.',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(
      `"${redactUrl(options.url)}" must use http or https.`,
      'Give the cluster URL as http(s)://host:port.',
    );
  }
  const username = options.username ?? (url.username ? decodeURIComponent(url.username) : undefined);
  const password = options.password ?? (url.password ? decodeURIComponent(url.password) : undefined);
  if (options.apiKey && username) {
    throw new ConfigError('Both an API key and a username were given for one cluster.', 'Use one of them.');
  }
  const ca = options.caFile ? readPem(options.caFile, 'CA file') : undefined;
  if ((options.certFile === undefined) !== (options.keyFile === undefined))
    throw new ConfigError(
      'A client certificate needs both its certificate file and its key file; only one was given.',
      'Give both: --source-cert and --source-key (or --dest-cert and --dest-key, FERRY_<SIDE>_CERT and FERRY_<SIDE>_KEY, cert_file and key_file in the plan).',
    );
  const cert = options.certFile ? readPem(options.certFile, 'client certificate file') : undefined;
  const key = options.keyFile ? readPem(options.keyFile, 'client key file') : undefined;
  checkTlsMaterial(ca, cert, key, options);
  const authorization = options.apiKey
    ? `ApiKey ${options.apiKey}`
    : username !== undefined
      ? `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`
      : undefined;
  const basePath = url.pathname.replace(/\/+$/, '');
  return {
    origin: url.origin,
    basePath,
    authorization,
    ca,
    cert,
    key,
    insecure: options.insecure ?? false,
    display: `${url.origin}${basePath}`,
  };
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`Cannot read the ${what} ${path}.`, 'Check the path and its permissions.');
  }
}

/** A CA, certificate or key that TLS cannot use is bad input, said before any connection is tried. */
function checkTlsMaterial(
  ca: string | undefined,
  cert: string | undefined,
  key: string | undefined,
  options: ConnectionOptions,
): void {
  try {
    createSecureContext({ ca, cert, key });
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    // OpenSSL's reason names no file content, only what was wrong.
    const reason = ((error as Error).message ?? '').replace(/^error:[0-9A-F]+:/, '');
    const files = [options.caFile, options.certFile, options.keyFile].filter(Boolean).join(', ');
    throw new ConfigError(
      code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH'
        ? `The client key ${options.keyFile} does not belong to the client certificate ${options.certFile}.`
        : `TLS cannot use ${files}: ${reason}.`,
      'Give PEM files: the CA certificate(s), the client certificate and its unencrypted private key.',
    );
  }
}

/** Removes user info from anything that looks like a URL, for messages about input we could not parse. */
export function redactUrl(text: string): string {
  return text.replace(/\/\/[^/@\s]*@/g, '//***@');
}
