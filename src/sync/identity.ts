// A ledger says what Ferry wrote; it cannot say that the indices it describes are the ones there now. So it is
// bound to them: the run that made it, the source and dest index UUIDs, and each dest shard's history UUID
// (new when a shard starts over: an empty or stale primary forced in, a restore). Recorded the first time they
// are seen in a run, checked at every step start, every few seconds of capture, the final verification and
// cleanup. A mismatch stops the migration: nothing the ledger says about a replaced index can be trusted.
import type { ClusterClient } from '../cluster/client.js';
import { primaryPositions } from '../cluster/primary-positions.js';
import { type RetryPolicy, withRetry } from '../cluster/retry.js';
import { FerryError } from '../core/errors.js';
import type { Ledger } from './ledger.js';

/** A primary failing over has no started copy for a moment: the read rides it out (about a minute). */
const READ_RETRY: RetryPolicy = { attempts: 10, baseDelayMs: 500, maxDelayMs: 15_000 };

/** The indices or the run a ledger describes are not the ones here: never retried, never guessed around. */
export class IdentityError extends FerryError {}

export interface Sides {
  source: ClusterClient;
  dest: ClusterClient;
  sourceIndex: string;
  destIndex: string;
  /** The migration's id, for the commands in messages. */
  id: string;
}

/** Binds a fresh ledger to its run, or refuses one another run left behind. */
export function bindRun(ledger: Ledger, runId: string, id: string): void {
  const bound = ledger.meta('run_id');
  if (bound === undefined) ledger.setMeta('run_id', runId);
  else if (bound !== runId)
    throw new IdentityError(
      `The ledger ${ledger.path} belongs to another run of migration ${id} (run ${bound}; this run is ${runId}): its rows describe a destination this run did not write.`,
      `Start again from the beginning: ferry abort --id ${id}, then the same ferry run (it starts a fresh ledger and keeps the old folder aside).`,
    );
}

/** What the indices are now; the dest part is absent while the dest index does not exist yet. */
export interface Identities {
  sourceUuid: string;
  dest?: { uuid: string; histories: Record<number, string> };
}

export async function readIdentities(s: Sides): Promise<Identities> {
  const [sourceUuid, destUuid] = await Promise.all([
    indexUuid(s.source, s.sourceIndex),
    indexUuid(s.dest, s.destIndex),
  ]);
  if (sourceUuid === undefined)
    throw new IdentityError(
      `The source index ${s.sourceIndex} is gone.`,
      `Nothing more is done. Find out what deleted it; the dest keeps what was copied. Undo Ferry's changes with: ferry abort --id ${s.id}`,
    );
  if (destUuid === undefined) return { sourceUuid };
  const histories: Record<number, string> = {};
  for (const p of await primaryPositions(s.dest, s.destIndex))
    if (p.historyUuid) histories[p.shard] = p.historyUuid;
  return { sourceUuid, dest: { uuid: destUuid, histories } };
}

/**
 * Records what is not recorded yet and refuses any change of what is. `destExpected`: the dest index must exist
 * (every step after its creation); a dest that is gone is then refused, not recorded again.
 */
export async function checkIdentities(s: Sides, ledger: Ledger, destExpected: boolean): Promise<Identities> {
  const now = await withRetry(() => readIdentities(s), READ_RETRY);
  const source = ledger.meta('source_index_uuid');
  if (source === undefined) ledger.setMeta('source_index_uuid', now.sourceUuid);
  else if (source !== now.sourceUuid)
    throw new IdentityError(
      `The source index ${s.sourceIndex} is not the one this migration started on (index UUID ${source}, now ${now.sourceUuid}): it was deleted and created again.`,
      `Nothing more is done. Find out what replaced it; then undo Ferry's changes with ferry abort --id ${s.id} and run the migration again.`,
    );
  const destUuid = ledger.meta('dest_index_uuid');
  if (!now.dest) {
    if (destUuid !== undefined || destExpected) throw destGone(s);
    return now;
  }
  if (destUuid === undefined) {
    ledger.setMeta('dest_index_uuid', now.dest.uuid);
    ledger.setMeta('dest_histories', JSON.stringify(now.dest.histories));
    return now;
  }
  if (destUuid !== now.dest.uuid)
    throw new IdentityError(
      `The dest index ${s.destIndex} was replaced (index UUID ${destUuid}, now ${now.dest.uuid}): the documents Ferry wrote on it are not there to vouch for.`,
      replayHint(s),
    );
  const known = JSON.parse(ledger.meta('dest_histories') ?? '{}') as Record<string, string>;
  for (const [shard, history] of Object.entries(now.dest.histories)) {
    const was = known[shard];
    if (was !== undefined && was !== history)
      throw new IdentityError(
        `Dest shard ${shard} of ${s.destIndex} started a new history (history UUID ${was}, now ${history}): an empty or stale primary was allocated or it was restored, so documents Ferry wrote on it may be gone.`,
        replayHint(s),
      );
  }
  // A shard seen for the first time (its primary had not started) is recorded now.
  if (Object.keys(now.dest.histories).some((k) => known[k] === undefined))
    ledger.setMeta('dest_histories', JSON.stringify({ ...now.dest.histories, ...known }));
  return now;
}

function destGone(s: Sides): IdentityError {
  return new IdentityError(
    `The dest index ${s.destIndex} is gone: the documents Ferry wrote on it are not there to vouch for.`,
    replayHint(s),
  );
}

function replayHint(s: Sides): string {
  return `Nothing was deleted on the source. Undo the migration with ferry abort --id ${s.id} and run it again from the beginning (a fresh ledger copies everything again).`;
}

/** An index's UUID, or undefined when there is no such index. */
async function indexUuid(client: ClusterClient, index: string): Promise<string | undefined> {
  if (!(await client.indexExists(index))) return undefined;
  const uuid = (await client.getIndexSettings(index))['index.uuid'];
  return typeof uuid === 'string' ? uuid : undefined;
}
