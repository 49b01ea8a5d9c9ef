// The preflight of the live strategy.
import { chooseBackfill } from './backfill-choice.js';
import { checkNoClusterBlocks } from './blocks-check.js';
import { checkCarried } from './carry-check.js';
import type { CheckResult } from './check.js';
import { checkLedgerDisk } from './ledger-disk-check.js';
import type { Plan } from './options.js';
import {
  checkDestAbsent,
  checkDisk,
  checkLivePrivileges,
  checkShardLimit,
  checkSourceEnabled,
  checkSourceIndex,
  type Sides,
} from './preflight.js';

export async function liveChecks(plan: Plan, sides: Sides): Promise<CheckResult[]> {
  // First: a user without a privilege would fail the other checks with a less helpful refusal.
  const privileges = await checkLivePrivileges(plan, sides);
  if (!privileges.ok) return [privileges];
  const sourceIndex = await checkSourceIndex(plan, sides);
  if (!sourceIndex.ok) return [privileges, sourceIndex];
  return [
    privileges,
    sourceIndex,
    await checkDestAbsent(plan, sides),
    await checkNoClusterBlocks('dest', sides),
    await checkDisk(plan, sides),
    await checkLedgerDisk(plan, sides),
    await checkShardLimit(plan, sides),
    await checkSourceEnabled(plan, sides),
    ...(await checkCarried(plan, sides)),
    (await chooseBackfill(plan, sides)).check,
  ];
}
