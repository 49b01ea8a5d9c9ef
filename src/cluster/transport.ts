// The one HTTP layer every call to a cluster goes through: keep-alive pool, auth, TLS, JSON/NDJSON bodies,
// typed errors and retries of idempotent calls. Nothing here ever puts a credential into a message.
import { Pool } from 'undici';
import { realSleep, type Sleep } from '../core/time.js';
import { type ConnectionOptions, type ResolvedConnection, resolveConnection } from './connection.js';
import { ConnectionError, responseError } from './errors.js';
import { trackScroll } from './open-scrolls.js';
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from './retry.js';
import { assertAllShards, rawShardsHeader } from './shard-failures.js';
import { tlsError, tlsOptions } from './tls.js';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  method: Method;
  path: string;
  query?: Query | undefined;
  /** A JSON body (serialised here) ... */
  body?: unknown;
  /** ... or an NDJSON body already serialised (bulk, msearch). */
  ndjson?: string | Buffer | undefined;
  /** Human description for errors, e.g. "create index logs-2". */
  what?: string | undefined;
  /** Statuses that are answers rather than errors (e.g. 404 for an existence check). */
  okStatuses?: readonly number[] | undefined;
  /** Safe to send twice; defaults to true for GET/HEAD/PUT/DELETE. */
  idempotent?: boolean | undefined;
  timeoutMs?: number | undefined;
  /** Return a successful body as its raw text, unparsed (hot copy paths slice `_source` out of it). */
  raw?: boolean | undefined;
  /** A search, count or scroll: an answer missing a shard, or timed out, is a ShardFailureError. */
  allShards?: boolean | undefined;
  /**
   * Return a successful body unread, as its chunks (answer-stream.ts splits it), so an answer of large documents
   * is never held whole; that reader checks shards and scroll ids itself. An error answer is read and thrown as usual.
   */
  stream?: boolean | undefined;
}

export interface Response<T> {
  status: number;
  body: T;
}

export interface TransportOptions {
  connections?: number;
  retry?: RetryPolicy;
  sleep?: Sleep;
  requestTimeoutMs?: number;
}

export class Transport {
  readonly connection: ResolvedConnection;
  private readonly pool: Pool;
  private readonly retry: RetryPolicy;
  private readonly sleep: Sleep;
  private readonly requestTimeoutMs: number;
  /** How open-scrolls.ts clears a scroll this transport saw open (on an interrupt). */
  readonly clearScroll = (id: string) =>
    this.request({
      method: 'DELETE',
      path: '/_search/scroll',
      body: { scroll_id: [id] },
      okStatuses: [404],
      what: 'clear scroll',
    });

  constructor(options: ConnectionOptions, transportOptions: TransportOptions = {}) {
    this.connection = resolveConnection(options);
    this.retry = transportOptions.retry ?? DEFAULT_RETRY;
    this.sleep = transportOptions.sleep ?? realSleep;
    this.requestTimeoutMs = transportOptions.requestTimeoutMs ?? 120_000;
    this.pool = new Pool(this.connection.origin, {
      connections: transportOptions.connections ?? 16,
      keepAliveTimeout: 30_000,
      connect: tlsOptions(this.connection),
    });
  }

  get display(): string {
    return this.connection.display;
  }

  async request<T = unknown>(options: RequestOptions): Promise<Response<T>> {
    const idempotent = options.idempotent ?? options.method !== 'POST';
    const send = () => this.send<T>(options);
    return idempotent ? withRetry(send, this.retry, this.sleep) : send();
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async send<T>(options: RequestOptions): Promise<Response<T>> {
    const what = options.what ?? `${options.method} ${options.path}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.connection.authorization) headers.authorization = this.connection.authorization;
    let body: string | Buffer | undefined;
    if (options.ndjson !== undefined) {
      headers['content-type'] = 'application/x-ndjson';
      body = options.ndjson;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    let status: number;
    let text: string;
    try {
      const timeout = options.timeoutMs ?? this.requestTimeoutMs;
      const res = await this.pool.request({
        method: options.method,
        path: this.connection.basePath + options.path + queryString(options.query),
        headers,
        body,
        headersTimeout: timeout,
        // A streamed answer may rightly sit unread while its reader waits; answer-stream.ts times its own waits.
        bodyTimeout: options.stream ? 0 : timeout,
      });
      status = res.statusCode;
      if (options.stream && (status < 400 || options.okStatuses?.includes(status)))
        return { status, body: res.body as unknown as T };
      text = await res.body.text();
    } catch (error) {
      const tls = tlsError(error, what, this.display);
      if (tls) throw tls;
      throw new ConnectionError(
        `${what}: cannot reach ${this.display} (${(error as { code?: string }).code ?? (error as Error).name})`,
        'Check the URL, that the cluster is up, and any proxy, firewall or TLS settings (a private CA: FERRY_SOURCE_CA / FERRY_DEST_CA, or ca_file in the plan file).',
        { cause: error },
      );
    }
    const failed = status >= 400 && !options.okStatuses?.includes(status);
    if (options.raw && !failed) {
      if (options.allShards) assertAllShards(rawShardsHeader(text), `${what} on ${this.display}`);
      trackScroll(this.clearScroll, options, text);
      return { status, body: text as T };
    }
    const parsed = parseBody(text);
    if (failed) throw responseError(status, parsed, `${what} on ${this.display}`);
    if (options.allShards) assertAllShards(parsed, `${what} on ${this.display}`);
    trackScroll(this.clearScroll, options, parsed);
    return { status, body: parsed as T };
  }
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
