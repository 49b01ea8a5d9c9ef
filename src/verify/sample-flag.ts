// `--sample` as an operator writes it: a fraction of the documents (0.01) or a percentage (1%). A bare number
// above 1 is refused rather than guessed at: "5" could mean 5% or be a typo for 0.5.
import { ConfigError } from '../cluster/errors.js';

/** The fraction of ids to check, in (0, 1]. */
export function parseSample(text: string): number {
  const trimmed = text.trim();
  const percent = trimmed.endsWith('%');
  const digits = percent ? trimmed.slice(0, -1) : trimmed;
  const number = digits === '' ? Number.NaN : Number(digits);
  const fraction = percent ? number / 100 : number;
  if (fraction > 0 && fraction <= 1) return fraction;
  throw new ConfigError(
    `--sample ${text}: give a fraction of documents between 0 and 1 (0.01) or a percentage (1%).`,
    sampleFix(number, percent),
  );
}

function sampleFix(number: number, percent: boolean): string {
  if (!percent && number > 1 && number <= 100)
    return `For ${number}% of the documents write --sample ${number}% (or --sample ${number / 100}).`;
  return 'Give --sample above 0 and at most 1 (or 100%), e.g. --sample 0.01 or --sample 1%.';
}
