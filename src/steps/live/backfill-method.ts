// The live strategy holds both backfills in its flat step list (create_dest_index + backfill for the copy;
// snapshot_source, restore_dest, fill_ledger for snapshot/restore). The preflight records which one this migration
// uses; the runner skips each step of the other one (recorded done, saying why, no hooks), so the list reads the
// same for every migration.
import type { BackfillMethod } from '../../plan/backfill-choice.js';
import type { Plan } from '../../plan/options.js';
import type { MigrationState } from '../../state/migration-state.js';
import type { Step } from '../step.js';

/** The method the preflight chose; states written before there was a choice copied. */
export function backfillMethod(state: MigrationState): BackfillMethod {
  return state.results.backfillMethod?.method ?? 'copy';
}

/** `step` runs only when the migration backfills by `method`; otherwise the runner skips it. */
export function onlyFor(method: BackfillMethod, step: Step): Step {
  return {
    ...step,
    describe: (plan) => describeFor(method, plan, step.describe(plan)),
    skip: (state) =>
      backfillMethod(state) === method ? undefined : `not used: the backfill is a ${backfillMethod(state)}`,
  };
}

function describeFor(method: BackfillMethod, plan: Plan, lines: string[]): string[] {
  const other = method === 'snapshot' ? 'copy' : 'snapshot';
  if (plan.backfill === other) return [`not used (--backfill ${other})`];
  if (plan.backfill === method) return lines;
  return lines.map((l) => `${method === 'snapshot' ? 'snapshot backfill' : 'copy backfill'}: ${l}`);
}
