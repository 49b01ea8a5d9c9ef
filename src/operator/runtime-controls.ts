// The running process's side of the operator's controls: applies the plan's limits at start, then every
// second looks for a `ferry set` request and applies it to the write gate. Every change is recorded in
// `results.controls` (for status and the report) and in the saved plan, so a resume keeps it.
import type { Progress } from '../core/progress.js';
import type { MigrationState } from '../state/migration-state.js';
import {
  applyRequest,
  type ControlChange,
  describeControls,
  type OperatorControls,
  readControlRequest,
} from './controls.js';
import { WriteGate } from './write-gate.js';

const POLL_MS = 1000;
const MAX_CHANGES = 200;
/** Throughput samples kept; when full, every other one is dropped, so a long run keeps its whole shape. */
const MAX_SAMPLES = 1200;

/** One second of writes, for the live page and the report's charts. */
export interface ThroughputSample {
  at: string;
  /** Documents and bytes sent to the dest since the previous sample. */
  docs: number;
  bytes: number;
  /** The step running. */
  phase: string;
  /** The health throttle's share of full speed (1: not throttled). */
  slowdown: number;
}

export interface ControlsRecord {
  current: OperatorControls;
  /** `at` of the last `ferry set` request applied. */
  appliedAt?: string;
  changes: ControlChange[];
}

export interface RuntimeControls {
  gate: WriteGate;
  switchPostponed(): boolean;
  /** Reads a pending request now (tests and step boundaries need no second's wait). */
  poll(): Promise<void>;
  stop(): void;
}

export interface RuntimeControlsInput {
  dir: string;
  state: MigrationState;
  save(): Promise<void>;
  progress: Progress;
  /** The plan's limits (flags and plan file of this run, or those saved by earlier runs). */
  initial: OperatorControls;
}

export function startRuntimeControls(input: RuntimeControlsInput): RuntimeControls {
  const { state } = input;
  const gate = new WriteGate();
  const record: ControlsRecord = state.results.controls ?? {
    current: {},
    changes: [],
  };
  record.current = { ...input.initial };
  state.results.controls = record;
  gate.setLimits(record.current);
  let busy = false;
  const poll = async () => {
    if (busy) return;
    busy = true;
    try {
      const request = await readControlRequest(input.dir);
      if (!request || (record.appliedAt && request.at <= record.appliedAt)) return;
      const { next, changes } = applyRequest(record.current, request);
      record.appliedAt = request.at;
      record.current = next;
      record.changes.push(...changes);
      if (record.changes.length > MAX_CHANGES) record.changes.splice(0, record.changes.length - MAX_CHANGES);
      gate.setLimits(next);
      Object.assign(state.plan, { controls: next });
      if (changes.length > 0)
        input.progress.info(
          `operator controls changed (${changes.map((c) => `${c.key} ${String(c.from)} -> ${String(c.to)}`).join(', ')}): ${describeControls(next)}`,
        );
      await input.save();
    } finally {
      busy = false;
    }
  };
  let sent = { docs: 0, bytes: 0 };
  const sample = () => {
    const phase = Object.entries(state.steps).find(([, r]) => r.status === 'running')?.[0];
    if (!phase) return;
    const samples = state.results.throughput ?? [];
    samples.push({
      at: new Date().toISOString(),
      docs: gate.totals.docs - sent.docs,
      bytes: gate.totals.bytes - sent.bytes,
      phase,
      slowdown: gate.slowdown,
    });
    sent = { docs: gate.totals.docs, bytes: gate.totals.bytes };
    state.results.throughput = samples.length > MAX_SAMPLES ? thin(samples) : samples;
  };
  const timer = setInterval(() => {
    sample();
    poll().catch((error: unknown) =>
      input.progress.warn(`could not read the operator controls: ${String(error)}`),
    );
  }, POLL_MS);
  timer.unref();
  return {
    gate,
    switchPostponed: () => record.current.postponeSwitch === true,
    poll,
    stop: () => clearInterval(timer),
  };
}

/** Halves a series by merging neighbours (sums of documents and bytes stay right). */
function thin(samples: ThroughputSample[]): ThroughputSample[] {
  const out: ThroughputSample[] = [];
  for (let i = 0; i + 1 < samples.length; i += 2) {
    const [a, b] = [samples[i]!, samples[i + 1]!];
    out.push({
      ...b,
      docs: a.docs + b.docs,
      bytes: a.bytes + b.bytes,
      slowdown: Math.min(a.slowdown, b.slowdown),
    });
  }
  if (samples.length % 2 === 1) out.push(samples[samples.length - 1]!);
  return out;
}

// This module's part of the state's results (the record every reader of state.results then sees typed).
declare module '../state/migration-state.js' {
  interface MigrationResults {
    /** The operator's runtime controls: what was asked and what is applied. */
    controls?: ControlsRecord;
    /** Recent write throughput samples (thinned past a maximum). */
    throughput?: ThroughputSample[];
  }
}
