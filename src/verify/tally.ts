// Running totals of a verification, turned into the result at the end.
import type { RecheckOutcome } from './recheck.js';
import { DIFF_CLASSES, type DiffClass, type ReportedDifference, type VerifyResult } from './types.js';

const EXAMPLES = 10;

type ResultRest = Omit<VerifyResult, 'equal' | 'counts' | 'inFlux' | 'resolved' | 'examples'>;

export class Tally {
  private readonly counts = Object.fromEntries(DIFF_CLASSES.map((c) => [c, 0])) as Record<DiffClass, number>;
  private inFlux = 0;
  private resolved = 0;
  private readonly examples: ReportedDifference[] = [];

  add(outcome: RecheckOutcome): void {
    this.resolved += outcome.resolved;
    for (const d of outcome.reported) {
      if (d.inFlux) this.inFlux++;
      else this.counts[d.class]++;
      if (this.examples.length < EXAMPLES) this.examples.push(d);
    }
  }

  get differing(): number {
    return this.inFlux + Object.values(this.counts).reduce((a, b) => a + b, 0);
  }

  brief(): string {
    return this.differing === 0 ? 'no differences' : `${this.differing} differing`;
  }

  result(rest: ResultRest): VerifyResult {
    return {
      ...rest,
      equal: this.differing === 0 && rest.definition.length === 0,
      counts: { ...this.counts },
      inFlux: this.inFlux,
      resolved: this.resolved,
      examples: [...this.examples],
    };
  }
}
