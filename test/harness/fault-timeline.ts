// When each fault of a scenario struck and ended, and how long Ferry took to recover from it: the time from the
// fault's start until the first sync round after its end that found the destination caught up again.

import type { MigrationState } from '../../src/state/migration-state.js';
import type { LagSample } from '../../src/sync/lag.js';

/** Lag (operations) at or below which a round counts as caught up: sync's own "caught up" threshold. */
const CAUGHT_UP_OPS = 100;

export interface FaultSpan {
  name: string;
  startedAt: number;
  endedAt: number;
}

export class FaultTimeline {
  readonly spans: FaultSpan[] = [];

  /** Runs one fault (strike and heal) and records its span. */
  async run(name: string, fault: () => Promise<void>): Promise<void> {
    const startedAt = Date.now();
    await fault();
    this.spans.push({ name, startedAt, endedAt: Date.now() });
  }

  /** One line per fault: its length and Ferry's recovery time, read from the migration's lag samples. */
  describe(state: MigrationState | undefined): string[] {
    return this.spans.map((s) => {
      const back = recoveredAt(state, s.endedAt);
      const took = back === undefined ? 'not seen' : `${((back - s.startedAt) / 1000).toFixed(1)} s`;
      const during = lagSamples(state).filter((l) => {
        const at = Date.parse(l.at);
        return at >= s.startedAt && at <= (back ?? s.endedAt);
      });
      const worst = during.reduce((m, l) => (l.ops > m.ops ? l : m), { ops: 0, seconds: 0 });
      return `${s.name}: lasted ${((s.endedAt - s.startedAt) / 1000).toFixed(1)} s, Ferry caught up ${took} after it struck (${during.length} sync rounds meanwhile, worst lag ${worst.ops} ops / ${worst.seconds} s)`;
    });
  }

  /** Seconds from each fault's start to Ferry's recovery (undefined when not seen). */
  recoverySeconds(state: MigrationState | undefined): (number | undefined)[] {
    return this.spans.map((s) => {
      const back = recoveredAt(state, s.endedAt);
      return back === undefined ? undefined : (back - s.startedAt) / 1000;
    });
  }
}

function lagSamples(state: MigrationState | undefined): LagSample[] {
  return (state?.results.lag as LagSample[] | undefined) ?? [];
}

/** The first caught-up round at or after `after` (epoch ms). */
function recoveredAt(state: MigrationState | undefined, after: number): number | undefined {
  const sample = lagSamples(state).find((l) => Date.parse(l.at) >= after && l.ops <= CAUGHT_UP_OPS);
  return sample ? Date.parse(sample.at) : undefined;
}
