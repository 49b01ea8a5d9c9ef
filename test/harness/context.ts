// What a cluster test gets: clients for the test bed's source and dest, and unique names.
import { randomBytes } from 'node:crypto';
import { ClusterClient } from '../../src/cluster/client.js';
import type { ConnectionOptions } from '../../src/cluster/connection.js';
import { bedCertificates } from './certificates.js';
import type { EngineId } from './engines.js';
import { BED_ADMIN } from './secured-bed.js';

export interface TestClusters {
  source: ClusterClient;
  dest: ClusterClient;
  sourceUrl: string;
  destUrl: string;
  repoDir: string;
  sourceEngine: EngineId;
  destEngine: EngineId;
  /** Nodes in the source cluster (FERRY_TEST_SOURCE_NODES; 1 unless the pair asked for more, e.g. opensearch-2x3). */
  sourceNodes: number;
  destNodes: number;
  close(): Promise<void>;
}

export async function testClusters(): Promise<TestClusters> {
  const sourceUrl = required('FERRY_TEST_SOURCE_URL');
  const destUrl = required('FERRY_TEST_DEST_URL');
  const [source, dest] = await Promise.all([
    ClusterClient.connect(asBedAdmin(sourceUrl)),
    ClusterClient.connect(asBedAdmin(destUrl)),
  ]);
  return {
    source,
    dest,
    sourceUrl,
    destUrl,
    repoDir: required('FERRY_TEST_REPO_DIR'),
    sourceEngine: required('FERRY_TEST_SOURCE_ENGINE') as EngineId,
    destEngine: required('FERRY_TEST_DEST_ENGINE') as EngineId,
    sourceNodes: Number(process.env.FERRY_TEST_SOURCE_NODES ?? 1),
    destNodes: Number(process.env.FERRY_TEST_DEST_NODES ?? 1),
    close: async () => {
      await Promise.all([source.close(), dest.close()]);
    },
  };
}

/** A secured bed (https) is reached through its CA as its administrator; a plain one as it is. */
export function asBedAdmin(url: string): ConnectionOptions {
  if (!url.startsWith('https:')) return { url };
  return { url, caFile: bedCertificates().ca, ...BED_ADMIN };
}

/** Lower-case, unique per call, so tests share the clusters without stepping on each other. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(
      `${name} is not set: run cluster tests through "npm test" (test/run.ts), which starts the test bed.`,
    );
  return value;
}
