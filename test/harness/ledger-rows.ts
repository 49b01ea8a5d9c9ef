// Ledger rows as a sliced backfill hands them over: pages of 1000, ids in an order unrelated to their value, 10%
// with a routing; for measuring the ledger's size (bench/ledger-size.ts and the preflight estimate's test).
import { DOC_STATE, type LedgerRow } from '../../src/sync/ledger.js';

export function* scatteredPages(docs: number, idBytes: number): Generator<LedgerRow[]> {
  for (let page = 0; page < docs / 1000; page++) {
    const rows: LedgerRow[] = [];
    for (let k = 0; k < 1000; k++) {
      const i = ((page * 1000 + k) * 7919) % docs;
      rows.push({
        id: `${i}`.padStart(idBytes, 'x'),
        routing: i % 10 === 0 ? `r${i % 97}` : null,
        shard: i % 4,
        srcSeq: page * 1000 + k,
        srcVersion: 1,
        srcLive: 1,
        destSeq: page * 1000 + k,
        destTerm: 1,
        state: DOC_STATE.written,
      });
    }
    yield rows;
  }
}
