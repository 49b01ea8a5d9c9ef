// Chooses the next operation and its target ids. Choices depend only on the PRNG and the oracle's state,
// and picked ids are locked before the caller awaits anything.

import type { OpType } from '../../src/audit/record.js';
import type { OpGate } from './gate.js';
import type { Oracle } from './oracle.js';
import type { Rng } from './prng.js';

export const DEFAULT_WEIGHTS: Record<OpType, number> = {
  index: 3,
  create: 2,
  update: 3,
  scripted_update: 2,
  upsert: 2,
  delete: 1.5,
  conditional_write: 2,
  bulk_index: 1,
  bulk_update: 1,
  bulk_upsert: 1,
  bulk_scripted_update: 1,
  bulk_delete: 0.7,
  delete_by_query: 0.25,
  update_by_query: 0.25,
};

export const BY_QUERY_TYPES: ReadonlySet<OpType> = new Set(['delete_by_query', 'update_by_query']);

/** Where a target id comes from: a present document, a deleted one, or an id never used. */
type Source = 'present' | 'absent' | 'new';

const TARGETS: Record<Exclude<OpType, 'delete_by_query' | 'update_by_query'>, [Source, number][]> = {
  index: [
    ['present', 0.5],
    ['absent', 0.2],
    ['new', 0.3],
  ],
  create: [
    ['absent', 0.3],
    ['new', 0.7],
  ],
  update: [['present', 1]],
  scripted_update: [['present', 1]],
  upsert: [
    ['present', 0.6],
    ['absent', 0.2],
    ['new', 0.2],
  ],
  delete: [['present', 1]],
  conditional_write: [['present', 1]],
  bulk_index: [
    ['present', 0.5],
    ['absent', 0.2],
    ['new', 0.3],
  ],
  bulk_update: [['present', 1]],
  bulk_upsert: [
    ['present', 0.6],
    ['absent', 0.2],
    ['new', 0.2],
  ],
  bulk_scripted_update: [['present', 1]],
  bulk_delete: [['present', 1]],
};

export class Planner {
  private newIds = 0;
  private readonly types: OpType[];
  private readonly cumulative: number[];

  constructor(
    private readonly rng: Rng,
    private readonly oracle: Oracle,
    private readonly gate: OpGate,
    enabled: readonly OpType[],
    weights: Partial<Record<OpType, number>>,
    private readonly newIdPrefix: string,
  ) {
    this.types = enabled.filter((t) => (weights[t] ?? DEFAULT_WEIGHTS[t]) > 0);
    if (this.types.length === 0) throw new RangeError('the workload has no operation type enabled');
    let total = 0;
    this.cumulative = this.types.map((t) => {
      total += weights[t] ?? DEFAULT_WEIGHTS[t];
      return total;
    });
  }

  pickType(): OpType {
    const r = this.rng.next() * (this.cumulative[this.cumulative.length - 1] as number);
    const index = this.cumulative.findIndex((c) => r < c);
    return this.types[index === -1 ? this.types.length - 1 : index] as OpType;
  }

  /** Distinct, now-locked target ids for a single-document or bulk type; empty when none could be found. */
  pickIds(type: OpType): string[] {
    if (BY_QUERY_TYPES.has(type)) return [];
    const count = type.startsWith('bulk_') ? 2 + this.rng.int(3) : 1;
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = this.pickOne(TARGETS[type as keyof typeof TARGETS], ids);
      if (id !== undefined) ids.push(id);
    }
    this.gate.lock(ids);
    return ids;
  }

  private pickOne(targets: [Source, number][], taken: string[]): string | undefined {
    const source = weightedPick(targets, this.rng.next());
    if (source === 'new') return `${this.newIdPrefix}${this.newIds++}`;
    const pool = source === 'present' ? this.oracle.present : this.oracle.absent;
    return pool.pick(this.rng, (id) => !this.gate.isLocked(id) && !taken.includes(id));
  }
}

function weightedPick(targets: [Source, number][], r: number): Source {
  let rest = r;
  for (const [source, probability] of targets) {
    rest -= probability;
    if (rest < 0) return source;
  }
  return (targets[targets.length - 1] as [Source, number])[0];
}
