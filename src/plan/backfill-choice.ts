// How the live backfill fills the dest: snapshot/restore (the engines' own copy: 5-9x faster than a document copy
// on the bench, and it keeps `_seq_no`, versions and routing), or the sliced document copy where the clusters
// cannot share a snapshot. `auto` snapshots only into a repository the operator named, so a migration never
// writes into a repository by chance; every fallback says why, in the plan and in the state.
import { canRestoreSnapshot, engineLabel } from '../cluster/engine.js';
import { missingPrivileges } from '../cluster/privileges.js';
import { liveSnapshotPrivileges } from '../cluster/snapshot-privileges.js';
import { getRepository, verifyRepository } from '../cluster/snapshots.js';
import { type CheckResult, fail, pass, warn } from './check.js';
import type { Plan } from './options.js';
import { checkRepository, type Sides } from './preflight.js';

export type BackfillMethod = 'snapshot' | 'copy';

export interface BackfillChoice {
  method: BackfillMethod;
  /** Why this method, in words for the plan, the state and the report. */
  reason: string;
}

const CHECK = 'backfill method';

export async function chooseBackfill(
  plan: Plan,
  sides: Sides,
): Promise<{ choice: BackfillChoice; check: CheckResult }> {
  const why = await snapshotImpossible(plan, sides);
  if (why === undefined) {
    const reason = `snapshot/restore through repository ${plan.repository.name} (${engineLabel(sides.source.engine)} -> ${engineLabel(sides.dest.engine)})`;
    return { choice: { method: 'snapshot', reason }, check: pass(CHECK, reason) };
  }
  const choice: BackfillChoice = { method: 'copy', reason: `sliced copy: ${why}` };
  if (plan.backfill === 'snapshot')
    return {
      choice,
      check: fail(
        CHECK,
        `--backfill snapshot is not possible: ${why}`,
        'Fix what is named: register the repository on both clusters (or give --repository-location inside path.repo on both), grant the snapshot privileges (README, "Privileges"); or use --backfill auto or copy. Nothing was changed.',
      ),
    };
  const check =
    plan.backfill === 'auto' && plan.repositoryGiven
      ? warn(
          CHECK,
          choice.reason,
          'Fix what is named to backfill by snapshot/restore, or go on with the copy.',
        )
      : pass(CHECK, choice.reason);
  return { choice, check };
}

/** Why the dest cannot be filled from a snapshot of the source; undefined when it can. */
async function snapshotImpossible(plan: Plan, sides: Sides): Promise<string | undefined> {
  if (plan.backfill === 'copy') return '--backfill copy was asked for';
  if (plan.backfill === 'auto' && !plan.repositoryGiven)
    return 'no snapshot repository was named (--repository, or repository: in the plan file)';
  const { source, dest } = sides;
  if (!canRestoreSnapshot(source.engine, dest.engine))
    return `${engineLabel(source.engine)} -> ${engineLabel(dest.engine)}: the dest cannot restore this source's snapshots (a different engine or an older version)`;
  const refused = await missingPrivileges(
    sides,
    { source: plan.sourceIndex, dest: plan.destIndex },
    liveSnapshotPrivileges({ registers: plan.repository.location !== undefined }),
  );
  if (refused.length > 0)
    return refused
      .map(
        (m) => `the ${m.privilege.side} user lacks ${m.privilege.name} (needed by ${m.privilege.neededBy})`,
      )
      .join('; ');
  const repository = await checkRepository(plan, sides);
  if (!repository.ok) return `the snapshot repository ${repository.detail}`;
  for (const [side, client] of [
    ['source', source],
    ['dest', dest],
  ] as const) {
    // A repository Ferry registers itself (--repository-location) is verified when it registers it.
    if (!(await getRepository(client, plan.repository.name))) continue;
    const verified = await verifyRepository(client, plan.repository.name);
    if (!verified.ok)
      return `repository ${plan.repository.name} does not verify on the ${side}: ${verified.reason}`;
  }
  return undefined;
}

// This module's part of the state's results (the record every reader of state.results then sees typed).
declare module '../state/migration-state.js' {
  interface MigrationResults {
    /** The backfill method the preflight chose, and why. */
    backfillMethod?: BackfillChoice;
  }
}
