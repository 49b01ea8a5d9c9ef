import { mkdtemp, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ClusterClient } from '../src/cluster/client.js';
import { engineLabel } from '../src/cluster/engine.js';
import type { MigrationState } from '../src/state/migration-state.js';
import { bedDown, bedUp } from '../test/harness/bed.js';
import { capabilities } from '../test/harness/capabilities.js';
import { parseEnginePair } from '../test/harness/engines.js';
import { REPO_ROOT } from '../test/harness/paths.js';
import { type RecordingProxy, recordingProxy, type Traffic } from '../test/harness/recording-proxy.js';
import { buildDist, codeVersion } from './built-code.js';
import { type Child, startChild } from './child-process.js';
import { loadCorpus } from './corpus.js';
import { type KindTraffic, writeDeletesResults } from './deletes-report.js';
import { startWriter } from './deletes-writer.js';

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '1000000' },
    shards: { type: 'string', default: '4' },
    engine: { type: 'string', default: 'opensearch-2' },
    rate: { type: 'string', default: '500' },
    'delete-share': { type: 'string', default: '0.1' },
    minutes: { type: 'string', default: '5' },
    'listing-seconds': { type: 'string', default: '15' },
    'counting-only': { type: 'boolean', default: false },
    backfill: { type: 'string', default: 'copy' },
  },
});
const DOCS = Number(values.docs);
const DELETE_SHARE = Number(values['delete-share']);
if (!(DELETE_SHARE >= 0 && DELETE_SHARE < 1))
  throw new Error(`--delete-share must be a number from 0 to below 1, not ${values['delete-share']}`);
if (values.backfill !== 'copy' && values.backfill !== 'snapshot')
  throw new Error(`--backfill must be copy or snapshot, not ${values.backfill}`);
const INDEX = 'bench-deletes';
const COUNTING = 'bench-deletes-counting';
const LISTING = 'bench-deletes-listing';

async function main(): Promise<void> {
  const started = Date.now();
  // The commit measured is the one built now (the tree may move on while the run lasts).
  const code = codeVersion();
  await buildDist();
  const bed = await bedUp(parseEnginePair(values.engine), process.pid);
  const log = (m: string) => console.error(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${m}`);
  try {
    const [source, dest] = await Promise.all([
      ClusterClient.connect({ url: bed.source.url }),
      ClusterClient.connect({ url: bed.dest.url }),
    ]);
    const loadStarted = Date.now();
    const sourceBytes = await loadCorpus(source, INDEX, DOCS, Number(values.shards), true);
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    log(
      `loaded ${DOCS} documents (${(sourceBytes / 2 ** 20).toFixed(0)} MB of JSON) in ${loadSeconds.toFixed(0)} s`,
    );
    const byQuery = (await capabilities(source)).reindex;
    const [counting, listing] = await Promise.all([
      recordingProxy(bed.source.url, requestKind),
      recordingProxy(bed.source.url, requestKind),
    ]);
    const stateDir = await mkdtemp(join(tmpdir(), 'ferry-bench-deletes-'));
    const id = `${INDEX}-to-${COUNTING}`;
    const ferry = startChild(process.execPath, [
      '--max-old-space-size=256',
      join(REPO_ROOT, 'bin', 'ferry.js'),
      'run',
      ...['--source-url', counting.url, '--dest-url', bed.dest.url],
      ...['--source-index', INDEX, '--dest-index', COUNTING, '--id', id, '--state-dir', stateDir],
      ...['--quiet-seconds', '5'],
      ...(values.backfill === 'snapshot'
        ? ['--backfill', 'snapshot', '--repository', 'ferry-bench', '--repository-location', bed.repoDir]
        : []),
    ]);
    const old = values['counting-only']
      ? undefined
      : startChild(process.execPath, [
          '--import',
          'tsx',
          join(REPO_ROOT, 'bench', 'deletes-listing-child.ts'),
          ...[listing.url, bed.dest.url, INDEX, LISTING, values['listing-seconds']],
        ]);
    await Promise.all([ferry.line(/caught up/), old?.line(/"ready":true/)]);
    log(
      `${old ? 'both' : 'ferry'} caught up after the backfill (${values.backfill}); the client load starts`,
    );
    const writer = startWriter({
      source,
      dest,
      sourceIndex: INDEX,
      destIndices: old ? [COUNTING, LISTING] : [COUNTING],
      docs: DOCS,
      rate: Number(values.rate),
      deleteShare: DELETE_SHARE,
      byQueryEverySeconds: byQuery ? 10 : 0,
      probesPerSecond: 2,
    });
    const before = { counting: snapshot(counting.traffic), listing: snapshot(listing.traffic) };
    const windowStarted = Date.now();
    const rss = { counting: 0, listing: 0 };
    const minutes = Number(values.minutes);
    while (Date.now() - windowStarted < minutes * 60_000) {
      await new Promise((r) => setTimeout(r, 2000));
      rss.counting = Math.max(rss.counting, await ferry.rssMb());
      rss.listing = Math.max(rss.listing, (await old?.rssMb()) ?? 0);
    }
    const windowMinutes = (Date.now() - windowStarted) / 60_000;
    const traffic = {
      counting: delta(counting.traffic, before.counting),
      listing: delta(listing.traffic, before.listing),
    };
    const peak = { counting: await ferry.peakMb(), listing: (await old?.peakMb()) ?? 0 };
    log('window over: ferry switch, then the client load stops');
    await switchFerry(id, stateDir);
    await ferry.line(/move the clients now/);
    await writer.stop();
    old?.kill();
    const ferryResult = await ferry.done;
    log(`ferry run exited ${ferryResult.code}`);
    const state = await readState(stateDir, id);
    const path = await writeDeletesResults({
      code,
      command: `npm run bench:deletes -- ${process.argv.slice(2).join(' ')}`.trim(),
      engines: `source ${engineLabel(source.engine)}, dest ${engineLabel(dest.engine)}`,
      docs: DOCS,
      shards: Number(values.shards),
      sourceMb: sourceBytes / 2 ** 20,
      loadSeconds,
      rate: Number(values.rate),
      deleteShare: DELETE_SHARE,
      byQuery,
      windowMinutes,
      listingSeconds: Number(values['listing-seconds']),
      writer: writer.counts,
      lags: writer.lags,
      traffic,
      rss,
      peak,
      ledgerMb: await sizeMb(join(stateDir, id), 'ledger.db'),
      ferryCode: ferryResult.code,
      ferryState: state,
      listingPasses: old?.passes() ?? [],
      totalSeconds: (Date.now() - started) / 1000,
      backfill: values.backfill,
      indices: { counting: COUNTING, listing: old ? LISTING : undefined },
    });
    log(`results: ${path}`);
    await Promise.all([counting.close(), listing.close(), source.close(), dest.close()]);
  } finally {
    await bedDown();
  }
}

/**
 * What a source request is for: finding deletes (the scan's counts and id lists, the old method's scroll
 * listing, the realtime confirmations) or capturing writes (the `_seq_no` reads of a shard), or other.
 */
function requestKind(method: string, url: string): string {
  if (/scroll/.test(url) || /_mget/.test(url)) return 'deletes';
  if (/filter_path=[^&]*(aggregations\.b|hits\.hits\._id)/.test(decodeURIComponent(url))) return 'deletes';
  if (method === 'POST' && /\/_search\?.*preference=_shards/.test(decodeURIComponent(url))) return 'capture';
  return 'other';
}

function delta(now: RecordingProxy['traffic'], then: RecordingProxy['traffic']): KindTraffic {
  const out: KindTraffic = { all: minus(now, then) };
  for (const [kind, t] of Object.entries(now.byKind))
    out[kind] = minus(t, then.byKind[kind] ?? { requests: 0, bytesAnswered: 0 });
  return out;
}

function minus(a: Traffic, b: Traffic): Traffic {
  return { requests: a.requests - b.requests, bytesAnswered: a.bytesAnswered - b.bytesAnswered };
}

function snapshot(t: RecordingProxy['traffic']): RecordingProxy['traffic'] {
  return structuredClone(t);
}

async function switchFerry(id: string, stateDir: string): Promise<void> {
  const child: Child = startChild(process.execPath, [
    join(REPO_ROOT, 'bin', 'ferry.js'),
    'switch',
    ...['--id', id, '--state-dir', stateDir],
  ]);
  const r = await child.done;
  if (r.code !== 0) throw new Error(`ferry switch exited ${r.code}: ${r.output}`);
}

async function readState(stateDir: string, id: string): Promise<MigrationState> {
  const { readFile } = await import('node:fs/promises');
  return JSON.parse(await readFile(join(stateDir, id, 'state.json'), 'utf8')) as MigrationState;
}

/** Size of a SQLite file with its WAL and shared-memory files. */
async function sizeMb(dir: string, name: string): Promise<number> {
  let bytes = 0;
  for (const f of await readdir(dir)) if (f.startsWith(name)) bytes += (await stat(join(dir, f))).size;
  return bytes / 2 ** 20;
}

await main();
