// The preflight of the two-pass strategy: every check its steps rely on.
import { TWO_PASS_PRIVILEGES } from '../cluster/two-pass-privileges.js';
import { checkNoClusterBlocks } from './blocks-check.js';
import { type CheckResult, fail, pass, warn } from './check.js';
import type { Plan } from './options.js';
import {
  checkDeltaAbsent,
  checkDeltaRouting,
  checkDestAbsent,
  checkDisk,
  checkExistingPipeline,
  checkPipelineSupport,
  checkPrivileges,
  checkReindexSupport,
  checkRemoteAllowlist,
  checkRepository,
  checkShardLimit,
  checkSnapshotCompatible,
  checkSourceEnabled,
  checkSourceIndex,
  type Sides,
} from './preflight.js';

export async function twoPassChecks(plan: Plan, sides: Sides): Promise<CheckResult[]> {
  // First: a user without a privilege would fail the other checks with a less helpful refusal.
  const privileges = await checkPrivileges(
    sides,
    { source: plan.sourceIndex, dest: plan.destIndex, delta: plan.deltaIndex },
    TWO_PASS_PRIVILEGES,
    `the users may reroute ${plan.sourceIndex} to ${plan.deltaIndex} and snapshot it on the source, restore and reindex into ${plan.destIndex} on the dest`,
  );
  if (!privileges.ok) return [privileges];
  const sourceIndex = await checkSourceIndex(plan, sides);
  if (!sourceIndex.ok) return [privileges, sourceIndex];
  return [
    privileges,
    sourceIndex,
    checkReindexCredentials(plan),
    await checkDestAbsent(plan, sides),
    await checkDeltaAbsent(plan, sides),
    await checkNoClusterBlocks('dest', sides),
    await checkNoClusterBlocks('source', sides),
    await checkDisk(plan, sides),
    await checkShardLimit(plan, sides),
    await checkRepository(plan, sides),
    checkSnapshotCompatible(sides),
    await checkRemoteAllowlist(plan, sides),
    await checkPipelineSupport(sides),
    ...(await pipelineRouting(plan, sides)),
    checkPartialUpdates(plan),
    await checkReindexSupport(sides),
    await checkExistingPipeline(plan, sides),
    await checkSourceEnabled(plan, sides),
  ];
}

/**
 * The reroute pipeline sends every write to the delta index, an update's rewritten document included, while the
 * document it updates stays in the source index: the seed's method has no answer for that, so the operator hears
 * it before the run.
 */
export function checkPartialUpdates(plan: Plan): CheckResult {
  return warn(
    'partial updates while writes are rerouted',
    `from change_pipeline until the clients switch, index.default_pipeline of ${plan.sourceIndex} sends writes to ${plan.deltaIndex}: applications' partial updates (_update, _update_by_query) of documents that live in ${plan.sourceIndex} get 409 version conflicts on the source and change nothing`,
    'Have the applications write whole documents (index) instead of partial updates, or hold those updates until the switch; `ferry audit` counts what was lost. --strategy live has no such window.',
  );
}

/** Only when the source can run pipelines at all (otherwise checkPipelineSupport already says why not). */
async function pipelineRouting(plan: Plan, sides: Sides): Promise<CheckResult[]> {
  const support = await checkPipelineSupport(sides);
  return support.ok ? [await checkDeltaRouting(plan, sides)] : [];
}

/**
 * The dest reads the delta from the source with the source's user and password or API key (the reindex request
 * carries them); a client certificate stays on Ferry's machine, so the dest could not use it.
 */
export function checkReindexCredentials(plan: Plan): CheckResult {
  const name = 'source credentials usable by reindex-from-remote';
  const s = plan.source;
  const url = new URL(s.url);
  const secret = s.password !== undefined || s.apiKey !== undefined || url.password !== '';
  if (secret || s.certFile === undefined)
    return pass(
      name,
      secret ? 'the dest sends the source user (or API key) with the reindex' : 'no credentials',
    );
  return fail(
    name,
    'the source is reached with a client certificate only, which the dest cannot present when it reindexes from the source',
    'Give the source a user and password (FERRY_SOURCE_USERNAME/FERRY_SOURCE_PASSWORD) or an API key for two-pass, or use --strategy live, which reads the source itself.',
  );
}
