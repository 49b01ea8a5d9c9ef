// Resolves a codelibs runner's Java classpath through Maven (cached in ~/.m2 and in .ferry-bed).
import { execFile } from 'node:child_process';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { EngineId } from './engines.js';
import { BED_ROOT, HARNESS_DIR } from './paths.js';

const run = promisify(execFile);
const POM = join(HARNESS_DIR, 'java', 'pom.xml');

export async function runnerClasspath(engine: EngineId): Promise<string> {
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
  return (await readFile(out, 'utf8')).trim();
}

async function mtime(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}
