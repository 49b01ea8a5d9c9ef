// How often a slice may be read again from its start after its read context was lost. Restarts count against
// the limit only while they make no headway: a slice whose scroll a busy source keeps dropping still ends, as
// long as each restart reads further than every attempt before it.
import { NotFoundError, ResponseError, ShardFailureError } from '../errors.js';
import { everyShardLostContext } from '../shard-failures.js';

/**
 * The scroll is gone: the whole answer is a 404 (every shard lost it: Elasticsearch 7.10 frees a scroll when a
 * busy node refuses one of its pages; a saved scroll expires), an error answer whose every failed shard lost its
 * context (a 500 when the scroll was freed while its page waited in the queue: a CI run on a loaded machine), or
 * a partial answer whose failed shards all lost it (seen on Elasticsearch 7.10 after the scroll was cleared: 2 of 3
 * shards failed with search_context_missing_exception). Either way the scroll cannot go on.
 */
export function scrollLost(error: unknown): boolean {
  if (error instanceof NotFoundError) return true;
  if (error instanceof ShardFailureError) return error.contextMissing;
  return error instanceof ResponseError && everyShardLostContext(error.body);
}

/** Restarts in a row that read no further than an earlier attempt, before the read fails. */
export const MAX_STALLED_RESTARTS = 5;

export class SliceRestarts {
  private furthest = 0;
  private stalled = 0;

  /** Records an attempt that read `reached` documents before it failed; true while another may start. */
  allowAfter(reached: number): boolean {
    if (reached > this.furthest) {
      this.furthest = reached;
      this.stalled = 0;
    } else this.stalled++;
    return this.stalled < MAX_STALLED_RESTARTS;
  }
}
