// Typed calls on one cluster. Engine differences are resolved here, not in the steps that call them.
import type { ConnectionOptions } from './connection.js';
import { detectEngine, type EngineInfo, engineLabel } from './engine.js';
import { NotFoundError } from './errors.js';
import { type RequestOptions, type Response, Transport, type TransportOptions } from './transport.js';
import type { BulkResponse, IndexDefinition, MgetDoc, SearchResponse, ShardSeqNoStats } from './types.js';

export class ClusterClient {
  readonly transport: Transport;
  readonly engine: EngineInfo;

  private constructor(transport: Transport, engine: EngineInfo) {
    this.transport = transport;
    this.engine = engine;
  }

  /** Connects and detects the engine; fails with a typed error naming the fix when the cluster is unusable. */
  static async connect(
    options: ConnectionOptions,
    transportOptions?: TransportOptions,
  ): Promise<ClusterClient> {
    const transport = new Transport(options, transportOptions);
    try {
      return new ClusterClient(transport, await detectEngine(transport));
    } catch (error) {
      await transport.close();
      throw error;
    }
  }

  get label(): string {
    return `${engineLabel(this.engine)} at ${this.transport.display}`;
  }

  /** For the typed calls of src/cluster only; test/cluster/layer-boundary.unit.test.ts holds everyone else to them. */
  request<T = unknown>(options: RequestOptions): Promise<Response<T>> {
    return this.transport.request<T>(options);
  }

  /** The body of `request`; src/cluster only, as above. */
  async json<T = unknown>(options: RequestOptions): Promise<T> {
    return (await this.transport.request<T>(options)).body;
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  async indexExists(index: string): Promise<boolean> {
    const { status } = await this.request({
      method: 'HEAD',
      path: `/${enc(index)}`,
      okStatuses: [404],
      what: `check index ${index}`,
    });
    return status === 200;
  }

  /** Settings (flat keys under index), mappings and aliases of one concrete index. */
  async getIndex(index: string): Promise<IndexDefinition> {
    const body = await this.json<Record<string, IndexDefinition>>({
      method: 'GET',
      path: `/${enc(index)}`,
      what: `read index ${index}`,
    });
    const definition = body[index] ?? Object.values(body)[0];
    if (!definition) throw new Error(`Index ${index} has no definition`);
    return definition;
  }

  createIndex(index: string, body: unknown): Promise<unknown> {
    return this.json({ method: 'PUT', path: `/${enc(index)}`, body, what: `create index ${index}` });
  }

  /** Deletes an index; deleting one that is already gone is not an error (steps must be re-runnable). */
  async deleteIndex(index: string): Promise<void> {
    await this.request({
      method: 'DELETE',
      path: `/${enc(index)}`,
      okStatuses: [404],
      what: `delete index ${index}`,
    });
  }

  async refresh(index: string): Promise<void> {
    await this.request({
      method: 'POST',
      path: `/${enc(index)}/_refresh`,
      idempotent: true,
      what: `refresh ${index}`,
    });
  }

  async count(index: string, query?: unknown): Promise<number> {
    const body = await this.json<{ count: number }>({
      method: 'POST',
      path: `/${enc(index)}/_count`,
      body: query ? { query } : undefined,
      idempotent: true,
      allShards: true,
      what: `count ${index}`,
    });
    return body.count;
  }

  search<S = Record<string, unknown>>(
    index: string,
    body: unknown,
    query?: RequestOptions['query'],
  ): Promise<SearchResponse<S>> {
    return this.json<SearchResponse<S>>({
      method: 'POST',
      path: index ? `/${enc(index)}/_search` : '/_search',
      body,
      query,
      idempotent: true,
      allShards: true,
      what: `search ${index}`,
    });
  }

  /** Realtime reads of documents' positions (no `_source`), one answer per key, in order. */
  async mgetPositions(
    index: string,
    keys: readonly { id: string; routing?: string | null | undefined }[],
  ): Promise<MgetDoc[]> {
    if (keys.length === 0) return [];
    const body = await this.json<{
      docs: {
        _id: string;
        found?: boolean;
        _seq_no?: number;
        _primary_term?: number;
        _version?: number;
        error?: { type?: string; reason?: string };
      }[];
    }>({
      method: 'POST',
      path: `/${enc(index)}/_mget`,
      query: { _source: false, realtime: true },
      body: {
        docs: keys.map((k) => ({
          _id: k.id,
          ...(k.routing !== undefined && k.routing !== null ? { routing: k.routing } : {}),
        })),
      },
      idempotent: true,
      what: `read ${keys.length} documents of ${index}`,
    });
    return body.docs.map((d) => ({
      id: d._id,
      found: d.found === true,
      seqNo: d._seq_no,
      primaryTerm: d._primary_term,
      version: d._version,
      error: d.error ? { type: d.error.type ?? 'error', reason: d.error.reason ?? '' } : undefined,
    }));
  }

  /** Sends one NDJSON bulk body; item-level failures are in the answer, for the caller to sort out. */
  bulk(ndjson: string | Buffer, query?: RequestOptions['query']): Promise<BulkResponse> {
    return this.json<BulkResponse>({ method: 'POST', path: '/_bulk', ndjson, query, what: 'bulk write' });
  }

  /** Per primary shard: max seq_no and checkpoints, the watermarks change capture starts from. */
  async shardSeqNos(index: string): Promise<ShardSeqNoStats[]> {
    const body = await this.json<ShardStatsBody>({
      method: 'GET',
      path: `/${enc(index)}/_stats/docs`,
      query: { level: 'shards' },
      what: `read shard stats of ${index}`,
    });
    const indexStats = body.indices[index] ?? Object.values(body.indices)[0];
    if (!indexStats) throw new NotFoundErrorLike(index);
    const result: ShardSeqNoStats[] = [];
    for (const [shard, copies] of Object.entries(indexStats.shards)) {
      for (const copy of copies) {
        result.push({
          shard: Number(shard),
          primary: copy.routing.primary,
          node: copy.routing.node,
          maxSeqNo: copy.seq_no.max_seq_no,
          localCheckpoint: copy.seq_no.local_checkpoint,
          globalCheckpoint: copy.seq_no.global_checkpoint,
          docs: copy.docs?.count ?? 0,
        });
      }
    }
    return result.sort((a, b) => a.shard - b.shard || Number(b.primary) - Number(a.primary));
  }

  async getIndexSettings(index: string, flat = true): Promise<Record<string, unknown>> {
    const body = await this.json<Record<string, { settings: Record<string, unknown> }>>({
      method: 'GET',
      path: `/${enc(index)}/_settings`,
      query: { flat_settings: flat },
      what: `read settings of ${index}`,
    });
    return (body[index] ?? Object.values(body)[0])?.settings ?? {};
  }

  async putIndexSettings(index: string, settings: Record<string, unknown>): Promise<void> {
    await this.request({
      method: 'PUT',
      path: `/${enc(index)}/_settings`,
      body: settings,
      what: `change settings of ${index}`,
    });
  }

  /** Persistent, transient and default cluster settings, flat keys. */
  async clusterSettings(): Promise<Record<string, unknown>> {
    const body = await this.json<Record<string, Record<string, unknown>>>({
      method: 'GET',
      path: '/_cluster/settings',
      query: { flat_settings: true, include_defaults: true },
      what: 'read cluster settings',
    });
    return { ...body.defaults, ...body.persistent, ...body.transient };
  }
}

/** Keeps index names with special characters safe in a path. */
export function enc(index: string): string {
  return encodeURIComponent(index).replace(/%2C/g, ',').replace(/%2A/g, '*');
}

class NotFoundErrorLike extends NotFoundError {
  constructor(index: string) {
    super({
      status: 404,
      errorType: 'index_not_found_exception',
      reason: `no such index [${index}]`,
      what: `stats of ${index}`,
      body: undefined,
    });
  }
}

interface ShardStatsBody {
  indices: Record<
    string,
    {
      shards: Record<
        string,
        {
          routing: { primary: boolean; node: string };
          seq_no: { max_seq_no: number; local_checkpoint: number; global_checkpoint: number };
          docs?: { count: number };
        }[]
      >;
    }
  >;
}
