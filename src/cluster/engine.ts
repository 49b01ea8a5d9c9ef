// Which server we are talking to, found at connect time; every engine difference is answered here.
import { AuthenticationError, NotASearchServerError, ResponseError } from './errors.js';
import type { Transport } from './transport.js';

export type Distribution = 'elasticsearch' | 'opensearch';

export interface EngineInfo {
  distribution: Distribution;
  /** Full version, e.g. "7.10.2". */
  version: string;
  major: number;
  minor: number;
  /** The cluster's own id: two URLs reach the same cluster exactly when these match (URL text cannot tell). */
  clusterUuid: string | undefined;
}

export async function detectEngine(transport: Transport): Promise<EngineInfo> {
  try {
    const root = await askServer<RootInfo>(transport, '/');
    if (root) {
      if (typeof root.version?.number !== 'string') throw notASearchServer(transport, 'GET / answered');
      return parseEngine(root.version.distribution, root.version.number, root.cluster_uuid);
    }
    const nodes = await askServer<NodesInfo>(transport, '/_nodes/_local', {
      filter_path: 'nodes.*.version,nodes.*.modules.classname',
    });
    const node = nodes?.nodes ? Object.values(nodes.nodes)[0] : undefined;
    if (typeof node?.version !== 'string')
      throw notASearchServer(transport, 'GET / and GET /_nodes answered');
    const opensearch = node.modules?.some((m) => m.classname.startsWith('org.opensearch.')) ?? false;
    return parseEngine(opensearch ? 'opensearch' : undefined, node.version, await clusterUuid(transport));
  } catch (error) {
    // Any other server (a web server, a proxy's error page) answers with something no cluster sends.
    if (error instanceof ResponseError && !(error instanceof AuthenticationError) && error.status < 500)
      throw notASearchServer(transport, `the server answered HTTP ${error.status}`);
    throw error;
  }
}

/**
 * GET one identification path: its JSON body, or undefined when the path is missing (reduced Elasticsearch 8+/9
 * builds lack the module that serves GET /, answering 404 or 405; nodes info always answers).
 */
async function askServer<T>(
  transport: Transport,
  path: string,
  query?: Record<string, string>,
): Promise<Partial<T> | undefined> {
  const res = await transport.request<unknown>({
    method: 'GET',
    path,
    query,
    okStatuses: [404, 405],
    what: 'detect engine',
  });
  if (res.status === 404 || res.status === 405) return undefined;
  if (typeof res.body !== 'object' || res.body === null)
    throw notASearchServer(transport, `GET ${path} answered`);
  return res.body as Partial<T>;
}

async function clusterUuid(transport: Transport): Promise<string | undefined> {
  const res = await transport.request<{ metadata?: { cluster_uuid?: string } }>({
    method: 'GET',
    path: '/_cluster/state/metadata',
    query: { filter_path: 'metadata.cluster_uuid' },
    okStatuses: [403, 404],
    what: 'read cluster uuid',
  });
  return res.status === 200 ? res.body?.metadata?.cluster_uuid : undefined;
}

function notASearchServer(transport: Transport, what: string): NotASearchServerError {
  return new NotASearchServerError(
    `${transport.display} is not an Elasticsearch or OpenSearch cluster (${what} with something else).`,
    "Check the URL's host and port: it must be the cluster's HTTP address (often port 9200), including any path prefix of a proxy in front of it.",
  );
}

function parseEngine(
  distribution: string | undefined,
  version: string,
  uuid: string | undefined,
): EngineInfo {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return {
    distribution: distribution === 'opensearch' ? 'opensearch' : 'elasticsearch',
    version,
    major,
    minor,
    clusterUuid: uuid && uuid !== '_na_' ? uuid : undefined,
  };
}

export function engineLabel(engine: EngineInfo): string {
  return `${engine.distribution === 'opensearch' ? 'OpenSearch' : 'Elasticsearch'} ${engine.version}`;
}

/** The static setting that lists hosts this cluster may reindex from. */
export function remoteAllowlistSetting(engine: EngineInfo): string {
  return engine.distribution === 'opensearch' && engine.major >= 2
    ? 'reindex.remote.allowlist'
    : 'reindex.remote.whitelist';
}

/** Elasticsearch 8+ refuses to sort or aggregate on _id unless a cluster setting allows it. */
export function canSortOnId(engine: EngineInfo): boolean {
  return engine.distribution === 'opensearch' || engine.major < 8;
}

/** Snapshots restore only on the same distribution, at the same or a newer version (one major apart at most). */
export function canRestoreSnapshot(from: EngineInfo, to: EngineInfo): boolean {
  if (from.distribution === to.distribution) {
    return to.major > from.major || (to.major === from.major && to.minor >= from.minor)
      ? to.major - from.major <= 1
      : false;
  }
  // OpenSearch 1.x/2.x restore Elasticsearch 7.x snapshots (up to 7.10, the fork point).
  return (
    from.distribution === 'elasticsearch' &&
    from.major === 7 &&
    from.minor <= 10 &&
    to.distribution === 'opensearch' &&
    to.major <= 2
  );
}

interface RootInfo {
  version: { number?: unknown; distribution?: string };
  cluster_uuid?: string;
}

interface NodesInfo {
  nodes: Record<string, { version: string; modules?: { classname: string }[] }>;
}
