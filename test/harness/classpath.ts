// Resolves a codelibs runner's Java classpath through Maven (cached in ~/.m2 and in .ferry-bed).
import { execFile } from 'node:child_process';
import { access, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import type { EngineId } from './engines.js';
import { BED_ROOT, HARNESS_DIR } from './paths.js';

const run = promisify(execFile);
const POM = join(HARNESS_DIR, 'java', 'pom.xml');

const resolving = new Map<EngineId, Promise<string>>();

/** The nodes of a bed start at once: they share one resolution (and one unpacking of a plugin zip). */
export function runnerClasspath(engine: EngineId): Promise<string> {
  let classpath = resolving.get(engine);
  if (!classpath) {
    classpath = resolveClasspath(engine);
    classpath.catch(() => resolving.delete(engine));
    resolving.set(engine, classpath);
  }
  return classpath;
}

async function resolveClasspath(engine: EngineId): Promise<string> {
  const out = join(BED_ROOT, 'classpath', `${engine}.txt`);
  const [pomTime, outTime] = await Promise.all([mtime(POM), mtime(out)]);
  if (outTime === undefined || pomTime === undefined || outTime < pomTime) {
    await mkdir(join(BED_ROOT, 'classpath'), { recursive: true });
    try {
      await run(
        'mvn',
        ['-B', '-q', '-f', POM, '-P', engine, 'dependency:build-classpath', `-Dmdep.outputFile=${out}`],
        {
          maxBuffer: 64 * 1024 * 1024,
        },
      );
    } catch (error) {
      const detail = (error as { stdout?: string }).stdout ?? String(error);
      throw new Error(
        `Maven could not resolve the ${engine} runner (is mvn installed and can it reach Maven Central?):\n${detail.slice(-4000)}`,
      );
    }
  }
  const entries = (await readFile(out, 'utf8')).trim().split(':');
  const plugins = await Promise.all(entries.filter((e) => e.endsWith('.zip')).map(pluginJars));
  return [...entries.filter((e) => !e.endsWith('.zip')), ...plugins.flat()].join(':');
}

/**
 * A plugin zip from Maven (the security plugin) holds its jar and its dependencies' jars: unpacked once into the
 * bed folder, they go on the node's classpath after the runner's own (whose copies of shared libraries win).
 */
async function pluginJars(zip: string): Promise<string[]> {
  const dir = join(BED_ROOT, 'plugins', basename(zip, '.zip'));
  const marker = join(dir, '.unpacked');
  if (!(await exists(marker))) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await run('unzip', ['-q', '-o', zip, '-d', dir]);
    await writeFile(marker, zip);
  }
  return (await readdir(dir)).filter((f) => f.endsWith('.jar')).map((f) => join(dir, f));
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function mtime(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}
