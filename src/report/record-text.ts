// Counts and small records in words for the report ("read 1000, written 998, already there 2"), instead of
// the raw JSON an operator would have to parse by eye.

/** `{ read: 3, withoutSource: 0 }` -> `read 3, without source 0`; nested records in parentheses. */
export function describeRecord(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (Array.isArray(value)) return value.map(describeRecord).join(', ');
  if (typeof value !== 'object') return String(value);
  const parts = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) =>
      v !== null && typeof v === 'object'
        ? `${words(k)} (${describeRecord(v)})`
        : `${words(k)} ${describeRecord(v)}`,
    );
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** `withoutSource` and `client_wrote` -> `without source`, `client wrote`. */
export function words(key: string): string {
  return key
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
}
