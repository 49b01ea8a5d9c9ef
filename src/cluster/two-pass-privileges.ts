// The privileges of the two-pass strategy that a request can test without changing anything
// (docs/operating.md, "Privileges of the two-pass strategy"). Besides the reads and writes it shares with
// live, two-pass needs cluster privileges: ingest pipelines and a snapshot on the source, a repository on
// both sides, a restore, a reindex task and its status on the dest. The cluster probes address a repository,
// pipeline or task that does not exist (a random name), or are refused by their own body, so the server
// answers after its privilege check and before any change:
//   repository put: an unknown repository type (500, nothing registered); get/delete, snapshot create/get/
//   status/delete: a missing repository (404); pipeline put: an unknown processor (400); pipeline delete of a
//   missing id (200, nothing deleted); simulate: an empty pipeline on one empty document; reindex: a remote host
//   outside the allowlist (400, nothing read or written); task get: an unknown node's task (404).
// Not probed (no request tests them without a change): the restore (a missing repository answers 404 before the
// privilege check), deleting indices, and the shard-level bulk of the reindex's writes.
import {
  AFTER_CHECK,
  createIndexProbe,
  LIVE_PRIVILEGES,
  PROBE_ID,
  type Privilege,
  refreshProbe,
  scrollProbe,
} from './privileges.js';
import {
  clusterPrivilege,
  probeMissing,
  probeName,
  repositoryPrivileges,
  restoreProgressPrivilege,
  type SnapshotSteps,
  snapshotTakingPrivileges,
} from './snapshot-privileges.js';

const enc = encodeURIComponent;

/** A privilege live probes as well: the same probe, with two-pass's own reason. */
function shared(side: Privilege['side'], name: string, neededBy: string, on?: 'delta'): Privilege {
  const live = LIVE_PRIVILEGES.find((p) => p.side === side && p.name === name);
  if (!live) throw new Error(`no live probe for ${side} ${name}`);
  return { ...live, neededBy, ...(on ? { on } : {}) };
}

function onDelta(name: string, neededBy: string, probe: Privilege['probe']): Privilege {
  return { name, side: 'source', on: 'delta', neededBy, probe };
}

const SNAPS: SnapshotSteps = {
  repository: 'preflight, snaps (the shared repository)',
  repositoryUndo: 'delete_index, abort (the repository Ferry registered)',
  take: 'snaps',
  progress: 'snaps (progress)',
  remove: 'snaps (a failed snapshot is retaken), delete_index, abort',
};

/** Every privilege of the two-pass strategy that can be probed before anything changes. */
export const TWO_PASS_PRIVILEGES: readonly Privilege[] = [
  shared('source', 'indices:admin/get', 'preflight, change_pipeline (the mappings of the delta index)'),
  shared('source', 'indices:monitor/settings/get', 'preflight, change_pipeline'),
  shared('source', 'indices:monitor/stats', 'preflight (disk: the index size)'),
  shared('source', 'indices:data/read/search', 'the count checks'),
  shared('source', 'indices:admin/refresh*', 'the count checks'),
  shared('source', 'indices:admin/settings/update', 'change_pipeline (index.default_pipeline), abort'),
  onDelta('indices:admin/create', 'change_pipeline (the delta index)', createIndexProbe),
  onDelta('indices:admin/get', 'change_pipeline, second_pass_verification', (c, i) =>
    c.request({ method: 'GET', path: `/${enc(i)}`, okStatuses: [404], what: `read index ${i}` }),
  ),
  onDelta(
    'indices:data/read/search',
    'reindex_data (the dest reads it as the source user), the count',
    (c, i) =>
      c.request({
        method: 'POST',
        path: `/${enc(i)}/_search`,
        query: { size: 0 },
        okStatuses: [404],
        what: `search ${i}`,
      }),
  ),
  onDelta('indices:admin/refresh*', 'reindex_data, second_pass_verification', async (c, i) => {
    const res = await c.request({
      method: 'POST',
      path: `/${enc(i)}/_refresh`,
      okStatuses: [404],
      what: `refresh ${i}`,
    });
    // Once the delta exists (a resumed run), its refresh is probed as the source's is.
    if (res.status !== 404) await refreshProbe(c, i);
  }),
  {
    name: 'indices:data/read/scroll + scroll/clear (cluster)',
    side: 'source',
    on: 'cluster',
    neededBy: 'reindex_data (the dest reads the delta by scroll, as the source user)',
    // Scrolls are cluster privileges: a scroll on the source index tests them (the delta may not exist yet).
    probe: (c, i) => scrollProbe(c, i),
  },
  clusterPrivilege('source', 'cluster:monitor/nodes/info', 'preflight (ingest processors, path.repo)', (c) =>
    c.request({ method: 'GET', path: '/_nodes/_local/ingest', what: 'read node info' }),
  ),
  clusterPrivilege('source', 'cluster:admin/ingest/pipeline/get', 'change_pipeline', (c) =>
    probeMissing(c, 'GET', `/_ingest/pipeline/${probeName()}`, 'read a pipeline'),
  ),
  clusterPrivilege('source', 'cluster:admin/ingest/pipeline/put', 'change_pipeline', (c) =>
    c.request({
      method: 'PUT',
      path: `/_ingest/pipeline/${probeName()}`,
      body: { processors: [{ [PROBE_ID]: {} }] },
      okStatuses: [400],
      idempotent: false,
      what: 'create a pipeline (privilege probe, refused by its unknown processor)',
    }),
  ),
  clusterPrivilege(
    'source',
    'cluster:admin/ingest/pipeline/simulate',
    'preflight, change_pipeline (where writes go)',
    (c) =>
      c.request({
        method: 'POST',
        path: '/_ingest/pipeline/_simulate',
        body: { pipeline: { processors: [] }, docs: [{ _source: {} }] },
        idempotent: false,
        what: 'simulate a pipeline',
      }),
  ),
  clusterPrivilege('source', 'cluster:admin/ingest/pipeline/delete', 'delete_index, abort', (c) =>
    probeMissing(c, 'DELETE', `/_ingest/pipeline/${probeName()}`, 'delete a pipeline'),
  ),
  ...repositoryPrivileges('source', SNAPS, { register: true, verify: false }),
  ...snapshotTakingPrivileges(SNAPS),
  clusterPrivilege(
    'dest',
    'cluster:monitor/nodes/info',
    'preflight (reindex module, allowlist, path.repo)',
    (c) => c.request({ method: 'GET', path: '/_nodes/_local/settings', what: 'read node info' }),
  ),
  ...repositoryPrivileges(
    'dest',
    { ...SNAPS, repository: 'preflight, snaps (the repository, read-only)' },
    { register: true, verify: false },
  ),
  clusterPrivilege('dest', 'indices:data/write/reindex', 'reindex_data', (c) =>
    c.request({
      method: 'POST',
      path: '/_reindex',
      body: {
        source: { remote: { host: `https://${PROBE_ID}.invalid:9` }, index: PROBE_ID },
        dest: { index: PROBE_ID },
      },
      // 400: refused by the allowlist; 404/405: a server without the reindex module (its preflight says so).
      okStatuses: [400, 404, 405],
      idempotent: false,
      what: 'reindex (privilege probe, from a host outside the allowlist)',
    }),
  ),
  clusterPrivilege('dest', 'cluster:monitor/task/get', 'reindex_data (the task)', (c) =>
    probeMissing(c, 'GET', `/_tasks/${PROBE_ID}:1`, 'read a task'),
  ),
  // The restore creates and writes the dest index (the security plugin checks both on a restore).
  shared('dest', 'indices:admin/create', 'snaps (the restore)'),
  shared('dest', 'indices:data/write/index', 'snaps (the restore), reindex_data'),
  shared('dest', 'indices:data/read/search', 'the count checks'),
  shared('dest', 'indices:admin/refresh*', 'the count checks'),
  restoreProgressPrivilege('snaps (restore progress)'),
  {
    name: 'indices:monitor/settings/get',
    side: 'dest',
    neededBy: 'make_null',
    probe: (c, i) =>
      c.request({
        method: 'GET',
        path: `/${enc(i)}/_settings`,
        okStatuses: AFTER_CHECK,
        what: `settings of ${i}`,
      }),
  },
];
