// How long a step took, in words. A step resumed after a wait or a stop spans the wait too: the time its last
// attempt took is what the operator asks about, the whole span beside it.

import { formatDuration } from '../core/time.js';
import type { StepRecord } from '../state/migration-state.js';

/** `1s`, `1s, 2 attempts over 19s`, `2 attempts` (not finished), or '' (not started). */
export function describeStepTime(step: StepRecord): string {
  const attempts = step.attempts > 1 ? `${step.attempts} attempts` : '';
  if (!step.startedAt || !step.finishedAt) return attempts;
  const end = Date.parse(step.finishedAt);
  const span = formatDuration((end - Date.parse(step.startedAt)) / 1000);
  if (!attempts) return span;
  // A state saved before attemptStartedAt existed knows the span only.
  if (!step.attemptStartedAt) return `${span} over ${attempts}`;
  return `${formatDuration((end - Date.parse(step.attemptStartedAt)) / 1000)}, ${attempts} over ${span}`;
}
