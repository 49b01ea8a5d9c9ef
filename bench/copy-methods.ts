// The ways to move one index that the copy benchmark times. Each returns wall time and, for client-side
// tools, the tool's peak RSS; the destination is checked by count afterwards.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterClient } from '../src/cluster/client.js';
import { detectReadContext, openPointInTime } from '../src/cluster/read/read-context.js';
import { readSlice } from '../src/cluster/read/sliced-reader.js';
import { REPO_ROOT } from '../test/harness/paths.js';
import { bulkLines } from './bulk-lines.js';
import { measure } from './measure.js';

export interface BenchEnv {
  source: ClusterClient;
  dest: ClusterClient;
  sourceUrl: string;
  destUrl: string;
  index: string;
  docs: number;
  repoDir: string;
  slices: number;
  concurrency: number;
  /** Documents per request for the tools that ask in documents (elasticdump --limit, reindex size). */
  elasticdumpLimit: number;
  reindexSize: number;
}

export interface MethodResult {
  seconds: number;
  peakRssMb: number | undefined;
  /** What exactly ran, for the report. */
  command: string;
  note?: string;
  /** Ferry's live runs: from the start until `ferry run` stopped with a verified copy. */
  wholeSeconds?: number;
  /** Run after the dest was counted (Ferry's runs abort, removing the dest index and the snapshot). */
  cleanup?: () => Promise<void>;
}

const NODE = process.execPath;
const ELASTICDUMP = join(REPO_ROOT, 'node_modules', 'elasticdump', 'bin', 'elasticdump');

export async function elasticdump(
  env: BenchEnv,
  destIndex: string,
  extra: string[],
  parts: number,
): Promise<MethodResult> {
  const runs = Array.from({ length: parts }, (_, part) => {
    const range =
      parts > 1
        ? [`--searchBody=${JSON.stringify({ query: { range: { n: partRange(env.docs, parts, part) } } })}`]
        : [];
    const args = [
      ELASTICDUMP,
      `--input=${env.sourceUrl}/${env.index}`,
      `--output=${env.destUrl}/${destIndex}`,
      '--type=data',
      ...extra,
      ...range,
    ];
    return measure(NODE, args, REPO_ROOT);
  });
  const started = performance.now();
  const results = await Promise.all(runs);
  const seconds = (performance.now() - started) / 1000;
  const failed = results.find((r) => r.code !== 0);
  if (failed) throw new Error(`elasticdump failed: ${failed.stderr.slice(-2000)}`);
  const rss = results.map((r) => r.peakRssMb ?? 0);
  return {
    seconds,
    peakRssMb: Math.max(...rss),
    command: `elasticdump --type=data ${extra.join(' ')}${parts > 1 ? ` ×${parts} processes split by --searchBody range on n` : ''}`,
    ...(parts > 1
      ? {
          note: `peak RSS per process; all ${parts} together ${Math.round(rss.reduce((a, b) => a + b, 0))} MB`,
        }
      : {}),
  };
}

export async function reindexFromRemote(
  env: BenchEnv,
  destIndex: string,
  parts: number,
  size: number,
): Promise<MethodResult> {
  const one = (query: unknown) =>
    env.dest.json<{ created: number; failures: unknown[] }>({
      method: 'POST',
      path: '/_reindex',
      query: { wait_for_completion: true },
      timeoutMs: 3_600_000,
      body: {
        source: { remote: { host: env.sourceUrl }, index: env.index, size, ...(query ? { query } : {}) },
        dest: { index: destIndex, version_type: 'external' },
      },
    });
  const started = performance.now();
  const queries =
    parts > 1
      ? Array.from({ length: parts }, (_, p) => ({ range: { n: partRange(env.docs, parts, p) } }))
      : [undefined];
  const answers = await Promise.all(queries.map(one));
  const seconds = (performance.now() - started) / 1000;
  const failures = answers.reduce((a, r) => a + r.failures.length, 0);
  return {
    seconds,
    peakRssMb: undefined,
    command: `POST _reindex (remote, size ${size}, version_type external)${parts > 1 ? ` ×${parts} in parallel, split by range on n` : ''}`,
    note: `server-side; ${failures} failures`,
  };
}

export async function snapshotRestore(env: BenchEnv, destIndex: string): Promise<MethodResult> {
  const repo = `bench-${Date.now().toString(36)}`;
  const location = join(env.repoDir, repo);
  await env.source.json({
    method: 'PUT',
    path: `/_snapshot/${repo}`,
    body: { type: 'fs', settings: { location } },
  });
  await env.dest.json({
    method: 'PUT',
    path: `/_snapshot/${repo}`,
    body: { type: 'fs', settings: { location, readonly: true } },
  });
  const started = performance.now();
  await env.source.json({
    method: 'PUT',
    path: `/_snapshot/${repo}/s1`,
    query: { wait_for_completion: true },
    timeoutMs: 3_600_000,
    body: { indices: env.index, include_global_state: false },
  });
  const snapshotSeconds = (performance.now() - started) / 1000;
  await env.dest.json({
    method: 'POST',
    path: `/_snapshot/${repo}/s1/_restore`,
    query: { wait_for_completion: true },
    timeoutMs: 3_600_000,
    body: {
      indices: env.index,
      rename_pattern: '.+',
      rename_replacement: destIndex,
      include_global_state: false,
    },
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    seconds,
    peakRssMb: undefined,
    cleanup: async () => {
      await env.source.json({ method: 'DELETE', path: `/_snapshot/${repo}/s1`, timeoutMs: 600_000 });
      await env.dest.json({ method: 'DELETE', path: `/_snapshot/${repo}` });
      await env.source.json({ method: 'DELETE', path: `/_snapshot/${repo}` });
    },
    command: 'PUT _snapshot (fs repo in the shared dir) + POST _restore',
    note: `server-side; snapshot ${snapshotSeconds.toFixed(1)} s + restore ${(seconds - snapshotSeconds).toFixed(1)} s`,
  };
}

/**
 * Reads the whole source into bulk bodies on local disk (untimed), then times reading them back and posting
 * them: the destination's ceiling. On disk, not in memory, so that a corpus of gigabytes fits.
 */
export async function rawBulkCeiling(env: BenchEnv, destIndex: string): Promise<MethodResult> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-bench-ceiling-'));
  try {
    const files = await writeBodies(env, destIndex, dir);
    const started = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const res = await env.dest.bulk(await readFile(files[next++]!, 'utf8'));
        if (res.errors) throw new Error('raw bulk had item errors');
      }
    };
    await Promise.all(Array.from({ length: env.concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;
    return {
      seconds,
      peakRssMb: undefined,
      command: `pre-built _bulk bodies of 5 MB (a larger document alone) read from local disk, ${env.concurrency} in flight, external versions`,
      note: `${files.length} bodies`,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeBodies(env: BenchEnv, destIndex: string, dir: string): Promise<string[]> {
  const kind = await detectReadContext(env.source);
  const pitId = kind === 'scroll' ? undefined : await openPointInTime(env.source, kind, env.index, '5m');
  const files: string[] = [];
  let body = '';
  const flush = async () => {
    const file = join(dir, `${files.length}.ndjson`);
    await writeFile(file, body);
    files.push(file);
    body = '';
  };
  const slices = Math.max(env.slices, 1);
  for (let slice = 0; slice < slices; slice++) {
    for await (const page of readSlice({
      client: env.source,
      index: env.index,
      kind,
      pitId,
      slice,
      slices,
      pageSize: 1000,
      keepAlive: '5m',
    })) {
      for (const hit of page.hits) {
        body += bulkLines(destIndex, hit);
        if (body.length >= 5 * 1024 * 1024) await flush();
      }
    }
  }
  if (body) await flush();
  return files;
}

export function partRange(docs: number, parts: number, part: number): { gte: number; lt?: number } {
  const step = Math.ceil(docs / parts);
  return part === parts - 1 ? { gte: part * step } : { gte: part * step, lt: (part + 1) * step };
}
