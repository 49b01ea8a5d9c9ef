// Lag samples (one per capture round, the last few hundred kept) summarised: now, the maximum, how many rounds.
// The one summary `ferry status` and its text form share.

export interface LagSample {
  at: string;
  ops: number;
  seconds: number;
}

export interface LagSummary {
  nowOps: number;
  nowSeconds: number;
  maxOps: number;
  maxSeconds: number;
  rounds: number;
  /** When the latest sample was taken. */
  at: string;
}

export function summariseLagSamples(samples: readonly LagSample[]): LagSummary | undefined {
  const last = samples[samples.length - 1];
  if (!last) return undefined;
  return {
    nowOps: last.ops,
    nowSeconds: last.seconds,
    maxOps: Math.max(...samples.map((s) => s.ops)),
    maxSeconds: Math.max(...samples.map((s) => s.seconds)),
    rounds: samples.length,
    at: last.at,
  };
}
