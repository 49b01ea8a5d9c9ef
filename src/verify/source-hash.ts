// A hash of `_source` that does not depend on key order: the same document re-serialised by another engine,
// client or reindex may order its keys differently and still be the same document.
// Numbers are compared as JavaScript reads them (integers beyond 2^53 lose precision on both sides alike).
import { createHash } from 'node:crypto';

export function sourceHash(source: unknown): string {
  return createHash('md5').update(canonicalJson(source)).digest('base64url');
}

/** JSON with object keys sorted at every depth; array order is kept because it is meaningful. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  const parts: string[] = [];
  for (const key of keys) {
    if (record[key] === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  }
  return `{${parts.join(',')}}`;
}
