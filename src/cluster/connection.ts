// How to reach one cluster, and how to name it without ever showing a secret.
import { readFileSync } from 'node:fs';
import { ConfigError } from './errors.js';

export interface ConnectionOptions {
  /** Base URL, e.g. https://es.example:9200. Credentials in the URL are accepted and moved out of it. */
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  /** Elasticsearch API key, already base64 encoded (id:key). */
  apiKey?: string | undefined;
  /** PEM file of the CA that signed the cluster's certificate. */
  caFile?: string | undefined;
  /** Skip TLS verification (tests only). */
  insecure?: boolean | undefined;
}

export interface ResolvedConnection {
  origin: string;
  /** Path prefix when the cluster sits behind a proxy under a path. */
  basePath: string;
  authorization: string | undefined;
  ca: string | undefined;
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
  let ca: string | undefined;
  if (options.caFile) {
    try {
      ca = readFileSync(options.caFile, 'utf8');
    } catch {
      throw new ConfigError(
        `Cannot read the CA file ${options.caFile}.`,
        'Check the path and its permissions.',
      );
    }
  }
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
    insecure: options.insecure ?? false,
    display: `${url.origin}${basePath}`,
  };
}

/** Removes user info from anything that looks like a URL, for messages about input we could not parse. */
export function redactUrl(text: string): string {
  return text.replace(/\/\/[^/@\s]*@/g, '//***@');
}
