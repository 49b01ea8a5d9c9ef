// The seed's count checks record their counts twice: in the step's data and, for the report, in the results.
// Their verify checks that record: present in both places, whole, and agreeing with what the run decided.
import { StepVerificationError } from '../errors.js';
import type { StepContext } from '../step.js';

export type Counts = Record<string, number>;

/** What a count step records: its counts and whether they agree. */
export interface CountsRecord {
  result?: Record<string, number | boolean> & { equal: boolean };
}

export function verifyCountRecord(
  ctx: StepContext<CountsRecord>,
  reportKey: string,
  countsAgree: (counts: Counts) => boolean,
): Counts {
  const recorded: Record<string, unknown> | undefined = ctx.data.result;
  const again = 'Run `ferry resume` to count again.';
  if (!recorded) throw new StepVerificationError(`${reportKey} were not recorded`, again);
  if (JSON.stringify(ctx.state.results[reportKey]) !== JSON.stringify(recorded))
    throw new StepVerificationError(`${reportKey} in the report differ from the step's record`, again);
  const { equal, ...counts } = recorded;
  if (!Object.values(counts).every((n) => Number.isInteger(n) && (n as number) >= 0))
    throw new StepVerificationError(`${reportKey} hold a value that is not a count`, again);
  if (equal !== countsAgree(counts as Counts))
    throw new StepVerificationError(
      `${reportKey} ${JSON.stringify(counts)} are recorded with equal=${String(equal)}, which they contradict`,
      again,
    );
  if (!equal && !ctx.flags.acceptCountDrift)
    throw new StepVerificationError(
      `${reportKey} differ and --accept-count-drift was not given`,
      'Run `ferry resume --accept-count-drift` to go on as the seed method would.',
    );
  return counts as Counts;
}

// This module's part of the state's results (the record every reader of state.results then sees typed).
declare module '../../state/migration-state.js' {
  interface MigrationResults {
    /** The seed's count checks (steps 2.1 and 3.1). */
    firstPassCounts?: CountsRecord['result'];
    secondPassCounts?: CountsRecord['result'];
  }
}
