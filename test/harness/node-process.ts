// Starts and stops one cluster node as a detached process group, with a watchdog so no JVM outlives its owner.
import { spawn } from 'node:child_process';
import { mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runnerClasspath } from './classpath.js';
import { elasticsearchZipSpawn, prepareElasticsearchZip } from './elasticsearch-zip.js';
import { ENGINES, type EngineId, isSecured } from './engines.js';
import { HARNESS_DIR } from './paths.js';
import { bedFetch, prepareSecuredNode } from './secured-bed.js';
import { ES_SECURED_SETTINGS, prepareSecuredElasticsearch } from './secured-elasticsearch.js';

export type NodeSettings = Record<string, string | number | boolean | string[]>;

export interface NodeLaunch {
  engine: EngineId;
  clusterName: string;
  httpPort: number;
  transportPort: number;
  /** This node's own folder; wiped on start so every start is a fresh cluster (unless keepData). */
  dir: string;
  /** Restart on the data already in `dir` (a node rejoining its cluster) instead of wiping it. */
  keepData?: boolean | undefined;
  /**
   * Set for a node of a multi-node cluster (its discovery settings are in `settings`). Undefined keeps the
   * single-node defaults (the runner's "Node 1"); the node then also waits for its cluster to turn yellow itself.
   */
  nodeName?: string | undefined;
  repoDir: string;
  settings: NodeSettings;
  heapMb: number;
  /** When this process dies, the node is stopped too (tests); undefined leaves it running (`clusters up`). */
  ownerPid: number | undefined;
}

export interface RunningNode {
  engine: EngineId;
  url: string;
  /** Process group leader: the whole group is signalled on stop. */
  pid: number;
  logFile: string;
  dir: string;
  startupSeconds: number;
}

export async function startNode(launch: NodeLaunch): Promise<RunningNode> {
  const started = Date.now();
  if (!launch.keepData) await rm(launch.dir, { recursive: true, force: true });
  await mkdir(launch.dir, { recursive: true });
  const spec = await spawnSpec(launch);
  const logFile = join(launch.dir, 'console.log');
  const log = await open(logFile, launch.keepData ? 'a' : 'w');
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    detached: true,
    stdio: ['ignore', log.fd, log.fd],
  });
  await log.close();
  if (child.pid === undefined) throw new Error(`Could not spawn ${spec.command} for ${launch.engine}`);
  child.unref();
  if (launch.ownerPid !== undefined) startWatchdog(launch.ownerPid, child.pid);
  const url = `${isSecured(launch.engine) ? 'https' : 'http'}://127.0.0.1:${launch.httpPort}`;
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  await waitForHealth(url, () => exited, launch, logFile, child.pid);
  return {
    engine: launch.engine,
    url,
    pid: child.pid,
    logFile,
    dir: launch.dir,
    startupSeconds: (Date.now() - started) / 1000,
  };
}

/** SIGTERM to the node's process group, SIGKILL if it is still there after a grace period. */
export async function stopNode(pid: number, graceMs = 20_000): Promise<void> {
  if (!signalGroup(pid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pid)) return;
    await sleep(250);
  }
  signalGroup(pid, 'SIGKILL');
}

export function groupAlive(pid: number): boolean {
  return signalGroup(pid, 0);
}

function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

interface SpawnSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

async function spawnSpec(launch: NodeLaunch): Promise<SpawnSpec> {
  const engine = ENGINES[launch.engine];
  if (engine.launcher === 'zip') {
    const prepared = await prepareElasticsearchZip(engine.version);
    const spec = await elasticsearchZipSpawn(
      {
        version: engine.version,
        clusterName: launch.clusterName,
        httpPort: launch.httpPort,
        transportPort: launch.transportPort,
        baseDir: launch.dir,
        repoDir: launch.repoDir,
        settings: {
          ...(engine.secured ? ES_SECURED_SETTINGS : {}),
          ...launch.settings,
          ...(launch.nodeName ? { 'node.name': launch.nodeName } : {}),
        },
        heapMb: launch.heapMb,
      },
      prepared,
    );
    if (engine.secured) await prepareSecuredElasticsearch(join(launch.dir, 'config'));
    return spec;
  }
  const configDir = join(launch.dir, 'node_1', 'config');
  await mkdir(configDir, { recursive: true });
  const secured = engine.securityPlugin ? await prepareSecuredNode(launch.dir, configDir) : undefined;
  const settings: NodeSettings = {
    'http.host': '127.0.0.1',
    'transport.host': '127.0.0.1',
    'transport.port': launch.transportPort,
    'path.repo': [launch.repoDir],
    // The disk monitor judges the whole host disk, which other work shares: at the default watermarks (85/90/95%
    // used) a busy machine near 90% makes OpenSearch set cluster.blocks.create_index on and off (every node over
    // the high watermark) and tests fail at random. The bed's marks sit near full; tests that need other marks
    // set them transient, and their reset falls back to these.
    'cluster.routing.allocation.disk.watermark.low': '97%',
    'cluster.routing.allocation.disk.watermark.high': '98%',
    'cluster.routing.allocation.disk.watermark.flood_stage': '99%',
    ...secured?.settings,
    ...launch.settings,
  };
  await writeFile(join(configDir, engine.configFile), stringify(settings));
  const java = engine.javaHome ? join(engine.javaHome, 'bin', 'java') : 'java';
  const classpath = await runnerClasspath(launch.engine);
  return {
    command: java,
    args: [
      `-Xms${launch.heapMb}m`,
      `-Xmx${launch.heapMb}m`,
      '-XX:+UseG1GC',
      '-Dlog4j2.formatMsgNoLookups=true',
      ...(engine.securityPlugin
        ? [`-Dferry.plugins=${engine.securityPlugin}`, ...(secured?.jvmArgs ?? [])]
        : []),
      '-cp',
      classpath,
      join(HARNESS_DIR, 'java', 'FerryNode.java'),
      engine.runnerClass,
      launch.dir,
      launch.clusterName,
      String(launch.httpPort),
      engine.distribution === 'opensearch' ? 'cluster_manager,data,ingest' : 'master,data,ingest',
      // A node of a multi-node cluster cannot wait for yellow on its own: the cluster forms only once enough of
      // its nodes are up, so the harness waits for it instead.
      ...(launch.nodeName ? [launch.nodeName] : []),
    ],
    env: {},
    cwd: launch.dir,
  };
}

/** A tiny detached shell that stops the node's group once the owner process is gone, even after kill -9. */
function startWatchdog(ownerPid: number, nodePid: number): void {
  const script = `while kill -0 ${ownerPid} 2>/dev/null; do sleep 2; done; kill -TERM -- -${nodePid} 2>/dev/null; sleep 20; kill -KILL -- -${nodePid} 2>/dev/null`;
  spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
}

async function waitForHealth(
  url: string,
  exited: () => boolean,
  launch: NodeLaunch,
  logFile: string,
  pid: number,
): Promise<void> {
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    if (exited())
      throw new Error(
        `${launch.engine} node ${launch.clusterName} exited during start-up.\n${await logTail(launch.dir, logFile)}`,
      );
    try {
      // A node of a multi-node cluster is up once it has joined a cluster, whatever the cluster's colour (after a
      // kill it may be red until this very node is back); the bed then waits for the colour it needs.
      const res = await bedFetch(
        launch.nodeName
          ? `${url}/_cluster/health?master_timeout=2s`
          : `${url}/_cluster/health?wait_for_status=yellow&timeout=2s`,
      );
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  await stopNode(pid);
  throw new Error(
    `${launch.engine} node ${launch.clusterName} did not become healthy in 240 s.\n${await logTail(launch.dir, logFile)}`,
  );
}

/** The console output plus the node's own log files, so a failed start explains itself. */
async function logTail(dir: string, consoleLog: string): Promise<string> {
  const parts = [`--- ${consoleLog}\n${(await readFile(consoleLog, 'utf8').catch(() => '')).slice(-6000)}`];
  for (const logsDir of [join(dir, 'node_1', 'logs'), join(dir, 'logs')]) {
    const files = await readdir(logsDir).catch(() => [] as string[]);
    for (const file of files.filter((f) => f.endsWith('.log'))) {
      const text = await readFile(join(logsDir, file), 'utf8').catch(() => '');
      if (text) parts.push(`--- ${join(logsDir, file)}\n${text.slice(-4000)}`);
    }
  }
  return parts.join('\n');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
