// The preflight of the two-pass strategy: every check its steps rely on.
import type { CheckResult } from '../plan/check.js';
import type { Plan } from '../plan/options.js';
import {
  checkDeltaAbsent,
  checkDeltaRouting,
  checkDestAbsent,
  checkDisk,
  checkExistingPipeline,
  checkPipelineSupport,
  checkReindexSupport,
  checkRemoteAllowlist,
  checkRepository,
  checkShardLimit,
  checkSnapshotCompatible,
  checkSourceEnabled,
  checkSourceIndex,
  type Sides,
} from '../plan/preflight.js';

export async function twoPassChecks(plan: Plan, sides: Sides): Promise<CheckResult[]> {
  const sourceIndex = await checkSourceIndex(plan, sides);
  if (!sourceIndex.ok) return [sourceIndex];
  return [
    sourceIndex,
    await checkDestAbsent(plan, sides),
    await checkDeltaAbsent(plan, sides),
    await checkDisk(plan, sides),
    await checkShardLimit(plan, sides),
    await checkRepository(plan, sides),
    checkSnapshotCompatible(sides),
    await checkRemoteAllowlist(plan, sides),
    await checkPipelineSupport(sides),
    ...(await pipelineRouting(plan, sides)),
    await checkReindexSupport(sides),
    await checkExistingPipeline(plan, sides),
    await checkSourceEnabled(plan, sides),
  ];
}

/** Only when the source can run pipelines at all (otherwise checkPipelineSupport already says why not). */
async function pipelineRouting(plan: Plan, sides: Sides): Promise<CheckResult[]> {
  const support = await checkPipelineSupport(sides);
  return support.ok ? [await checkDeltaRouting(plan, sides)] : [];
}
