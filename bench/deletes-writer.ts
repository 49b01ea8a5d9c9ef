// The deletes benchmark's client: about `rate` mixed operations per second on the source (updates of corpus
// documents, new documents, deletes: --delete-share, 10% by default; and a delete_by_query of a few documents now
// and then), and probes that measure, per sampled change, how long until each destination index shows it (a
// realtime GET: found with the written value, or gone). A probed id is never written again, so what the probe waits for stays true.
import type { ClusterClient } from '../src/cluster/client.js';
import { cityDoc } from './corpus.js';

export interface WriterOptions {
  source: ClusterClient;
  dest: ClusterClient;
  sourceIndex: string;
  /** Destination indices to probe (one per method compared). */
  destIndices: string[];
  /** Corpus documents c0..c(docs-1). */
  docs: number;
  rate: number;
  /** The share of operations that are deletes (the rest: half updates, half new documents). */
  deleteShare: number;
  /** A delete_by_query every this many seconds (0: never). */
  byQueryEverySeconds: number;
  /** Probes per second for writes and for deletes each. */
  probesPerSecond: number;
}

export interface Writer {
  /** Per destination index, the lag of each probed change in ms (a change never seen counts as the give-up time). */
  lags: Record<string, { writes: number[]; deletes: number[] }>;
  counts: {
    ops: number;
    deletes: number;
    byQuery: number;
    byQueryDeleted: number;
    errors: number;
    /** How long the load ran (until stop). */
    seconds: number;
  };
  stop(): Promise<void>;
}

const BATCH_MS = 100;
/** Polls every 100 ms for the first 2 s (the goal's resolution), then every 500 ms (less load on the dest). */
const PROBE_POLL_MS = 100;
const PROBE_SLOW_POLL_MS = 500;
const PROBE_FAST_FOR_MS = 2000;
const PROBE_GIVE_UP_MS = 180_000;

export function startWriter(o: WriterOptions): Writer {
  const lags: Writer['lags'] = {};
  for (const d of o.destIndices) lags[d] = { writes: [], deletes: [] };
  const counts = { ops: 0, deletes: 0, byQuery: 0, byQueryDeleted: 0, errors: 0, seconds: 0 };
  const began = Date.now();
  const untouchable = new Set<number>();
  const probes = new Set<Promise<void>>();
  let stopped = false;
  let next = 0;
  let marker = 0;
  const routing = (i: number) => (i % 10 === 0 ? `r${i % 97}` : undefined);
  const pick = (): number => {
    for (;;) {
      const i = Math.floor(Math.random() * o.docs);
      if (!untouchable.has(i)) return i;
    }
  };

  const probe = (id: string, route: string | undefined, kind: 'writes' | 'deletes', value?: number) => {
    const at = Date.now();
    for (const index of o.destIndices) {
      const p = (async () => {
        for (;;) {
          const waited = Date.now() - at;
          if (waited >= PROBE_GIVE_UP_MS || (stopped && waited > 30_000)) {
            lags[index]![kind].push(waited);
            return;
          }
          const res = await o.dest.request<{ found?: boolean; _source?: { bench?: number } }>({
            method: 'GET',
            path: `/${index}/_doc/${id}`,
            query: route ? { routing: route } : {},
            okStatuses: [404],
          });
          const done = kind === 'deletes' ? !res.body.found : res.body._source?.bench === value;
          if (done) {
            lags[index]![kind].push(Date.now() - at);
            return;
          }
          await sleep(waited < PROBE_FAST_FOR_MS ? PROBE_POLL_MS : PROBE_SLOW_POLL_MS);
        }
      })();
      probes.add(p);
      void p.finally(() => probes.delete(p));
    }
  };

  const loop = (async () => {
    let tick = 0;
    const perBatch = Math.max(1, Math.round((o.rate * BATCH_MS) / 1000));
    const probeEvery = Math.max(1, Math.round(1000 / BATCH_MS / o.probesPerSecond));
    let lastByQuery = Date.now();
    while (!stopped) {
      const started = Date.now();
      const lines: string[] = [];
      let probeWrite: { id: string; value: number } | undefined;
      let probeDelete: { i: number } | undefined;
      for (let k = 0; k < perBatch; k++) {
        const r = Math.random();
        const value = ++marker;
        if (r < o.deleteShare) {
          const i = pick();
          untouchable.add(i);
          lines.push(
            JSON.stringify({ delete: { _index: o.sourceIndex, _id: `c${i}`, routing: routing(i) } }),
          );
          counts.deletes++;
          if (!probeDelete && tick % probeEvery === 0) probeDelete = { i };
        } else if (r < o.deleteShare + (1 - o.deleteShare) / 2) {
          const i = pick();
          lines.push(
            JSON.stringify({ index: { _index: o.sourceIndex, _id: `c${i}`, routing: routing(i) } }),
            JSON.stringify({ ...cityDoc(i, true), bench: value }),
          );
        } else {
          const id = `w${next++}`;
          lines.push(
            JSON.stringify({ index: { _index: o.sourceIndex, _id: id } }),
            JSON.stringify({ ...cityDoc(next, true), n: -next, bench: value }),
          );
          if (!probeWrite && tick % probeEvery === 0) probeWrite = { id, value };
        }
      }
      try {
        const res = await o.source.bulk(`${lines.join('\n')}\n`);
        counts.ops += perBatch;
        counts.errors += res.items.filter((it) => Object.values(it)[0]?.error).length;
        if (probeWrite) probe(probeWrite.id, undefined, 'writes', probeWrite.value);
        if (probeDelete) probe(`c${probeDelete.i}`, routing(probeDelete.i), 'deletes');
      } catch {
        counts.errors += perBatch;
      }
      if (o.byQueryEverySeconds > 0 && Date.now() - lastByQuery >= o.byQueryEverySeconds * 1000) {
        lastByQuery = Date.now();
        await deleteByQuery(o, pick, untouchable, counts);
      }
      tick++;
      await sleep(Math.max(0, BATCH_MS - (Date.now() - started)));
    }
  })();

  return {
    lags,
    counts,
    async stop() {
      stopped = true;
      await loop;
      counts.seconds = (Date.now() - began) / 1000;
      while (probes.size > 0) await Promise.all([...probes]);
    },
  };
}

/** Deletes the corpus documents with n in a random range of 20 (a few of them may be gone already). */
async function deleteByQuery(
  o: WriterOptions,
  pick: () => number,
  untouchable: Set<number>,
  counts: Writer['counts'],
): Promise<void> {
  const from = Math.min(pick(), o.docs - 20);
  for (let i = from; i < from + 20; i++) untouchable.add(i);
  const res = await o.source.request<{ deleted?: number }>({
    method: 'POST',
    path: `/${o.sourceIndex}/_delete_by_query`,
    query: { conflicts: 'proceed' },
    body: { query: { range: { n: { gte: from, lt: from + 20 } } } },
    okStatuses: [400, 404, 405],
  });
  counts.byQuery++;
  counts.byQueryDeleted += res.body.deleted ?? 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
