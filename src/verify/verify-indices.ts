// `ferry verify` as a library call: list both indices into hash-partitioned spill files, compare partition by
// partition, re-check every difference fresh, report.
//
// Why spill files: an index can hold billions of documents and Elasticsearch 8+ refuses to sort on `_id`, so
// the two sides cannot be walked in step (merge-join) and cannot be held in memory. Each side is streamed in
// whatever order is cheapest (`_doc`, shard by shard) and every (id, routing, version[, hash]) record is
// appended to partition hash(id) % N. A partition of one side then holds exactly the ids of the same
// partition of the other, and N is chosen so one partition (~100k records, tens of MB) fits in memory.
// Disk use is ~60-100 bytes per document per side; memory stays bounded at any size.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterClient } from '../cluster/client.js';
import { ConfigError } from '../core/errors.js';
import { comparePartition } from './classify.js';
import { compareDefinitions } from './definition-diff.js';
import { listBoth } from './list-both.js';
import { type ResolvedVerifyOptions, resolveOptions } from './options.js';
import { partitionCount } from './partition.js';
import { recheckDifferences } from './recheck.js';
import { ReportFile } from './report-file.js';
import { readPartition, SpillWriter, spillPath } from './spill.js';
import { Tally } from './tally.js';
import type { Difference, VerifyOptions, VerifyResult } from './types.js';

/** Differences are re-checked in batches of this many, so memory stays bounded however many there are. */
const RECHECK_BATCH = 10_000;

export async function verifyIndices(options: VerifyOptions): Promise<VerifyResult> {
  const o = resolveOptions(options);
  await requireIndex(o.source, o.sourceIndex, 'source', '--source-index');
  await requireIndex(o.dest, o.destIndex, 'dest', '--dest-index');
  const started = o.now();
  const workDir = await mkdtemp(join(o.workDir ?? tmpdir(), 'ferry-verify-'));
  const report = o.outPath ? await ReportFile.open(o.outPath) : undefined;
  try {
    const expected = await expectedDocs(o);
    const partitions = partitionCount(expected * o.sample, o.partitionTarget);
    const sourceSpill = new SpillWriter(workDir, 'source', partitions);
    const destSpill = new SpillWriter(workDir, 'dest', partitions);
    const listing = o.progress.task('verify: listing documents', o.since ? expected : expected * 2, 'docs');
    await listBoth(o, sourceSpill, destSpill, listing);
    listing.finish();
    const tally = new Tally();
    await compareAll(o, workDir, partitions, tally, report);
    const definition = o.deep ? await compareDefinitions(o.source, o.sourceIndex, o.dest, o.destIndex) : [];
    const elapsedMs = Math.max(1, o.now() - started);
    return tally.result({
      level: o.deep ? 'deep' : 'default',
      sourceIndex: o.sourceIndex,
      destIndex: o.destIndex,
      sourceDocs: sourceSpill.records,
      destDocs: destSpill.records,
      definition,
      outPath: o.outPath,
      elapsedMs,
      docsPerSecond: (Math.max(sourceSpill.records, destSpill.records) * 1000) / elapsedMs,
      sample: o.sample,
      since: o.since !== undefined,
    });
  } finally {
    await report?.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

async function requireIndex(client: ClusterClient, index: string, side: string, flag: string): Promise<void> {
  if (await client.indexExists(index)) return;
  throw new ConfigError(
    `Index "${index}" does not exist on the ${side} cluster (${client.label}).`,
    `Check ${flag} (names are case-sensitive) and the ${side} URL.`,
  );
}

/** Documents each side is expected to list, to size partitions and the progress total. */
async function expectedDocs(o: ResolvedVerifyOptions): Promise<number> {
  const [sourceCount, destCount] = await Promise.all([
    o.source.count(o.sourceIndex),
    o.dest.count(o.destIndex),
  ]);
  if (!o.since) return Math.max(sourceCount, destCount);
  const since = o.since;
  const shards = (await o.source.shardSeqNos(o.sourceIndex)).filter((s) => s.primary);
  // Each write above a checkpoint is at most one changed document: a cheap upper bound.
  const writes = shards.reduce((sum, s) => sum + Math.max(0, s.maxSeqNo - (since[s.shard] ?? -1)), 0);
  return Math.min(sourceCount, writes);
}

async function compareAll(
  o: ResolvedVerifyOptions,
  workDir: string,
  partitions: number,
  tally: Tally,
  report: ReportFile | undefined,
): Promise<void> {
  const task = o.progress.task('verify: comparing partitions', partitions, 'partitions');
  let pending: Difference[] = [];
  const flush = async () => {
    const outcome = await recheckDifferences(pending, {
      ...o,
      rounds: o.recheckRounds,
      delayMs: o.recheckDelayMs,
    });
    pending = [];
    tally.add(outcome);
    await report?.write(outcome.reported);
  };
  for (let p = 0; p < partitions; p++) {
    const [source, dest] = await Promise.all([
      readPartition(spillPath(workDir, 'source', p)),
      readPartition(spillPath(workDir, 'dest', p)),
    ]);
    for (const difference of comparePartition(source, dest, o.deep)) {
      pending.push(difference);
      if (pending.length >= RECHECK_BATCH) await flush();
    }
    task.update(p + 1, tally.brief());
  }
  if (pending.length > 0) await flush();
  task.finish(tally.brief());
}
