// Which privileges the live strategy's user has, found by harmless requests: Elasticsearch and OpenSearch's
// security plugin check a privilege before they look at the request, so a refusal (403) means the privilege is
// missing and any other answer means it is there. No probe changes anything: reads, a create-index with an
// invalid shard count, a document write that may only go to an alias (the dest index is no alias, so never
// written), a conditional delete no document can match, a settings change with a value the server rejects,
// and a point-in-time and a scroll closed at once. Deleting an index has no such probe.
// OpenSearch's security plugin has no has-privileges call (Elasticsearch's `_security/user/_has_privileges`
// would not cover OpenSearch), hence probes rather than a question.
import type { ClusterClient } from './client.js';
import { AuthenticationError, ClusterBlockError, NotFoundError } from './errors.js';
import { closePointInTime, detectReadContext, openPointInTime } from './read/read-context.js';

export interface Privilege {
  /** The server's action name, as roles grant it (OpenSearch security plugin and Elasticsearch alike). */
  name: string;
  side: 'source' | 'dest';
  /**
   * What a role grants it on: the side's index (default), the two-pass delta index on the source, or the cluster
   * (cluster privileges name no index).
   */
  on?: 'index' | 'delta' | 'cluster';
  /** Which steps need it, for the operator deciding whether to grant it. */
  neededBy: string;
  /** Resolves when the probe shows the privilege granted; throws AuthenticationError (403) when it is missing. */
  probe(client: ClusterClient, index: string): Promise<unknown>;
}

const enc = encodeURIComponent;
export const PROBE_ID = 'ferry-privilege-probe';

const read = (name: string, neededBy: string, probe: Privilege['probe']): Privilege => ({
  name,
  side: 'source',
  neededBy,
  probe,
});
const dest = (name: string, neededBy: string, probe: Privilege['probe']): Privilege => ({
  name,
  side: 'dest',
  neededBy,
  probe,
});

/** Answers that are not a refusal: a missing index or a rejected body come after the privilege check. */
export const AFTER_CHECK = [400, 404, 409];

/**
 * Every privilege of the live strategy that can be probed before anything changes (docs/operating.md,
 * "Privileges of the live strategy").
 */
export const LIVE_PRIVILEGES: readonly Privilege[] = [
  read('indices:admin/get', 'preflight (the source index and its aliases)', (c, i) =>
    c.request({ method: 'GET', path: `/${enc(i)}`, okStatuses: [404], what: `read index ${i}` }),
  ),
  read('indices:data/read/search', 'backfill, sync, delete scan, verification', (c, i) =>
    c.request({ method: 'POST', path: `/${enc(i)}/_search`, query: { size: 0 }, what: `search ${i}` }),
  ),
  read('indices:admin/mappings/get', 'create_dest_index', (c, i) =>
    c.request({ method: 'GET', path: `/${enc(i)}/_mapping`, what: `read mappings of ${i}` }),
  ),
  read('indices:monitor/settings/get', 'create_dest_index', (c, i) =>
    c.request({ method: 'GET', path: `/${enc(i)}/_settings`, what: `read settings of ${i}` }),
  ),
  read('indices:monitor/stats', 'preflight, backfill, sync (per-shard checkpoints)', (c, i) =>
    c.request({ method: 'GET', path: `/${enc(i)}/_stats/docs`, what: `read stats of ${i}` }),
  ),
  read('indices:admin/refresh*', 'backfill (marks), sync', async (c, i) => refreshProbe(c, i)),
  read('indices:data/read/mget*', 'sync (a delete is confirmed by a realtime read)', (c, i) =>
    mgetProbe(c, i),
  ),
  read('indices:data/read/point_in_time/create + delete', 'backfill (sliced reads)', (c, i) =>
    pitProbe(c, i),
  ),
  read('indices:data/read/scroll + scroll/clear (cluster)', 'verification (listing each shard)', (c, i) =>
    scrollProbe(c, i),
  ),
  read('indices:admin/settings/update', 'cleanup (the source write block)', (c, i) =>
    c.request({
      method: 'PUT',
      path: `/${enc(i)}/_settings`,
      body: { index: { 'blocks.write': PROBE_ID } },
      okStatuses: [400],
      what: `change settings of ${i} (privilege probe, refused by its own value)`,
    }),
  ),
  dest('indices:admin/create', 'create_dest_index', createIndexProbe),
  dest('indices:data/write/index', 'backfill, sync (bulk create and index)', (c, i) =>
    c.request({
      method: 'PUT',
      path: `/${enc(i)}/_doc/${PROBE_ID}`,
      query: { op_type: 'create', require_alias: true },
      body: {},
      okStatuses: AFTER_CHECK,
      idempotent: false,
      what: `write to ${i} (privilege probe, allowed to an alias only)`,
    }),
  ),
  dest('indices:data/write/delete', 'sync (deletes), cleanup', (c, i) =>
    c.request({
      method: 'DELETE',
      path: `/${enc(i)}/_doc/${PROBE_ID}`,
      query: { if_seq_no: 0, if_primary_term: 2 ** 31 - 1 },
      okStatuses: AFTER_CHECK,
      idempotent: false,
      what: `delete in ${i} (privilege probe, conditional on a term no shard has)`,
    }),
  ),
  dest('indices:data/read/search', 'ledger resolution, verification', (c, i) =>
    c.request({
      method: 'POST',
      path: `/${enc(i)}/_search`,
      query: { size: 0 },
      okStatuses: AFTER_CHECK,
      what: `search ${i}`,
    }),
  ),
  dest('indices:monitor/stats', 'verification', (c, i) =>
    c.request({
      method: 'GET',
      path: `/${enc(i)}/_stats/docs`,
      okStatuses: AFTER_CHECK,
      what: `stats of ${i}`,
    }),
  ),
  dest('indices:admin/refresh*', 'sync, verification', (c, i) =>
    c.request({ method: 'POST', path: `/${enc(i)}/_refresh`, okStatuses: AFTER_CHECK, what: `refresh ${i}` }),
  ),
];

export interface MissingPrivilege {
  privilege: Privilege;
  /** The server's own words, e.g. "no permissions for [indices:admin/create] and User [name=ferry, ...]". */
  reason: string;
}

/** Probes each privilege on its side; returns the ones refused. Other errors propagate (they are not about privileges). */
export async function missingPrivileges(
  sides: { source: ClusterClient; dest: ClusterClient },
  indices: PrivilegeTargets,
  privileges: readonly Privilege[] = LIVE_PRIVILEGES,
): Promise<MissingPrivilege[]> {
  const missing: MissingPrivilege[] = [];
  for (const privilege of privileges) {
    try {
      await privilege.probe(sides[privilege.side], probedIndex(privilege, indices));
    } catch (error) {
      // A missing source index is preflight's own finding, said by its own check.
      if (error instanceof NotFoundError) continue;
      // A block is checked after the privilege (by the action, behind the security filter): granted. Preflight's
      // blocks check names the block.
      if (error instanceof ClusterBlockError) continue;
      if (!(error instanceof AuthenticationError) || error.status !== 403) throw error;
      missing.push({ privilege, reason: error.message });
    }
  }
  return missing;
}

/** The indices a strategy's privileges are granted on (the delta index only for two-pass). */
export interface PrivilegeTargets {
  source: string;
  dest: string;
  delta?: string;
}

/** The index a probe addresses: a cluster privilege's probe gets the side's index too, and ignores it. */
export function probedIndex(privilege: Privilege, indices: PrivilegeTargets): string {
  return privilege.on === 'delta' ? (indices.delta ?? indices.source) : indices[privilege.side];
}

/** Where a missing privilege is missing, in the operator's words: "on orders", "on the dest cluster". */
export function grantedOn(privilege: Privilege, indices: PrivilegeTargets): string {
  return privilege.on === 'cluster'
    ? `on the ${privilege.side} cluster`
    : `on ${probedIndex(privilege, indices)}`;
}

/** A refresh refused on its shards answers 403 with the shard failures only (see errors.ts). */
/** A create-index request the server refuses by its own settings (0 shards), after checking the privilege. */
export async function createIndexProbe(c: ClusterClient, index: string): Promise<void> {
  await c.request({
    method: 'PUT',
    path: `/${enc(index)}`,
    body: { settings: { index: { number_of_shards: 0 } } },
    okStatuses: AFTER_CHECK,
    idempotent: false,
    what: `create ${index} (privilege probe, refused by its own settings)`,
  });
}

export async function refreshProbe(c: ClusterClient, index: string): Promise<void> {
  await c.request({ method: 'POST', path: `/${enc(index)}/_refresh`, what: `refresh ${index}` });
}

/** mget answers 200 even when its shard-level read is refused: the refusal is in the document's error. */
async function mgetProbe(c: ClusterClient, index: string): Promise<void> {
  const body = await c.json<{ docs?: { error?: { type?: string; reason?: string } }[] }>({
    method: 'POST',
    path: `/${enc(index)}/_mget`,
    body: { ids: [PROBE_ID] },
    what: `realtime read of ${index}`,
  });
  const error = body.docs?.[0]?.error;
  if (error?.type === 'security_exception')
    throw new AuthenticationError({
      status: 403,
      errorType: error.type,
      reason: error.reason ?? '',
      what: `realtime read of ${index}`,
      body,
    });
}

async function pitProbe(c: ClusterClient, index: string): Promise<void> {
  const kind = await detectReadContext(c);
  if (kind === 'scroll') return;
  const id = await openPointInTime(c, kind, index, '10s');
  await closePointInTime(c, kind, id);
}

export async function scrollProbe(c: ClusterClient, index: string): Promise<void> {
  let opened: { _scroll_id?: string };
  try {
    opened = await c.json<{ _scroll_id?: string }>({
      method: 'POST',
      path: `/${enc(index)}/_search`,
      query: { scroll: '10s', size: 1 },
      what: `open a scroll on ${index}`,
    });
  } catch (error) {
    // Opening a scroll is a search: a refusal there is the search privilege, which its own probe names.
    if (error instanceof AuthenticationError && error.status === 403) return;
    throw error;
  }
  const scrollId = opened._scroll_id;
  if (!scrollId) return;
  await c.request({
    method: 'POST',
    path: '/_search/scroll',
    body: { scroll: '10s', scroll_id: scrollId },
    idempotent: false,
    what: 'continue a scroll',
  });
  await c.request({
    method: 'DELETE',
    path: '/_search/scroll',
    body: { scroll_id: [scrollId] },
    okStatuses: [404],
    what: 'clear a scroll',
  });
}
