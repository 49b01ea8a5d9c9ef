// The health throttle (gh-ost's throttler): off the hot path, every few seconds it reads both clusters' node
// stats, decides "throttled, why", and sets the write gate's speed. Writers only ever wait at the gate; the
// readers follow, because each page is written before the next is read. It halves the speed while a reason
// lasts and gives it back by half again per calm reading; it logs and records only changes.
import type { ClusterClient } from '../cluster/client.js';
import { nodePressure } from '../cluster/node-pressure.js';
import type { Progress } from '../core/progress.js';
import type { MigrationState } from '../state/migration-state.js';
import { assess, type Baselines, type DiskLimit, type Reading } from './health-assessment.js';
import type { WriteGate } from './write-gate.js';

const TICK_MS = 2000;
const MIN_FACTOR = 0.05;
const MAX_EVENTS = 200;

export interface ThrottleEvent {
  at: string;
  throttled: boolean;
  /** Share of full speed after this reading. */
  factor: number;
  reason: string;
}

export interface ThrottleRecord {
  throttled: boolean;
  factor: number;
  reason: string;
  since?: string;
  /** Readings taken, and how many found a reason. */
  checks: number;
  throttledChecks: number;
  events: ThrottleEvent[];
}

export interface HealthThrottleInput {
  source: ClusterClient;
  dest: ClusterClient;
  gate: WriteGate;
  state: MigrationState;
  progress: Progress;
  tickMs?: number;
}

export function startHealthThrottle(input: HealthThrottleInput): { stop(): void } {
  const { gate, state, progress } = input;
  // A resumed run goes on counting where the stopped one left off: the report's counts and events cover the
  // whole migration (its counts once restarted from 0 beside the earlier events: "0 of 0 checks", then a throttle).
  const earlier = state.results.throttle;
  const record: ThrottleRecord = {
    throttled: false,
    factor: 1,
    reason: '',
    checks: earlier?.checks ?? 0,
    throttledChecks: earlier?.throttledChecks ?? 0,
    events: earlier?.events ?? [],
  };
  state.results.throttle = record;
  const base: Baselines = {};
  let disk: DiskLimit | undefined;
  let last: Reading | undefined;
  let failing = false;
  let stopped = false;
  const read = async (): Promise<Reading> => {
    const [source, dest] = await Promise.all([nodePressure(input.source), nodePressure(input.dest)]);
    const t = gate.totals;
    return {
      at: Date.now(),
      source,
      dest,
      gate: { bulks: t.bulks, bulkMs: t.bulkMs, busy: t.busy },
      block: gate.block,
    };
  };
  const tick = async () => {
    disk ??= await diskLimit(input.dest);
    const now = await read();
    if (last) decide(assess(last, now, base, disk));
    last = now;
  };
  const decide = (reasons: string[]) => {
    record.checks++;
    const reason = reasons.join('; ');
    if (reasons.length > 0) record.throttledChecks++;
    const factor =
      reasons.length > 0 ? Math.max(MIN_FACTOR, record.factor / 2) : Math.min(1, record.factor * 2);
    gate.setSlowdown(factor);
    const throttled = factor < 1;
    const changed = throttled !== record.throttled || (reasons.length > 0 && reason !== record.reason);
    record.factor = factor;
    if (!changed) return;
    const at = new Date().toISOString();
    record.throttled = throttled;
    record.reason = throttled ? reason || record.reason : '';
    record.since = at;
    record.events.push({
      at,
      throttled,
      factor,
      reason: reason || (throttled ? 'recovering' : 'clusters calm'),
    });
    if (record.events.length > MAX_EVENTS) record.events.splice(0, record.events.length - MAX_EVENTS);
    progress.info(
      throttled
        ? `throttled to ${Math.round(factor * 100)}% speed: ${record.reason}`
        : 'throttle lifted: both clusters calm',
    );
  };
  const loop = async () => {
    while (!stopped) {
      try {
        await tick();
        failing = false;
      } catch (error) {
        // A node restarting answers nothing for a while; the last decision stands meanwhile.
        if (!failing) progress.warn(`health throttle: could not read node stats (${String(error)})`);
        failing = true;
      }
      await new Promise((r) => setTimeout(r, input.tickMs ?? TICK_MS).unref());
    }
  };
  void loop();
  return {
    stop: () => {
      stopped = true;
    },
  };
}

async function diskLimit(dest: ClusterClient): Promise<DiskLimit> {
  const settings = await dest.clusterSettings();
  return {
    enabled: String(settings['cluster.routing.allocation.disk.threshold_enabled'] ?? 'true') !== 'false',
    highWatermark: String(settings['cluster.routing.allocation.disk.watermark.high'] ?? '90%'),
  };
}

// This module's part of the state's results (the record every reader of state.results then sees typed).
declare module '../state/migration-state.js' {
  interface MigrationResults {
    /** The health throttle's state: its current limit and why. */
    throttle?: ThrottleRecord;
  }
}
