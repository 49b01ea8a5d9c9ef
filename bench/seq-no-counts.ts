// What one delete-scan level costs the source, per million documents of one shard: the range aggregation the
// scan sends (1000 `_seq_no` ranges in one request) against plain counts (one range, `_count`, match_all, an
// _msearch of 16 counts). Five runs each on an existing index, median and min in ms.
//   FERRY_BED_PORT=39500 npm run clusters -- up opensearch-2
//   npx tsx bench/seq-no-counts.ts 1000000 load     (loads 1M documents on 1 shard, deletes 1% at random)
//   npx tsx bench/seq-no-counts.ts 1000000          (times only)
import { ClusterClient } from '../src/cluster/client.js';
import { loadCorpus } from './corpus.js';

const url = 'http://127.0.0.1:39500';
const c = await ClusterClient.connect({ url });
const idx = 'probe';
const N = Number(process.argv[2] ?? 1_000_000);
if (process.argv[3] === 'load') {
  await c.json({ method: 'DELETE', path: `/${idx}`, what: 'd', okStatuses: [404] });
  await loadCorpus(c, idx, N, 1, true);
  await c.json({
    method: 'PUT',
    path: `/${idx}/_settings`,
    body: { index: { refresh_interval: '1s' } },
    what: 's',
  });
  // delete 1% at random, overwrite 1%
  let lines = '';
  for (let i = 0; i < N / 100; i++) {
    const id = Math.floor(Math.random() * N);
    lines += `${JSON.stringify({ delete: { _index: idx, _id: `c${id}` } })}\n`;
  }
  await c.bulk(lines, { refresh: 'true' });
}
interface ShardStats {
  docs: { count: number; deleted: number };
  seq_no: { max_seq_no: number };
}
const st = await c.json<{ indices: Record<string, { shards: Record<string, ShardStats[]> }> }>({
  method: 'GET',
  path: `/${idx}/_stats/docs`,
  query: { level: 'shards' },
  what: 's',
});
const sh = st.indices[idx]?.shards['0']?.[0];
if (!sh) throw new Error('no shard 0');
const mark = sh.seq_no.max_seq_no;
console.log('docs', sh.docs, 'mark', mark);
const time = async (what: string, f: () => Promise<unknown>) => {
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    await f();
    runs.push(performance.now() - s);
  }
  runs.sort((a, b) => a - b);
  console.log(what.padEnd(40), 'median ms', runs[2]?.toFixed(1), 'min', runs[0]?.toFixed(1));
};
const aggBody = (lo: number, hi: number, n: number) => {
  const w = Math.ceil((hi - lo) / n);
  const ranges = [];
  for (let x = lo; x < hi; x += w) ranges.push({ from: x + 1, to: Math.min(hi, x + w) + 1 });
  return {
    size: 0,
    query: { range: { _seq_no: { gt: lo, lte: hi } } },
    aggs: { b: { range: { field: '_seq_no', keyed: false, ranges } } },
  };
};
await time('agg 1000 ranges whole', () =>
  c.search(idx, aggBody(-2, mark, 1000), { preference: '_shards:0', filter_path: 'took' }),
);
await time('count whole (track_total_hits)', () =>
  c.search(
    idx,
    { size: 0, track_total_hits: true, query: { range: { _seq_no: { gt: -2, lte: mark } } } },
    { preference: '_shards:0', filter_path: 'took,hits.total' },
  ),
);
await time('count _count api', () =>
  c.json({
    method: 'POST',
    path: `/${idx}/_count`,
    query: { preference: '_shards:0' },
    body: { query: { range: { _seq_no: { gt: -2, lte: mark } } } },
    what: 'c',
  }),
);
await time('match_all total', () =>
  c.search(
    idx,
    { size: 0, track_total_hits: true },
    { preference: '_shards:0', filter_path: 'took,hits.total' },
  ),
);
const msearch = (n: number, lo: number, hi: number) => {
  const w = Math.ceil((hi - lo) / n);
  let body = '';
  for (let x = lo; x < hi; x += w)
    body += `${JSON.stringify({ index: idx, preference: '_shards:0' })}\n${JSON.stringify({ size: 0, track_total_hits: true, query: { range: { _seq_no: { gt: x, lte: Math.min(hi, x + w) } } } })}\n`;
  return c.json<unknown>({
    method: 'POST',
    path: '/_msearch',
    ndjson: body,
    what: 'ms',
    query: { filter_path: 'took,responses.hits.total' },
  });
};
await time('msearch 16 counts whole', () => msearch(16, -2, mark));
await time('msearch 16 counts of 1/16', () => msearch(16, -2, Math.floor(mark / 16)));
await time('agg 16 ranges of 1/16', () =>
  c.search(idx, aggBody(-2, Math.floor(mark / 16), 16), { preference: '_shards:0', filter_path: 'took' }),
);
await time('count window 1000', () =>
  c.search(
    idx,
    { size: 0, track_total_hits: true, query: { range: { _seq_no: { gt: mark - 1000, lte: mark } } } },
    { preference: '_shards:0', filter_path: 'took,hits.total' },
  ),
);
