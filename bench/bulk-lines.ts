// The NDJSON a copied document becomes: an index action that keeps `_id`, routing and the source version as an
// external version, so a copy can never move a document backwards on the destination.
import type { CopyHit } from '../src/cluster/read/hits.js';

export type VersionType = 'external' | 'external_gte';

export function bulkLines(index: string, hit: CopyHit, versionType: VersionType = 'external'): string {
  const action: Record<string, unknown> = {
    _index: index,
    _id: hit.id,
    version: hit.version,
    version_type: versionType,
  };
  if (hit.routing !== undefined) action.routing = hit.routing;
  return `{"index":${JSON.stringify(action)}}\n${hit.source}\n`;
}
