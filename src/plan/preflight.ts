// Read-only checks run before anything changes (and by `ferry plan`). Each returns a CheckResult.
import type { ClusterClient } from '../cluster/client.js';
import { formatBytes, headroomBytes } from '../cluster/disk-headroom.js';
import { canRestoreSnapshot, engineLabel, remoteAllowlistSetting } from '../cluster/engine.js';
import { shardCapacity } from '../cluster/health.js';
import { resolveIndexNames, storeSizeBytes } from '../cluster/indices.js';
import {
  dataNodeDisks,
  ingestProcessorTypes,
  installedModules,
  nodeSettingValues,
} from '../cluster/nodes.js';
import { literalTemplateValue, simulateSetIndex } from '../cluster/pipelines.js';
import {
  grantedOn,
  LIVE_PRIVILEGES,
  missingPrivileges,
  type Privilege,
  type PrivilegeTargets,
} from '../cluster/privileges.js';
import { getRepository } from '../cluster/snapshots.js';
import { type CheckResult, fail, pass, warn } from './check.js';
import type { Plan } from './options.js';

export interface Sides {
  source: ClusterClient;
  dest: ClusterClient;
}

export async function checkSourceIndex(plan: Plan, { source }: Sides): Promise<CheckResult> {
  const name = 'source index exists';
  const names = await resolveIndexNames(source, plan.sourceIndex);
  if (names === undefined)
    return fail(
      name,
      `${plan.sourceIndex} not found on ${source.label}`,
      'Check --source-index (GET _cat/indices on the source lists them).',
    );
  if (names.length !== 1 || names[0] !== plan.sourceIndex) {
    return fail(
      name,
      `${plan.sourceIndex} is an alias or pattern for ${names.join(', ')}`,
      'Give the concrete index name; Ferry moves one index at a time.',
    );
  }
  return pass(name, `${plan.sourceIndex} on ${source.label}`);
}

/** Same cluster by its uuid, as the servers report it: `localhost` and `127.0.0.1` are one cluster. */
export function sameCluster({ source, dest }: Sides): boolean {
  const a = source.engine.clusterUuid;
  return a !== undefined && a === dest.engine.clusterUuid;
}

export async function checkDestAbsent(plan: Plan, sides: Sides): Promise<CheckResult> {
  const name = 'dest index absent';
  const { dest } = sides;
  if (sameCluster(sides) && plan.sourceIndex === plan.destIndex) {
    return fail(
      name,
      `source and dest are the same index: ${plan.sourceIndex} on one cluster (uuid ${String(dest.engine.clusterUuid)}), reached as ${sides.source.transport.display} and ${dest.transport.display}`,
      'Give another --dest-index to copy it within this cluster, or a --dest-url of another cluster.',
    );
  }
  if (await dest.indexExists(plan.destIndex)) {
    return fail(
      name,
      `${plan.destIndex} already exists on ${dest.label}`,
      'Choose another --dest-index, or delete the existing one yourself if it is not needed.',
    );
  }
  return pass(name, `${plan.destIndex} does not exist on ${dest.label}`);
}

export async function checkDeltaAbsent(plan: Plan, { source }: Sides): Promise<CheckResult> {
  const name = 'delta index absent';
  if (await source.indexExists(plan.deltaIndex)) {
    return fail(name, `${plan.deltaIndex} already exists on the source`, 'Choose another --delta-index.');
  }
  return pass(name, `${plan.deltaIndex} is free on the source`);
}

/** The index with its replicas must fit under the dest's high disk watermark. */
export async function checkDisk(plan: Plan, { source, dest }: Sides): Promise<CheckResult> {
  const name = 'dest disk space (with replicas, under the high watermark)';
  const needed = await storeSizeBytes(source, plan.sourceIndex);
  const settings = await dest.clusterSettings();
  const enabled = String(settings['cluster.routing.allocation.disk.threshold_enabled'] ?? 'true') !== 'false';
  const high = String(settings['cluster.routing.allocation.disk.watermark.high'] ?? '90%');
  const disks = await dataNodeDisks(dest);
  const room = disks.reduce(
    (sum, d) => sum + headroomBytes(d.totalBytes, d.availableBytes, high, enabled),
    0,
  );
  const detail = `needs ${formatBytes(needed)}, dest can take ${formatBytes(room)} (high watermark ${enabled ? high : 'disabled'}, ${disks.length} data node(s))`;
  return needed <= room
    ? pass(name, detail)
    : fail(
        name,
        detail,
        'Free disk on the dest, add data nodes, or raise cluster.routing.allocation.disk.watermark.high.',
      );
}

export async function checkShardLimit(plan: Plan, { source, dest }: Sides): Promise<CheckResult> {
  const name = 'dest shard limit';
  const settings = await source.getIndexSettings(plan.sourceIndex);
  const primaries = Number(settings['index.number_of_shards'] ?? 1);
  const replicas = Number(settings['index.number_of_replicas'] ?? 1);
  const newShards = primaries * (1 + replicas);
  const destSettings = await dest.clusterSettings();
  const perNode = Number(destSettings['cluster.max_shards_per_node'] ?? 1000);
  const capacity = await shardCapacity(dest);
  const limit = perNode * capacity.dataNodes;
  const used = capacity.shardCopies;
  const detail = `${newShards} new shard copies (${primaries} primaries x ${1 + replicas}); dest has ${used} of ${limit}`;
  return used + newShards <= limit
    ? pass(name, detail)
    : fail(name, detail, 'Raise cluster.max_shards_per_node on the dest, or remove unused indices there.');
}

/** The repository must be registered on both clusters, or its location must be in both clusters' path.repo. */
export async function checkRepository(plan: Plan, { source, dest }: Sides): Promise<CheckResult> {
  const name = 'snapshot repository usable from both clusters';
  const repo = plan.repository;
  const [onSource, onDest] = await Promise.all([
    getRepository(source, repo.name),
    getRepository(dest, repo.name),
  ]);
  if (onSource && onDest) return pass(name, `${repo.name} is registered on both`);
  if (!repo.location) {
    return fail(
      name,
      `${repo.name} is not registered on ${!onSource ? 'the source' : 'the dest'}`,
      'Register it on both clusters, or give --repository-location <shared path> (a directory in path.repo on both).',
    );
  }
  const [sourceRepo, destRepo] = await Promise.all([
    nodeSettingValues(source, 'path.repo'),
    nodeSettingValues(dest, 'path.repo'),
  ]);
  const inside = (paths: string[]) =>
    paths.some((p) => repo.location === p || repo.location!.startsWith(`${p.replace(/\/$/, '')}/`));
  if (!inside(sourceRepo) || !inside(destRepo)) {
    return fail(
      name,
      `${repo.location} is not under path.repo on ${!inside(sourceRepo) ? 'the source' : 'the dest'}`,
      `Add a shared directory holding ${repo.location} to path.repo in both clusters' config (needs a restart), or use a repository registered on both.`,
    );
  }
  return pass(
    name,
    `${repo.location} is under path.repo on both; Ferry registers ${repo.name} (read-only on the dest)`,
  );
}

export function checkSnapshotCompatible({ source, dest }: Sides): CheckResult {
  const name = 'snapshot restorable on the dest';
  const detail = `${engineLabel(source.engine)} -> ${engineLabel(dest.engine)}`;
  return canRestoreSnapshot(source.engine, dest.engine)
    ? pass(name, detail)
    : fail(
        name,
        `${detail}: the dest cannot restore this source's snapshots`,
        'Use --strategy live, which copies documents when snapshots cannot be restored.',
      );
}

/** Reindex-from-remote needs the source host in the dest's static allowlist. */
export async function checkRemoteAllowlist(plan: Plan, { dest }: Sides): Promise<CheckResult> {
  const name = 'source in the dest remote allowlist';
  const setting = remoteAllowlistSetting(dest.engine);
  const hostPort = new URL(plan.source.url).host;
  const entries = [
    ...(await nodeSettingValues(dest, 'reindex.remote.allowlist')),
    ...(await nodeSettingValues(dest, 'reindex.remote.whitelist')),
  ];
  if (entries.some((pattern) => globMatch(pattern.trim(), hostPort)))
    return pass(name, `${hostPort} matches ${setting} on the dest`);
  return fail(
    name,
    `${hostPort} is not in ${setting} on the dest (has: ${entries.join(', ') || 'nothing'})`,
    `Add "${hostPort}" to ${setting} in the dest's config file on every node; it is a static setting, so a rolling restart is needed.`,
  );
}

export async function checkPipelineSupport({ source }: Sides): Promise<CheckResult> {
  const name = 'source can run ingest pipelines';
  const types = await ingestProcessorTypes(source);
  return types.has('set') && types.has('pipeline')
    ? pass(name, 'set and pipeline processors are available')
    : fail(
        name,
        `${source.label} has no ${types.has('set') ? 'pipeline' : 'set'} processor (ingest-common module missing)`,
        'two-pass needs ingest pipelines on the source; use --strategy live, which does not.',
      );
}

/** The delta index name must reach the pipeline as a name, not as a template ("{{...}}" in it). */
export async function checkDeltaRouting(plan: Plan, { source }: Sides): Promise<CheckResult> {
  const name = 'writes reroute to the delta index by name';
  let value: string;
  try {
    value = literalTemplateValue(plan.deltaIndex);
  } catch (error) {
    return fail(name, (error as Error).message, 'Give a --delta-index without "{{".');
  }
  const target = await simulateSetIndex(source, value, plan.sourceIndex);
  return target === plan.deltaIndex
    ? pass(name, `a write to ${plan.sourceIndex} would go to ${plan.deltaIndex} (simulated on the source)`)
    : fail(
        name,
        `the rerouting pipeline would send writes to "${String(target)}", not ${plan.deltaIndex}`,
        'Give a --delta-index without "{{" or "}}".',
      );
}

export async function checkReindexSupport({ dest }: Sides): Promise<CheckResult> {
  const name = 'dest can reindex from remote';
  const modules = await installedModules(dest);
  const has = [...modules].some((m) => m === 'reindex' || /Reindex(Module)?Plugin$/.test(m));
  return has
    ? pass(name, 'reindex module present')
    : fail(
        name,
        `${dest.label} has no reindex module`,
        'two-pass needs _reindex on the dest; use --strategy live, which does not.',
      );
}

export async function checkExistingPipeline(plan: Plan, { source }: Sides): Promise<CheckResult> {
  const name = 'existing default pipeline on the source';
  const settings = await source.getIndexSettings(plan.sourceIndex);
  const existing = settings['index.default_pipeline'];
  if (existing && existing !== '_none') {
    return warn(
      name,
      `${plan.sourceIndex} already uses ${String(existing)}`,
      `Nothing to do: Ferry's pipeline calls ${String(existing)} first and puts the setting back on abort.`,
    );
  }
  return pass(name, 'none; Ferry sets one and removes it on abort');
}

export async function checkSourceEnabled(plan: Plan, { source }: Sides): Promise<CheckResult> {
  const name = '_source kept in full';
  const definition = await source.getIndex(plan.sourceIndex);
  const meta = (
    definition.mappings as { _source?: { enabled?: boolean; excludes?: string[]; includes?: string[] } }
  )._source;
  if (meta?.enabled === false)
    return fail(
      name,
      `${plan.sourceIndex} has _source disabled: documents cannot be rebuilt from it`,
      'Only snapshot/restore can move this index; documents written during the move cannot be copied.',
    );
  if (meta?.excludes?.length || meta?.includes?.length)
    return warn(
      name,
      `_source is filtered (${JSON.stringify(meta)}): copied documents lose the filtered fields`,
      'Accept the loss of filtered fields in copies, or move the index by snapshot only.',
    );
  return pass(name, 'full _source available');
}

function globMatch(pattern: string, value: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return regex.test(value);
}

/**
 * The user on each side has every privilege the live strategy needs that can be probed without a change (see
 * src/cluster/privileges.ts); a missing one is named with the steps that need it.
 */
export function checkLivePrivileges(plan: Plan, sides: Sides): Promise<CheckResult> {
  return checkPrivileges(
    sides,
    { source: plan.sourceIndex, dest: plan.destIndex },
    LIVE_PRIVILEGES,
    `the users may read ${plan.sourceIndex} on the source and create and write ${plan.destIndex} on the dest`,
  );
}

/** The same for a strategy's own list (two-pass: src/cluster/two-pass-privileges.ts). */
export async function checkPrivileges(
  sides: Sides,
  indices: PrivilegeTargets,
  privileges: readonly Privilege[],
  passDetail: string,
): Promise<CheckResult> {
  const name = 'privileges';
  const missing = await missingPrivileges(sides, indices, privileges);
  if (missing.length === 0) return pass(name, passDetail);
  const lines = missing.map(
    (m) =>
      `${m.privilege.side} user lacks ${m.privilege.name} ${grantedOn(m.privilege, indices)} (needed by ${m.privilege.neededBy})`,
  );
  return fail(
    name,
    lines.join('; '),
    `Grant ${[...new Set(missing.map((m) => m.privilege.name))].join(', ')} to the role of the user Ferry connects as (README, "Privileges", lists them per step), or connect as a user that has them. Nothing was changed.`,
  );
}
