// ferry verify: compare two indices document by document; exit 0 only when they are equal.
// Exit codes: 0 equal, 1 differences found, 2 bad input (thrown as ConfigError/ConnectionError for main).
import type { Command } from 'commander';
import type { ConnectionOptions } from '../../cluster/connection.js';
import { ConfigError } from '../../core/errors.js';
import { currentCheckpoints, readCheckpoints, writeCheckpoints } from '../../verify/checkpoints.js';
import { parseSample } from '../../verify/sample-flag.js';
import { formatSummary } from '../../verify/summary.js';
import { verifyIndices } from '../../verify/verify-indices.js';
import { connectSides, progressFor, withSecrets } from '../session.js';

export interface VerifyFlags {
  sourceUrl?: string;
  destUrl?: string;
  sourceIndex?: string;
  destIndex?: string;
  deep?: boolean;
  sample?: string;
  since?: string;
  saveCheckpoint?: string;
  out?: string;
  concurrency?: string;
  recheck?: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      'compare two indices document by document (id, routing, version; --deep adds content) and report every difference',
    )
    .option('--source-url <url>', 'source cluster URL (or FERRY_SOURCE_URL)')
    .option('--dest-url <url>', 'destination cluster URL (or FERRY_DEST_URL)')
    .option('--source-index <name>', 'index to verify on the source')
    .option('--dest-index <name>', 'index on the destination (default: the source index name)')
    .option('--deep', 'also compare a hash of every _source, the mappings, analysis settings and counts')
    .option(
      '--sample <pct>',
      'check only this percentage of ids, e.g. 1 (or 1%) for 1%; the same ids on both sides',
    )
    .option(
      '--since <file>',
      'check only source documents changed after these per-shard _seq_no checkpoints (JSON)',
    )
    .option(
      '--save-checkpoint <file>',
      'write the source checkpoints taken before this run, for a later --since',
    )
    .option('--out <file>', 'NDJSON file receiving every difference (default: ferry-verify-<index>.ndjson)')
    .option('--concurrency <n>', 'shards listed at the same time on each side', '4')
    .option('--recheck <rounds>', 're-check rounds for each difference before reporting it', '2')
    .option('--json', 'print the result as JSON (progress as JSON lines on stderr)')
    .option('--quiet', 'no progress output')
    .action(async (flags: VerifyFlags) => {
      process.exitCode = await runVerify(flags);
    });
}

/** Runs one verification as the CLI does; returns the exit code (0 equal, 1 different). */
export async function runVerify(
  flags: VerifyFlags,
  env: NodeJS.ProcessEnv = process.env,
  out: (line: string) => void = console.log,
): Promise<number> {
  const sourceIndex = required(flags.sourceIndex, '--source-index', 'the index to verify');
  const source = connection(flags.sourceUrl, 'FERRY_SOURCE', '--source-url', env);
  const dest = connection(flags.destUrl, 'FERRY_DEST', '--dest-url', env);
  const sample = flags.sample === undefined ? 1 : parseSample(flags.sample);
  const since = flags.since ? await readCheckpoints(flags.since) : undefined;
  const outPath = flags.out ?? `ferry-verify-${sourceIndex}.ndjson`;
  const clients = await connectSides({ source, dest });
  try {
    const checkpoint = flags.saveCheckpoint
      ? await currentCheckpoints(clients.source, sourceIndex)
      : undefined;
    const result = await verifyIndices({
      source: clients.source,
      dest: clients.dest,
      sourceIndex,
      destIndex: flags.destIndex,
      level: flags.deep ? 'deep' : 'default',
      sample,
      since,
      outPath,
      concurrency: integer(flags.concurrency ?? '4', '--concurrency'),
      recheckRounds: integer(flags.recheck ?? '2', '--recheck'),
      progress: progressFor(flags),
    });
    if (checkpoint && flags.saveCheckpoint && result.equal)
      await writeCheckpoints(flags.saveCheckpoint, checkpoint);
    out(flags.json ? JSON.stringify(result, null, 2) : formatSummary(result));
    return result.equal ? 0 : 1;
  } finally {
    await clients.close();
  }
}

function connection(
  url: string | undefined,
  prefix: string,
  flag: string,
  env: NodeJS.ProcessEnv,
): ConnectionOptions {
  return withSecrets(
    required(url ?? env[`${prefix}_URL`], flag, `the cluster URL (or set ${prefix}_URL)`),
    prefix,
    env,
  );
}

function required(value: string | undefined, flag: string, what: string): string {
  if (value) return value;
  throw new ConfigError(`${flag} is missing.`, `Pass ${flag} with ${what}.`);
}

function integer(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new ConfigError(
      `${flag} ${value} is not a whole number.`,
      `Give ${flag} as a whole number, e.g. ${flag} 4.`,
    );
  return n;
}
