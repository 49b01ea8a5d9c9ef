// The test bed: two independent clusters on loopback, "source" and "dest", sharing one snapshot directory,
// with the source in the dest's remote allowlist. Its state lives in .ferry-bed/bed.json so that
// `npm run clusters -- status|down` from another shell finds what `up` started.
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ENGINES, type EnginePair, pairName } from './engines.js';
import { groupAlive, type RunningNode, startNode, stopNode } from './node-process.js';
import { BED_ROOT } from './paths.js';

export interface Bed {
  pair: string;
  source: RunningNode;
  dest: RunningNode;
  /** The shared snapshot directory, in both clusters' path.repo. */
  repoDir: string;
}

// FERRY_BED_PORT moves the whole bed (with FERRY_BED_DIR) so several beds can run side by side.
const BASE_PORT = Number(process.env.FERRY_BED_PORT ?? 39200);
const PORTS = {
  source: { http: BASE_PORT, transport: BASE_PORT + 100 },
  dest: { http: BASE_PORT + 1, transport: BASE_PORT + 101 },
} as const;
const STATE_FILE = join(BED_ROOT, 'bed.json');
const HEAP_MB = Number(process.env.FERRY_BED_HEAP_MB ?? 1024);

export async function bedUp(pair: EnginePair, ownerPid: number | undefined): Promise<Bed> {
  await bedDown();
  const root = join(BED_ROOT, 'clusters');
  const repoDir = join(root, 'snapshots');
  await rm(root, { recursive: true, force: true });
  await mkdir(repoDir, { recursive: true });
  // Elasticsearch 8/9 run as an unprivileged user and must write the shared repository too.
  await chmod(repoDir, 0o777);
  const sourceAddress = `127.0.0.1:${PORTS.source.http}`;
  const common = { repoDir, heapMb: HEAP_MB, ownerPid };
  const [source, dest] = await Promise.all([
    startNode({
      ...common,
      engine: pair.source,
      clusterName: 'ferry-source',
      httpPort: PORTS.source.http,
      transportPort: PORTS.source.transport,
      dir: join(root, 'source'),
      settings: {},
    }),
    startNode({
      ...common,
      engine: pair.dest,
      clusterName: 'ferry-dest',
      httpPort: PORTS.dest.http,
      transportPort: PORTS.dest.transport,
      dir: join(root, 'dest'),
      settings: { [ENGINES[pair.dest].remoteAllowlistSetting]: [sourceAddress] },
    }),
  ]).catch(async (error: unknown) => {
    await bedDown();
    throw error;
  });
  const bed: Bed = { pair: pairName(pair), source, dest, repoDir };
  await writeFile(STATE_FILE, JSON.stringify(bed, null, 2));
  return bed;
}

export async function readBed(): Promise<Bed | undefined> {
  try {
    return JSON.parse(await readFile(STATE_FILE, 'utf8')) as Bed;
  } catch {
    return undefined;
  }
}

export async function bedDown(): Promise<void> {
  const bed = await readBed();
  if (!bed) return;
  await Promise.all([stopNode(bed.source.pid), stopNode(bed.dest.pid)]);
  await rm(STATE_FILE, { force: true });
}

export function bedAlive(bed: Bed): { source: boolean; dest: boolean } {
  return { source: groupAlive(bed.source.pid), dest: groupAlive(bed.dest.pid) };
}
