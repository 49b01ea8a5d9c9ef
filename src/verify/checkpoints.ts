// `--since` checkpoints: per source shard, the `_seq_no` up to which documents were already verified.
// A file is either {"0": 1234, "1": 987} or a list of {shard, maxSeqNo | seqNo | checkpoint} objects
// (the shape `ferry verify --save-checkpoint` and shard stats give).
import { readFile, writeFile } from 'node:fs/promises';
import type { ClusterClient } from '../cluster/client.js';
import { ConfigError } from '../core/errors.js';
import type { ShardCheckpoints } from './types.js';

export function parseCheckpoints(text: string, file: string): ShardCheckpoints {
  const fail = (why: string) =>
    new ConfigError(
      `Checkpoint file ${file} ${why}.`,
      'Give --since a JSON file like {"0": 1234, "1": 987} (shard number to _seq_no), e.g. one written by --save-checkpoint.',
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw fail('is not JSON');
  }
  const out: ShardCheckpoints = {};
  const entries: [unknown, unknown][] = Array.isArray(parsed)
    ? parsed.map((e: Record<string, unknown>) => [e?.shard, e?.maxSeqNo ?? e?.seqNo ?? e?.checkpoint])
    : parsed && typeof parsed === 'object'
      ? Object.entries(parsed as Record<string, unknown>)
      : [];
  if (entries.length === 0) throw fail('holds no shard checkpoints');
  for (const [shard, seqNo] of entries) {
    const n = Number(shard);
    if (!Number.isInteger(n) || n < 0 || typeof seqNo !== 'number' || !Number.isInteger(seqNo)) {
      throw fail(`has a bad entry (${JSON.stringify(shard)}: ${JSON.stringify(seqNo)})`);
    }
    out[n] = seqNo;
  }
  return out;
}

export async function readCheckpoints(file: string): Promise<ShardCheckpoints> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ConfigError(`Cannot read the checkpoint file ${file}.`, 'Check the --since path.');
  }
  return parseCheckpoints(text, file);
}

/** The source's per-shard max `_seq_no` now: taken before a verification, it is where the next `--since` starts. */
export async function currentCheckpoints(client: ClusterClient, index: string): Promise<ShardCheckpoints> {
  const out: ShardCheckpoints = {};
  for (const s of await client.shardSeqNos(index)) if (s.primary) out[s.shard] = s.maxSeqNo;
  return out;
}

export async function writeCheckpoints(file: string, checkpoints: ShardCheckpoints): Promise<void> {
  await writeFile(file, `${JSON.stringify(checkpoints, null, 2)}\n`);
}
