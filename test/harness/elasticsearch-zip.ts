// Starts Elasticsearch 8.x/9.x from Elastic's integ-test-zip distribution, resolved through Maven.
//
// The zip is a real Elasticsearch with only the transport-netty4, apm, x-pack-core and x-pack-security modules:
// no reindex (so no _reindex, _delete_by_query, _update_by_query), no ingest-common (no pipeline processors),
// no lang-painless, and no rest-root (`GET /` answers 405). See docs/engines/elasticsearch-8-9.md.
//
// Elasticsearch refuses to run as root, so when this process is root the node runs as an unprivileged system
// user (ELASTICSEARCH_USER, created on first use) through `setpriv`, which execs in place: the spawned pid is the
// Elasticsearch launcher JVM itself and the server JVM it starts stays in the same process group, so signalling
// the group (SIGTERM, then SIGKILL) stops both.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, chmod, cp, mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { BED_ROOT, HARNESS_DIR } from './paths.js';

const run = promisify(execFile);

export interface ZipNodeLaunch {
  version: string;
  clusterName: string;
  httpPort: number;
  transportPort: number;
  /** Per-node folder, owned by the harness; may not exist yet. */
  baseDir: string;
  repoDir: string;
  settings: Record<string, string | number | boolean | string[]>;
  heapMb: number;
}

export interface SpawnSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

export interface PreparedZip {
  /** The unpacked distribution (read-only for the node). */
  home: string;
  /** The JDK the node runs on (ES_JAVA_HOME). */
  javaHome: string;
}

/** The unprivileged user Elasticsearch runs as when the harness is root. */
export const ELASTICSEARCH_USER = process.env.FERRY_ES_USER ?? 'ferry-es';

const POM = join(HARNESS_DIR, 'java', 'elasticsearch-zip-pom.xml');
const DIST_ROOT = join(BED_ROOT, 'dist');
const UNPACKED_MARKER = '.ferry-unpacked';
const TEMURIN_25 = '/usr/lib/jvm/temurin-25-jdk-amd64';
const OPENJDK_17 = '/usr/lib/jvm/java-17-openjdk-amd64';

/**
 * Resolves the zip through Maven into ~/.m2, unpacks it once into .ferry-bed/dist/elasticsearch-<version>,
 * makes sure the unprivileged user exists (when root), and picks the JDK. Idempotent; the second call does no Maven run.
 */
export function prepareElasticsearchZip(version: string): Promise<PreparedZip> {
  // Source and dest of one bed are prepared at the same time: one Maven run and one unpack per version.
  let pending = preparing.get(version);
  if (!pending) {
    pending = prepare(version);
    preparing.set(version, pending);
    pending.catch(() => preparing.delete(version));
  }
  return pending;
}

const preparing = new Map<string, Promise<PreparedZip>>();

async function prepare(version: string): Promise<PreparedZip> {
  const major = majorOf(version);
  const javaHome = await pickJavaHome(major);
  const home = join(DIST_ROOT, `elasticsearch-${version}`);
  if (!(await exists(join(home, UNPACKED_MARKER)))) {
    const zip = await resolveZip(version);
    await unpack(zip, home, version, javaHome);
  }
  if (isRoot()) await ensureUser(ELASTICSEARCH_USER);
  return { home, javaHome };
}

/**
 * Writes the node's config folder (a copy of the distribution's, with elasticsearch.yml and a heap options file),
 * creates data, logs and tmp folders owned by the node's user, opens repoDir to it, and says how to spawn the node.
 */
export async function elasticsearchZipSpawn(
  launch: ZipNodeLaunch,
  prepared: PreparedZip,
): Promise<SpawnSpec> {
  const { baseDir } = launch;
  const configDir = join(baseDir, 'config');
  const dataDir = join(baseDir, 'data');
  const logsDir = join(baseDir, 'logs');
  const tmpDir = join(baseDir, 'tmp');
  await mkdir(baseDir, { recursive: true });
  await rm(configDir, { recursive: true, force: true });
  await cp(join(prepared.home, 'config'), configDir, { recursive: true });
  await Promise.all([dataDir, logsDir, tmpDir, launch.repoDir].map((dir) => mkdir(dir, { recursive: true })));

  const { kept, dropped } = splitSettings(launch.settings);
  const extraRepos = kept['path.repo'];
  const settings: ZipNodeLaunch['settings'] = {
    'cluster.name': launch.clusterName,
    'node.name': `${launch.clusterName}-0`,
    'path.data': dataDir,
    'path.logs': logsDir,
    'network.host': '127.0.0.1',
    'http.port': launch.httpPort,
    'transport.port': launch.transportPort,
    // A single-node cluster: no discovery, and the production bootstrap checks (vm.max_map_count,
    // file descriptors) only warn. A node of a multi-node bed gets seed hosts instead (and, bound to loopback,
    // its bootstrap checks still only warn).
    ...('discovery.seed_hosts' in kept ? {} : { 'discovery.type': 'single-node' }),
    'xpack.security.enabled': false,
    // A test bed on a nearly full disk must not turn indices read-only.
    'cluster.routing.allocation.disk.threshold_enabled': false,
    ...kept,
    'path.repo': [
      launch.repoDir,
      ...(Array.isArray(extraRepos) ? extraRepos : extraRepos ? [String(extraRepos)] : []),
    ].filter((dir, i, all) => all.indexOf(dir) === i),
  };
  const note = dropped.length
    ? `# Left out: settings of modules this distribution does not have (the node would refuse to start):\n${dropped.map((key) => `#   ${key}\n`).join('')}`
    : '';
  await writeFile(join(configDir, 'elasticsearch.yml'), `${note}${stringify(settings)}`);
  await mkdir(join(configDir, 'jvm.options.d'), { recursive: true });
  await writeFile(
    join(configDir, 'jvm.options.d', 'ferry-heap.options'),
    `-Xms${launch.heapMb}m\n-Xmx${launch.heapMb}m\n`,
  );

  const bin = join(prepared.home, 'bin', 'elasticsearch');
  const env: Record<string, string> = {
    ES_PATH_CONF: configDir,
    ES_JAVA_HOME: prepared.javaHome,
    ES_TMPDIR: tmpDir,
    // Heap and options come from the config folder only; an inherited value would silently change them.
    ES_JAVA_OPTS: '',
    // bin/elasticsearch-env warns about any JAVA_HOME it ignores.
    JAVA_HOME: '',
  };
  if (!isRoot()) return { command: bin, args: [], env, cwd: baseDir };

  const user = ELASTICSEARCH_USER;
  await run('chown', ['-R', `${user}:${user}`, configDir, dataDir, logsDir, tmpDir]);
  // Snapshots written by this node and by root-run nodes share the folder.
  await chmod(launch.repoDir, 0o777);
  await shareWithElasticsearch(launch.repoDir);
  await assertUserCanReach(user, [bin, baseDir, launch.repoDir]);
  return {
    command: 'setpriv',
    args: ['--reuid', user, '--regid', user, '--init-groups', '--', bin],
    env,
    cwd: baseDir,
  };
}

/**
 * Makes a folder (and everything already in it) writable by the node's user. Folders that root-run nodes create
 * later inside a shared snapshot folder are root's, mode 0755: call this before an Elasticsearch 8/9 node writes
 * into such a repository, or register it with `readonly: true` when the node only restores from it.
 */
export async function shareWithElasticsearch(dir: string): Promise<void> {
  if (!isRoot()) return;
  await run('chmod', ['-R', 'a+rwX', dir]);
}

/**
 * Settings that belong to modules the integ-test-zip lacks (reindex, ingest-geoip, lang-painless). Elasticsearch
 * rejects unknown settings at start-up, and the bed gives every dest the remote-reindex allowlist.
 */
export const UNSUPPORTED_SETTING_PREFIXES: readonly string[] = [
  'reindex.',
  'ingest.geoip.',
  'script.painless.',
];

function splitSettings(settings: ZipNodeLaunch['settings']): {
  kept: ZipNodeLaunch['settings'];
  dropped: string[];
} {
  const kept: ZipNodeLaunch['settings'] = {};
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(settings)) {
    if (UNSUPPORTED_SETTING_PREFIXES.some((prefix) => key.startsWith(prefix))) dropped.push(key);
    else kept[key] = value;
  }
  return { kept, dropped };
}

function majorOf(version: string): number {
  const major = Number.parseInt(version.split('.')[0] ?? '', 10);
  if (major !== 8 && major !== 9)
    throw new Error(`elasticsearch-zip starts Elasticsearch 8.x and 9.x only, not ${version}`);
  return major;
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

async function resolveZip(version: string): Promise<string> {
  const outDir = join(DIST_ROOT, 'zips');
  const zip = join(outDir, `elasticsearch-${version}.zip`);
  if (await exists(zip)) return zip;
  await mkdir(outDir, { recursive: true });
  try {
    await run(
      'mvn',
      [
        '-B',
        '-q',
        '-f',
        POM,
        `-Des.version=${version}`,
        'dependency:copy-dependencies',
        `-DoutputDirectory=${outDir}`,
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (error) {
    const detail = (error as { stdout?: string }).stdout ?? String(error);
    throw new Error(
      `Maven could not resolve org.elasticsearch.distribution.integ-test-zip:elasticsearch:${version}:zip ` +
        `(only some versions are published, e.g. 8.19.21 and 9.5.3):\n${detail.slice(-4000)}`,
    );
  }
  if (!(await exists(zip))) throw new Error(`Maven ran but ${zip} is not there`);
  return zip;
}

/** Unpacks into a fresh temporary folder, then renames it into place, so a half-unpacked home is never used. */
async function unpack(zip: string, home: string, version: string, javaHome: string): Promise<void> {
  const staging = `${home}.unpacking-${process.pid}-${randomBytes(4).toString('hex')}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    try {
      await run('unzip', ['-q', '-o', zip, '-d', staging], { maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // No unzip on this machine: the JDK's jar tool unpacks too, but drops the executable bits.
      await run(join(javaHome, 'bin', 'jar'), ['xf', zip], { cwd: staging, maxBuffer: 64 * 1024 * 1024 });
    }
    const inner = join(staging, `elasticsearch-${version}`);
    await run('chmod', ['-R', 'a+rX', inner]);
    await run('sh', ['-c', 'chmod a+x "$1"/bin/*', 'sh', inner]);
    await writeFile(join(inner, UNPACKED_MARKER), `${zip}\n`);
    await rm(home, { recursive: true, force: true });
    try {
      await rename(inner, home);
    } catch (error) {
      // Another process unpacked the same version at the same time.
      if (!(await exists(join(home, UNPACKED_MARKER)))) throw error;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function ensureUser(user: string): Promise<void> {
  if (await userExists(user)) return;
  try {
    await run('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      user,
    ]);
  } catch (error) {
    // exit 9: created meanwhile by a concurrent start.
    if (!(await userExists(user)))
      throw new Error(`Could not create the user ${user} that Elasticsearch runs as: ${String(error)}`);
  }
}

async function userExists(user: string): Promise<boolean> {
  try {
    await run('id', ['-u', user]);
    return true;
  } catch {
    return false;
  }
}

/** A clear error instead of a node that dies with AccessDeniedException (e.g. a repository under /root). */
async function assertUserCanReach(user: string, paths: string[]): Promise<void> {
  for (const path of paths) {
    try {
      await run('setpriv', ['--reuid', user, '--regid', user, '--init-groups', '--', 'test', '-r', path]);
    } catch {
      throw new Error(
        `User ${user} cannot read ${path}: every folder above it must be searchable by others (chmod o+x), ` +
          `or set FERRY_BED_DIR to a folder outside root's home.`,
      );
    }
  }
}

/**
 * 9.x needs Java 21+ (Temurin 25 first). 8.x is run on Java 17 when there is one (what it was built for); 8.19.21 was
 * also seen to start on Temurin 25. FERRY_ES8_JAVA_HOME / FERRY_ES9_JAVA_HOME override the choice.
 */
async function pickJavaHome(major: number): Promise<string> {
  const wanted =
    major >= 9
      ? { min: 21, max: 99, env: 'FERRY_ES9_JAVA_HOME' }
      : { min: 17, max: 25, env: 'FERRY_ES8_JAVA_HOME' };
  const fromEnv = process.env[wanted.env];
  if (fromEnv) return fromEnv;
  const defaultHome = await defaultJavaHome();
  const candidates = major >= 9 ? [TEMURIN_25, defaultHome] : [defaultHome, OPENJDK_17, TEMURIN_25];
  const seen: string[] = [];
  for (const home of candidates) {
    if (!home) continue;
    const feature = await javaFeature(home);
    seen.push(`${home} (${feature ?? 'no JDK'})`);
    if (feature !== undefined && feature >= wanted.min && feature <= wanted.max) return home;
  }
  throw new Error(
    `No Java ${wanted.min}${wanted.max < 99 ? `-${wanted.max}` : '+'} for Elasticsearch ${major}.x; looked at ${seen.join(', ')}. ` +
      `Set ${wanted.env}.`,
  );
}

async function defaultJavaHome(): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      const java = await realpath(join(dir, 'java'));
      if ((await stat(java)).isFile()) return dirname(dirname(java));
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The JDK's feature version from its `release` file, e.g. 17 or 25. */
async function javaFeature(home: string): Promise<number | undefined> {
  try {
    const release = await readFile(join(home, 'release'), 'utf8');
    const match = /^JAVA_VERSION="(\d+)/m.exec(release);
    if (!match?.[1]) return undefined;
    await access(join(home, 'bin', 'java'));
    return Number.parseInt(match[1], 10);
  } catch {
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
