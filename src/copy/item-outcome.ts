// What one bulk item's answer means for a copy. Decided on status and the server's error type, never on text.
import type { BulkItemResult } from '../cluster/types.js';

export type ItemOutcome = 'written' | 'skipped_older' | 'retry' | 'drop';

const BUSY_TYPES = new Set([
  'es_rejected_execution_exception',
  'opensearch_rejected_execution_exception',
  // What OpenSearch 2.19 actually answers.
  'rejected_execution_exception',
]);

export function itemOutcome(item: BulkItemResult | undefined): ItemOutcome {
  if (!item) return 'drop';
  if (item.status < 300) return 'written';
  // The destination already holds this version or a newer one: with external versions that is the goal met.
  if (item.status === 409 && item.error?.type === 'version_conflict_engine_exception') return 'skipped_older';
  if (item.status === 429 || (item.error !== undefined && BUSY_TYPES.has(item.error.type))) return 'retry';
  return 'drop';
}
