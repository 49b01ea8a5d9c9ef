// Fills both sides' spill files. Normally both indices are listed in full, side by side. With `--since`, only
// the source documents above the checkpoints are listed, and their dest copies are looked up by id: the dest
// has its own `_seq_no`s, so no range on it could pick the same documents.
import type { ProgressTask } from '../core/progress.js';
import { listSide } from './list-side.js';
import { lookupRecords } from './lookup.js';
import type { ResolvedVerifyOptions } from './options.js';
import type { SpillWriter } from './spill.js';
import type { DocRecord } from './types.js';

export async function listBoth(
  o: ResolvedVerifyOptions,
  sourceSpill: SpillWriter,
  destSpill: SpillWriter,
  task: ProgressTask,
): Promise<void> {
  let listed = 0;
  const counted = (n: number) => {
    listed += n;
    task.update(listed);
  };
  const common = { deep: o.deep, sample: o.sample, concurrency: o.concurrency, pageSize: o.pageSize };
  const sourceListing = listSide({
    ...common,
    client: o.source,
    index: o.sourceIndex,
    since: o.since,
    onPage: async (records, n) => {
      for (const r of records) sourceSpill.add(r);
      if (o.since) await lookupDestCopies(o, records, destSpill);
      counted(n);
      await sourceSpill.drain();
    },
  });
  const destListing = o.since
    ? Promise.resolve(0)
    : listSide({
        ...common,
        client: o.dest,
        index: o.destIndex,
        onPage: async (records, n) => {
          for (const r of records) destSpill.add(r);
          counted(n);
          await destSpill.drain();
        },
      });
  await Promise.all([sourceListing, destListing]);
  await Promise.all([sourceSpill.close(), destSpill.close()]);
}

async function lookupDestCopies(
  o: ResolvedVerifyOptions,
  records: readonly DocRecord[],
  destSpill: SpillWriter,
): Promise<void> {
  const copies = await lookupRecords(o.dest, o.destIndex, records, o.deep);
  for (const copy of copies) if (copy) destSpill.add(copy);
  await destSpill.drain();
}
