// The copy benchmark's large corpus: documents of 100 kB - 2 MB (log-uniform, so each size decade weighs alike)
// plus a few of 20 MB, whose text is words drawn at random from a vocabulary so that it compresses about as
// prose does (a repeated string would make the snapshot's compressed files unrealistically small).
// The text field is stored but not indexed: analysing gigabytes of text would time the dest's analyser more
// than any copy method, and every method but snapshot/restore would pay it alike.
import type { ClusterClient } from '../src/cluster/client.js';
import { isRetryable } from '../src/cluster/errors.js';

const MIN_BYTES = 100_000;
const MAX_BYTES = 2_000_000;
export const BIG_BYTES = 20_000_000;
/**
 * One bulk body while loading, one at a time: the bed's 1 GB source node refused two 24 MB bodies in flight
 * beside a 20 MB document (parent circuit breaker, HTTP 429). A 20 MB document goes alone.
 */
const LOAD_BODY_BYTES = 16 * 1024 * 1024;

/** Text for every document is cut from one pool of random words at a random offset. */
const POOL = buildPool(4 * 1024 * 1024);

function buildPool(bytes: number): string {
  const random = prng(7);
  const vocabulary = Array.from({ length: 2000 }, () => {
    const length = 2 + Math.floor(random() * 9);
    return Array.from({ length }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join('');
  });
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const word = vocabulary[Math.floor(random() ** 2 * vocabulary.length)]!;
    parts.push(word);
    size += word.length + 1;
  }
  return parts.join(' ');
}

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The byte size of document i: the last `big` of `docs` are 20 MB, the others log-uniform in 100 kB - 2 MB. */
export function largeDocBytes(i: number, docs: number, big: number): number {
  if (i >= docs - big) return BIG_BYTES;
  const r = (((i + 1) * 2654435761) >>> 0) / 4294967296;
  return Math.round(MIN_BYTES * (MAX_BYTES / MIN_BYTES) ** r);
}

function text(i: number, bytes: number): string {
  let out = '';
  let offset = (((i + 7) * 40503) >>> 0) % (POOL.length - 1);
  while (out.length < bytes) {
    const take = Math.min(bytes - out.length, POOL.length - offset);
    out += POOL.slice(offset, offset + take);
    offset = 0;
  }
  return out;
}

export function largeDoc(i: number, bytes: number): Record<string, unknown> {
  return {
    n: i,
    title: `document ${i}`,
    sizeKb: Math.round(bytes / 1000),
    updatedAt: new Date(1_600_000_000_000 + i * 1000).toISOString(),
    body: text(i, bytes),
  };
}

/** Loads `docs` documents (the last `big` of them 20 MB) into `index`; returns the bytes of their JSON sources. */
/** A busy node (429, e.g. its circuit breaker while it digests the last body) gets the body again later. */
async function sendWithRetry(client: ClusterClient, body: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await client.bulk(body);
      if (res.errors)
        throw new Error(`corpus load failed: ${JSON.stringify(res.items.find((x) => x.index?.error))}`);
      return;
    } catch (error) {
      if (!isRetryable(error) || attempt >= 10) throw error;
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
}

export async function loadLargeCorpus(
  client: ClusterClient,
  index: string,
  docs: number,
  big: number,
  shards: number,
): Promise<number> {
  await client.createIndex(index, {
    settings: { number_of_shards: shards, number_of_replicas: 0, refresh_interval: '-1' },
    mappings: {
      properties: {
        n: { type: 'long' },
        title: { type: 'text' },
        sizeKb: { type: 'integer' },
        updatedAt: { type: 'date' },
        body: { type: 'text', index: false },
      },
    },
  });
  let sourceBytes = 0;
  let body = '';
  for (let i = 0; i < docs; i++) {
    const source = JSON.stringify(largeDoc(i, largeDocBytes(i, docs, big)));
    sourceBytes += Buffer.byteLength(source);
    const line = `{"index":{"_index":"${index}","_id":"L${i}"${i % 10 === 0 ? `,"routing":"r${i % 97}"` : ''}}}\n${source}\n`;
    if (body && body.length + line.length > LOAD_BODY_BYTES) {
      await sendWithRetry(client, body);
      body = '';
    }
    body += line;
  }
  if (body) await sendWithRetry(client, body);
  await client.putIndexSettings(index, { 'index.refresh_interval': '1s' });
  await client.refresh(index);
  return sourceBytes;
}
