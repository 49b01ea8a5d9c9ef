// Strategy name → its steps and preflight.
import { ConfigError } from '../core/errors.js';
import type { CheckResult } from '../plan/check.js';
import { liveChecks } from '../plan/live-checks.js';
import type { Plan } from '../plan/options.js';
import type { Sides } from '../plan/preflight.js';
import { twoPassChecks } from '../plan/two-pass-checks.js';
import type { Step } from '../steps/step.js';
import { LIVE_STEPS } from './live.js';
import { TWO_PASS_STEPS } from './two-pass.js';

export interface Strategy {
  name: Plan['strategy'];
  steps: readonly Step[];
  checks(plan: Plan, sides: Sides): Promise<CheckResult[]>;
}

const STRATEGIES: Record<Plan['strategy'], Strategy> = {
  'two-pass': { name: 'two-pass', steps: TWO_PASS_STEPS, checks: twoPassChecks },
  live: { name: 'live', steps: LIVE_STEPS, checks: liveChecks },
};

export function strategyFor(name: Plan['strategy']): Strategy {
  const strategy = STRATEGIES[name];
  if (!strategy)
    throw new ConfigError(`Unknown strategy "${name}".`, 'Use --strategy live or --strategy two-pass.');
  return strategy;
}
