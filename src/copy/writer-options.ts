// Bad writer options fail before anything is sent, with the option named.
import { ConfigError } from '../cluster/errors.js';

interface Checked {
  flushBytes?: number;
  flushIntervalMs?: number;
  concurrency?: number;
  maxDocsPerSecond?: number;
}

export function validateWriterOptions(options: Checked): void {
  positive('flushBytes', options.flushBytes);
  positive('concurrency', options.concurrency);
  positive('maxDocsPerSecond', options.maxDocsPerSecond);
  if (options.flushIntervalMs !== undefined && !(options.flushIntervalMs >= 0)) {
    throw new ConfigError(
      `flushIntervalMs must be 0 or more, got ${options.flushIntervalMs}`,
      'Pass a number of milliseconds; 0 turns the idle flush off.',
    );
  }
}

function positive(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
    throw new ConfigError(
      `${name} must be a positive number, got ${value}`,
      `Pass a positive number for ${name}, or leave it out for the default.`,
    );
  }
}
