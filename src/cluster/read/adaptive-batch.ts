// Batch size follows the destination: grow while bulks answer fast and clean, halve on rejections or slowness.
// Additive increase, multiplicative decrease, the same shape TCP uses for the same reason.

export interface BatchLimits {
  minBytes: number;
  maxBytes: number;
  /** A bulk answering slower than this means the destination is working hard. */
  targetMs: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = {
  minBytes: 256 * 1024,
  maxBytes: 8 * 1024 * 1024,
  targetMs: 2_000,
} as const;

export interface BulkOutcome {
  tookMs: number;
  /** Items (or the whole request) rejected as busy. */
  rejected: number;
}

export function nextBatchBytes(current: number, outcome: BulkOutcome, limits: BatchLimits): number {
  let next = current;
  if (outcome.rejected > 0 || outcome.tookMs > limits.targetMs) next = current / 2;
  else if (outcome.tookMs < limits.targetMs / 2) next = current + Math.max(limits.minBytes / 2, current / 8);
  return Math.round(Math.min(limits.maxBytes, Math.max(limits.minBytes, next)));
}
