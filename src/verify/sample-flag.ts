// `--sample` as an operator writes it: a percentage of the documents, bare (1 = 1%, as Ferry has always read it)
// or with its sign (1%). Anything outside (0, 100] is refused naming what was given, never read as something else.
import { ConfigError } from '../core/errors.js';

/** The fraction of ids to check, in (0, 1]. */
export function parseSample(text: string): number {
  const trimmed = text.trim();
  const digits = trimmed.endsWith('%') ? trimmed.slice(0, -1) : trimmed;
  const percent = digits === '' ? Number.NaN : Number(digits);
  if (percent > 0 && percent <= 100) return percent / 100;
  throw new ConfigError(
    `--sample ${text}: give the percentage of documents to check, above 0 and at most 100 (1 or 1% checks 1%).`,
    'For every document leave --sample out (or give 100); for a tenth of a percent write --sample 0.1.',
  );
}
