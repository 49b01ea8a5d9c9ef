// The privileges of the two-pass strategy that a request can test without changing anything (README, "Privileges
// of the two-pass strategy"). Besides the reads and writes it shares with live, two-pass needs cluster
// privileges: ingest pipelines and a snapshot on the source, a repository on both sides, a restore, a reindex
// task and its status on the dest. The cluster probes address a repository, pipeline or task that does not
// exist (a random name), or are refused by their own body, so the server answers after its privilege check
// and before any change:
//   repository put: an unknown repository type (500, nothing registered); get/delete, snapshot create/get/
//   status/delete: a missing repository (404); pipeline put: an unknown processor (400); pipeline delete of a
//   missing id (200, nothing deleted); simulate: an empty pipeline on one empty document; reindex: a remote host
//   outside the allowlist (400, nothing read or written); task get: an unknown node's task (404).
// Not probed (no request tests them without a change): the restore (a missing repository answers 404 before the
// privilege check), deleting indices, and the shard-level bulk of the reindex's writes.
import { randomBytes } from 'node:crypto';
import type { ClusterClient } from './client.js';
import {
  AFTER_CHECK,
  createIndexProbe,
  LIVE_PRIVILEGES,
  PROBE_ID,
  type Privilege,
  refreshProbe,
  scrollProbe,
} from './privileges.js';

const enc = encodeURIComponent;

/** A name nothing on the cluster has, so that even a probe that got through would address nothing. */
function probeName(): string {
  return `${PROBE_ID}-${randomBytes(6).toString('hex')}`;
}

/** A privilege live probes as well: the same probe, with two-pass's own reason. */
function shared(side: Privilege['side'], name: string, neededBy: string, on?: 'delta'): Privilege {
  const live = LIVE_PRIVILEGES.find((p) => p.side === side && p.name === name);
  if (!live) throw new Error(`no live probe for ${side} ${name}`);
  return { ...live, neededBy, ...(on ? { on } : {}) };
}

function cluster(
  side: Privilege['side'],
  name: string,
  neededBy: string,
  probe: (c: ClusterClient) => Promise<unknown>,
): Privilege {
  return { name, side, on: 'cluster', neededBy, probe: (c) => probe(c) };
}

function onDelta(name: string, neededBy: string, probe: Privilege['probe']): Privilege {
  return { name, side: 'source', on: 'delta', neededBy, probe };
}

const missing = (
  c: ClusterClient,
  method: 'GET' | 'PUT' | 'DELETE',
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

const repositoryProbes = (side: Privilege['side'], neededBy: string): Privilege[] => [
  cluster(side, 'cluster:admin/repository/get', neededBy, (c) =>
    missing(c, 'GET', `/_snapshot/${probeName()}`, 'read a repository'),
  ),
  cluster(side, 'cluster:admin/repository/put', neededBy, (c) =>
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
  cluster(side, 'cluster:admin/repository/delete', 'abort (the repository Ferry registered)', (c) =>
    missing(c, 'DELETE', `/_snapshot/${probeName()}`, 'remove a repository'),
  ),
];

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
  cluster('source', 'cluster:monitor/nodes/info', 'preflight (ingest processors, path.repo)', (c) =>
    c.request({ method: 'GET', path: '/_nodes/_local/ingest', what: 'read node info' }),
  ),
  cluster('source', 'cluster:admin/ingest/pipeline/get', 'change_pipeline', (c) =>
    missing(c, 'GET', `/_ingest/pipeline/${probeName()}`, 'read a pipeline'),
  ),
  cluster('source', 'cluster:admin/ingest/pipeline/put', 'change_pipeline', (c) =>
    c.request({
      method: 'PUT',
      path: `/_ingest/pipeline/${probeName()}`,
      body: { processors: [{ [PROBE_ID]: {} }] },
      okStatuses: [400],
      idempotent: false,
      what: 'create a pipeline (privilege probe, refused by its unknown processor)',
    }),
  ),
  cluster(
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
  cluster('source', 'cluster:admin/ingest/pipeline/delete', 'delete_index, abort', (c) =>
    missing(c, 'DELETE', `/_ingest/pipeline/${probeName()}`, 'delete a pipeline'),
  ),
  ...repositoryProbes('source', 'preflight, snaps (the shared repository)'),
  cluster('source', 'cluster:admin/snapshot/create', 'snaps', (c) =>
    missing(c, 'PUT', `/_snapshot/${probeName()}/${PROBE_ID}`, 'take a snapshot', {
      indices: PROBE_ID,
      include_global_state: false,
    }),
  ),
  cluster('source', 'cluster:admin/snapshot/get', 'snaps', (c) =>
    missing(c, 'GET', `/_snapshot/${probeName()}/${PROBE_ID}`, 'read a snapshot'),
  ),
  cluster('source', 'cluster:admin/snapshot/status', 'snaps (progress)', (c) =>
    missing(c, 'GET', `/_snapshot/${probeName()}/${PROBE_ID}/_status`, 'read a snapshot status'),
  ),
  cluster('source', 'cluster:admin/snapshot/delete', 'snaps (a failed snapshot is retaken), abort', (c) =>
    missing(c, 'DELETE', `/_snapshot/${probeName()}/${PROBE_ID}`, 'delete a snapshot'),
  ),
  cluster('dest', 'cluster:monitor/nodes/info', 'preflight (reindex module, allowlist, path.repo)', (c) =>
    c.request({ method: 'GET', path: '/_nodes/_local/settings', what: 'read node info' }),
  ),
  ...repositoryProbes('dest', 'preflight, snaps (the repository, read-only)'),
  cluster('dest', 'indices:data/write/reindex', 'reindex_data', (c) =>
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
  cluster('dest', 'cluster:monitor/task/get', 'reindex_data (the task)', (c) =>
    missing(c, 'GET', `/_tasks/${PROBE_ID}:1`, 'read a task'),
  ),
  // The restore creates and writes the dest index (the security plugin checks both on a restore).
  shared('dest', 'indices:admin/create', 'snaps (the restore)'),
  shared('dest', 'indices:data/write/index', 'snaps (the restore), reindex_data'),
  shared('dest', 'indices:data/read/search', 'the count checks'),
  shared('dest', 'indices:admin/refresh*', 'the count checks'),
  {
    name: 'indices:monitor/recovery',
    side: 'dest',
    neededBy: 'snaps (restore progress)',
    probe: (c, i) =>
      c.request({
        method: 'GET',
        path: `/${enc(i)}/_recovery`,
        okStatuses: AFTER_CHECK,
        what: `recovery of ${i}`,
      }),
  },
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
