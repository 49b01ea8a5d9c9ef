// Which server we are talking to, found at connect time; every engine difference is answered here.
import { NotFoundError, ResponseError } from './errors.js';
import type { Transport } from './transport.js';

export type Distribution = 'elasticsearch' | 'opensearch';

export interface EngineInfo {
  distribution: Distribution;
  /** Full version, e.g. "7.10.2". */
  version: string;
  major: number;
  minor: number;
}

export async function detectEngine(transport: Transport): Promise<EngineInfo> {
  try {
    const { body } = await transport.request<RootInfo>({ method: 'GET', path: '/', what: 'detect engine' });
    return parseEngine(body.version.distribution, body.version.number);
  } catch (error) {
    // Reduced Elasticsearch 8+/9 builds lack the module that serves GET / (they answer 404 or 405);
    // nodes info always answers.
    if (!(error instanceof NotFoundError) && !(error instanceof ResponseError && error.status === 405))
      throw error;
  }
  const { body } = await transport.request<NodesInfo>({
    method: 'GET',
    path: '/_nodes/_local',
    query: { filter_path: 'nodes.*.version,nodes.*.modules.classname' },
    what: 'detect engine',
  });
  const node = Object.values(body.nodes)[0];
  if (!node) throw new Error('The cluster returned no node info; cannot tell its engine.');
  const opensearch = node.modules?.some((m) => m.classname.startsWith('org.opensearch.')) ?? false;
  return parseEngine(opensearch ? 'opensearch' : undefined, node.version);
}

function parseEngine(distribution: string | undefined, version: string): EngineInfo {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return {
    distribution: distribution === 'opensearch' ? 'opensearch' : 'elasticsearch',
    version,
    major,
    minor,
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
  version: { number: string; distribution?: string };
}

interface NodesInfo {
  nodes: Record<string, { version: string; modules?: { classname: string }[] }>;
}
