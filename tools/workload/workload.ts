// The mixed-workload generator: a few workers send seeded, paced operations to the current target, and the
// oracle (oracle.ts) records what the client saw. `switchTo` moves later operations to another cluster.

import {
  type DocSource,
  OP_TYPES,
  type OpType,
  type Side,
  type WorkloadReport,
} from '../../src/audit/record.js';
import type { ClusterClient } from '../../src/cluster/client.js';
import { realSleep, type Sleep } from '../../src/core/time.js';
import { execute } from './execute.js';
import { detectFeatures, unsupported, type WorkloadFeatures } from './features.js';
import { OpGate } from './gate.js';
import { Oracle } from './oracle.js';
import { Pacer } from './pacer.js';
import { BY_QUERY_TYPES, Planner } from './planner.js';
import { createRng } from './prng.js';

/** Where the application writes: a cluster and an index on it. */
export interface Target {
  client: ClusterClient;
  index: string;
}

export interface WorkloadOptions {
  target: Target;
  seed: number;
  /** Operation starts per second, all workers together. */
  rate: number;
  /** Operations in flight at once; default 2. */
  concurrency?: number;
  /** The documents the index holds at the start (from loadInitial or loadCities). */
  initial: ReadonlyMap<string, DocSource>;
  /** Types to run; default all that the engine supports. */
  types?: readonly OpType[];
  weights?: Partial<Record<OpType, number>>;
  /** Skip the engine probe: say what the engine can do. */
  features?: WorkloadFeatures;
  /** Range of `grp` values in new documents; default about one per five initial documents. */
  groups?: number;
  /** Prefix of ids the workload creates; default "w". */
  newIdPrefix?: string;
  /** Keep every successful write in order (memory grows with the run); default true. */
  keepHistory?: boolean;
  clock?: () => number;
  sleep?: Sleep;
}

export interface Workload {
  /** Later operations go to this cluster and index (applications moving to the destination). */
  switchTo(client: ClusterClient, index: string): void;
  /** Runs `during` with no operation in flight and none starting (e.g. copy the index, then switch). */
  whilePaused<T>(during: () => Promise<T>): Promise<T>;
  /** Waits for operations in flight, then reports. Rethrows an unexpected (non-HTTP) error a worker hit. */
  stop(): Promise<WorkloadReport>;
  readonly oracle: Oracle;
  readonly disabled: readonly { type: OpType; reason: string }[];
}

export async function startWorkload(options: WorkloadOptions): Promise<Workload> {
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const features = options.features ?? (await detectFeatures(options.target.client, options.target.index));
  const wanted = options.types ?? OP_TYPES;
  const disabled = wanted.flatMap((type) => {
    const reason = unsupported(type, features);
    return reason ? [{ type, reason }] : [];
  });
  const enabled = wanted.filter((type) => !disabled.some((d) => d.type === type));
  const rng = createRng(options.seed);
  const oracle = new Oracle(options.initial, options.keepHistory ?? true);
  const gate = new OpGate();
  const planner = new Planner(rng, oracle, gate, enabled, options.weights ?? {}, options.newIdPrefix ?? 'w');
  const groups = options.groups ?? Math.max(4, Math.floor(options.initial.size / 5));
  const pacer = new Pacer(options.rate, clock);
  const started = clock();
  const switches: number[] = [];
  let target: Target & { side: Side } = { ...options.target, side: 'source' };
  let stopped = false;
  let fatal: unknown;
  let opSeq = 0;

  const runOne = async (type: OpType): Promise<void> => {
    const ids = planner.pickIds(type);
    if (ids.length === 0 && !BY_QUERY_TYPES.has(type)) return;
    const { client, index, side } = target;
    const opId = `${options.newIdPrefix ?? 'w'}op${opSeq++}`;
    try {
      const outcome = await execute({ client, index, opId, rng, groups, oracle }, type, ids);
      oracle.record(type, side, opId, clock(), outcome);
    } finally {
      gate.unlock(ids);
    }
  };

  const worker = async (): Promise<void> => {
    while (!stopped) {
      const wait = pacer.reserve();
      if (wait > 0) await sleep(wait);
      if (stopped) return;
      const type = planner.pickType();
      if (BY_QUERY_TYPES.has(type)) await gate.withExclusive(() => runOne(type));
      else await gate.withShared(() => runOne(type));
    }
  };

  const workers = Array.from({ length: options.concurrency ?? 2 }, () =>
    worker().catch((error: unknown) => {
      fatal ??= error;
      stopped = true;
    }),
  );

  return {
    oracle,
    disabled,
    whilePaused: (during) => gate.withExclusive(during),
    switchTo(client, index) {
      target = { client, index, side: 'dest' };
      switches.push(clock());
    },
    async stop() {
      stopped = true;
      await Promise.all(workers);
      if (fatal) throw fatal;
      return {
        ops: oracle.ops,
        errors: oracle.errors,
        expected: oracle.expected,
        observed: oracle.observed,
        lastOpByType: oracle.lastOpByType(),
        lastWrite: oracle.lastWrite,
        divergences: oracle.divergences,
        history: oracle.history,
        uncertain: oracle.uncertain,
        disabled,
        switches,
        durationMs: clock() - started,
      };
    },
  };
}
