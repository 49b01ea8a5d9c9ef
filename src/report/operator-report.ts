// The operator's part of the report: hooks that ran, limits and their changes, throttling and why.

import { describeControls } from '../operator/controls.js';
import type { HookRecord } from '../operator/hooks.js';
import type { ControlsRecord } from '../operator/runtime-controls.js';

export function operatorReport(results: Record<string, unknown>): string[] {
  const lines: string[] = [];
  const hooks = results.hooks as HookRecord[] | undefined;
  if (hooks && hooks.length > 0) {
    lines.push('', 'hooks:');
    for (const h of hooks)
      lines.push(
        `  ${h.at} ${h.event}${h.phase ? ` (${h.phase})` : ''}: ${h.ok ? 'ok' : `FAILED (exit ${String(h.exitCode)})`} in ${h.ms} ms: ${h.command}`,
      );
  }
  const controls = results.controls as ControlsRecord | undefined;
  if (controls) {
    lines.push('', `operator limits: ${describeControls(controls.current)}`);
    for (const c of controls.changes)
      lines.push(`  ${c.at} ${c.by}: ${c.key} ${String(c.from ?? 'none')} -> ${String(c.to ?? 'none')}`);
  }
  return lines;
}
