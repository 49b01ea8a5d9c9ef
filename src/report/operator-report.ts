// The operator's part of the report: hooks that ran, limits and their changes, throttling and why.

import type { OperatorControls } from '../operator/controls.js';
import { describeControls } from '../operator/controls.js';
import type { ThrottleRecord } from '../operator/health-throttle.js';
import { HOOK_EVENTS, type Hooks } from '../operator/hooks.js';
import type { ThroughputSample } from '../operator/runtime-controls.js';
import type { MigrationResults } from '../state/migration-state.js';

export function operatorReport(results: MigrationResults): string[] {
  const lines: string[] = [];
  const hooks = results.hooks;
  if (hooks && hooks.length > 0) {
    lines.push('', 'hooks:');
    for (const h of hooks)
      lines.push(
        `  ${h.at} ${h.event}${h.phase ? ` (${h.phase})` : ''}: ${h.ok ? 'ok' : `FAILED (exit ${String(h.exitCode)})`} in ${h.ms} ms: ${h.command}`,
      );
  }
  const controls = results.controls;
  if (controls) {
    lines.push('', `operator limits: ${describeControls(controls.current)}`);
    for (const c of controls.changes)
      lines.push(`  ${c.at} ${c.by}: ${c.key} ${String(c.from ?? 'none')} -> ${String(c.to ?? 'none')}`);
  }
  const throttle = results.throttle;
  if (throttle) {
    lines.push(
      '',
      `health throttle: ${throttle.throttledChecks} of ${throttle.checks} checks found a reason to slow down`,
    );
    for (const e of throttle.events)
      lines.push(
        `  ${e.at} ${e.throttled ? `throttled to ${Math.round(e.factor * 100)}%` : 'lifted'}: ${e.reason}`,
      );
  }
  return lines;
}

/** What `ferry plan` says of the operator's settings: the limits a run starts with and the hook of each event. */
export function operatorPlan(settings: { controls: OperatorControls; hooks: Hooks }): string[] {
  const hooks = HOOK_EVENTS.filter((e) => settings.hooks[e]).map((e) => `  hook ${e}: ${settings.hooks[e]}`);
  return [
    `  limits: ${describeControls(settings.controls)} (change them while it runs: ferry set)`,
    ...(hooks.length > 0 ? hooks : ['  hooks: none']),
  ];
}

/** The operator's lines of `ferry status`: speed now, throttling (when and why), limits. */
export function operatorStatus(results: MigrationResults): string[] {
  const lines: string[] = [];
  const samples = results.throughput;
  if (samples && samples.length > 1) lines.push(`throughput: ${summariseThroughput(samples)}`);
  const throttle = results.throttle;
  if (throttle) lines.push(`throttle: ${summariseThrottle(throttle)}`);
  const controls = results.controls;
  if (controls)
    lines.push(`limits: ${describeControls(controls.current)} (changes: ${controls.changes.length})`);
  return lines;
}

/** Writes per second to the dest over the last samples (about ten seconds). */
function summariseThroughput(samples: ThroughputSample[]): string {
  const recent = samples.slice(-11);
  const seconds = Math.max(0.001, (Date.parse(recent.at(-1)!.at) - Date.parse(recent[0]!.at)) / 1000);
  const docs = recent.slice(1).reduce((sum, s) => sum + s.docs, 0);
  const bytes = recent.slice(1).reduce((sum, s) => sum + s.bytes, 0);
  return `${Math.round(docs / seconds)} docs/s, ${(bytes / seconds / 1e6).toFixed(2)} MB/s over the last ${seconds.toFixed(0)} s (${recent.at(-1)!.phase})`;
}

/** Now, and the last change: when and why it throttled. */
function summariseThrottle(t: ThrottleRecord): string {
  const now = t.throttled
    ? `throttled to ${Math.round(t.factor * 100)}% since ${t.since}: ${t.reason}`
    : 'not throttled';
  const last = t.events.filter((e) => e.throttled).at(-1);
  return `${now}; ${t.throttledChecks} of ${t.checks} health checks found a reason${last && !t.throttled ? `; last throttled at ${last.at}: ${last.reason}` : ''}`;
}
