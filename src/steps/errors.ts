// Errors of the step runner and the steps: a step failed, or its effect is not there after it ran.
import { FerryError } from '../core/errors.js';

/** A step ran but its effect is not what it must be; the runner stops and says which step and why. */
export class StepVerificationError extends FerryError {}

/** A step failed; carries the step name and the cause (umzug style). */
export class StepError extends FerryError {
  readonly step: string;
  constructor(step: string, cause: unknown) {
    const message = cause instanceof Error ? cause.message : String(cause);
    super(
      `Step ${step} failed: ${message}`,
      cause instanceof FerryError ? cause.hint : 'Fix the cause above, then run `ferry resume`.',
      { cause },
    );
    this.step = step;
  }
}
