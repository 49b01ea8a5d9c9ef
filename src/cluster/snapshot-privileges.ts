// The cluster privileges a snapshot/restore needs (two-pass `snaps`, live `snapshot_source` and `restore_dest`),
// as probes that change nothing: each addresses a repository or snapshot that does not exist (a random name), or
// a repository of an unknown type, so the server answers after its privilege check and before any change:
//   repository put: an unknown type (500, nothing registered); repository get/delete/verify, snapshot
//   create/get/status/delete: a missing repository (404).
// Not probed: the restore itself (a missing repository answers 404 before its privilege check).
import { randomBytes } from 'node:crypto';
import type { ClusterClient } from './client.js';
import { AFTER_CHECK, PROBE_ID, type Privilege } from './privileges.js';

/** A name nothing on the cluster has, so that even a probe that got through would address nothing. */
export function probeName(): string {
  return `${PROBE_ID}-${randomBytes(6).toString('hex')}`;
}

/** A cluster privilege (roles grant it on no index), probed by a request on the side's cluster. */
export function clusterPrivilege(
  side: Privilege['side'],
  name: string,
  neededBy: string,
  probe: (c: ClusterClient) => Promise<unknown>,
): Privilege {
  return { name, side, on: 'cluster', neededBy, probe: (c) => probe(c) };
}

/** A request addressing something that does not exist: 404 after the privilege check. */
export const probeMissing = (
  c: ClusterClient,
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  path: string,
  what: string,
  body?: unknown,
) =>
  c.request({
    method,
    path,
    ...(body === undefined ? {} : { body }),
    okStatuses: [404],
    idempotent: method === 'GET',
    what: `${what} (privilege probe, addresses nothing)`,
  });

/** Steps that need each group, in the strategy's own words. */
export interface SnapshotSteps {
  /** Registering or reading the shared repository, on either side. */
  repository: string;
  /** Removing a repository Ferry registered. */
  repositoryUndo: string;
  take: string;
  progress: string;
  /** Deleting a snapshot (a failed one retaken, the backfill's at cleanup, abort). */
  remove: string;
}

/** Reading the repository, and registering/removing it where Ferry registers it; `_verify` where Ferry verifies. */
export function repositoryPrivileges(
  side: Privilege['side'],
  steps: SnapshotSteps,
  o: { register: boolean; verify: boolean },
): Privilege[] {
  const read = clusterPrivilege(side, 'cluster:admin/repository/get', steps.repository, (c) =>
    probeMissing(c, 'GET', `/_snapshot/${probeName()}`, 'read a repository'),
  );
  const register = [
    clusterPrivilege(side, 'cluster:admin/repository/put', steps.repository, (c) =>
      c.request({
        method: 'PUT',
        path: `/_snapshot/${probeName()}`,
        body: { type: PROBE_ID, settings: {} },
        // An unknown repository type is refused (500) before anything is registered.
        okStatuses: [400, 500],
        idempotent: false,
        what: 'register a repository (privilege probe, refused by its own type)',
      }),
    ),
    clusterPrivilege(side, 'cluster:admin/repository/delete', steps.repositoryUndo, (c) =>
      probeMissing(c, 'DELETE', `/_snapshot/${probeName()}`, 'remove a repository'),
    ),
  ];
  const verify = clusterPrivilege(side, 'cluster:admin/repository/verify', steps.repository, (c) =>
    probeMissing(c, 'POST', `/_snapshot/${probeName()}/_verify`, 'verify a repository'),
  );
  return [read, ...(o.register ? register : []), ...(o.verify ? [verify] : [])];
}

/** Taking, following and deleting a snapshot on the source. */
export function snapshotTakingPrivileges(steps: SnapshotSteps): Privilege[] {
  return [
    clusterPrivilege('source', 'cluster:admin/snapshot/create', steps.take, (c) =>
      probeMissing(c, 'PUT', `/_snapshot/${probeName()}/${PROBE_ID}`, 'take a snapshot', {
        indices: PROBE_ID,
        include_global_state: false,
      }),
    ),
    clusterPrivilege('source', 'cluster:admin/snapshot/get', steps.take, (c) =>
      probeMissing(c, 'GET', `/_snapshot/${probeName()}/${PROBE_ID}`, 'read a snapshot'),
    ),
    clusterPrivilege('source', 'cluster:admin/snapshot/status', steps.progress, (c) =>
      probeMissing(c, 'GET', `/_snapshot/${probeName()}/${PROBE_ID}/_status`, 'read a snapshot status'),
    ),
    clusterPrivilege('source', 'cluster:admin/snapshot/delete', steps.remove, (c) =>
      probeMissing(c, 'DELETE', `/_snapshot/${probeName()}/${PROBE_ID}`, 'delete a snapshot'),
    ),
  ];
}

const LIVE_STEPS: SnapshotSteps = {
  repository: 'preflight (backfill method), snapshot_source',
  repositoryUndo: 'cleanup, abort (the repository Ferry registered)',
  take: 'snapshot_source',
  progress: 'snapshot_source (progress)',
  remove: 'cleanup, abort (the backfill snapshot)',
};

/**
 * What the live strategy's snapshot backfill needs beyond LIVE_PRIVILEGES: the repository on both sides
 * (registered by Ferry only where a location was given), the snapshot on the source, and restore progress on
 * the dest. The restore's own privilege, `cluster:admin/snapshot/restore`, cannot be probed.
 */
export function liveSnapshotPrivileges(o: { registers: boolean }): Privilege[] {
  const repository = { register: o.registers, verify: true };
  // Where Ferry registers the repository, preflight first checks the location is under path.repo on both.
  const pathRepo = (side: Privilege['side']) =>
    clusterPrivilege(side, 'cluster:monitor/nodes/info', 'preflight (path.repo)', (c) =>
      c.request({ method: 'GET', path: '/_nodes/_local/settings', what: 'read node info' }),
    );
  return [
    ...(o.registers ? [pathRepo('source'), pathRepo('dest')] : []),
    ...repositoryPrivileges('source', LIVE_STEPS, repository),
    ...snapshotTakingPrivileges(LIVE_STEPS),
    ...repositoryPrivileges('dest', LIVE_STEPS, repository),
    restoreProgressPrivilege('restore_dest (progress)'),
  ];
}

/** Following a restore on the dest index. */
export function restoreProgressPrivilege(neededBy: string): Privilege {
  return {
    name: 'indices:monitor/recovery',
    side: 'dest',
    neededBy,
    probe: (c, i) =>
      c.request({
        method: 'GET',
        path: `/${encodeURIComponent(i)}/_recovery`,
        okStatuses: AFTER_CHECK,
        what: `recovery of ${i}`,
      }),
  };
}
