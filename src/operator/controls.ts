// The operator's runtime controls: write limits and the switch postponement. `ferry set` (another shell)
// writes them to controls.json next to the state; the running process reads that file every second and
// applies what changed. A file, like the other operator signals, because the running process owns state.json.
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WriteLimits } from './write-gate.js';

export interface OperatorControls extends WriteLimits {
  /** gh-ost's postpone flag: a requested switch waits while this is true (the sync keeps catching up). */
  postponeSwitch?: boolean | undefined;
}

export const CONTROL_KEYS = [
  'maxDocsPerSecond',
  'maxBytesPerSecond',
  'concurrency',
  'postponeSwitch',
] as const;
export type ControlKey = (typeof CONTROL_KEYS)[number];

/** As written by `ferry set`: `null` lifts a limit; `at` orders the requests. */
export interface ControlRequest {
  at: string;
  by: string;
  set: Partial<Record<ControlKey, number | boolean | null>>;
}

/** One change as the state and the report record it. */
export interface ControlChange {
  at: string;
  by: string;
  key: ControlKey;
  from: number | boolean | null;
  to: number | boolean | null;
}

const FILE = 'controls.json';

export async function requestControls(dir: string, request: ControlRequest): Promise<void> {
  const previous = await readControlRequest(dir);
  // Requests not yet applied are kept: two quick `ferry set`s both count.
  const merged: ControlRequest = { ...request, set: { ...(previous?.set ?? {}), ...request.set } };
  const tmp = join(dir, `${FILE}.${process.pid}.tmp`);
  await writeFile(tmp, `${JSON.stringify(merged)}\n`);
  await rename(tmp, join(dir, FILE));
}

/** A new migration under an old id starts from its own plan, not from the old one's last `ferry set`. */
export async function clearControlRequest(dir: string): Promise<void> {
  await rm(join(dir, FILE), { force: true });
}

export async function readControlRequest(dir: string): Promise<ControlRequest | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, FILE), 'utf8')) as ControlRequest;
  } catch {
    return undefined;
  }
}

/** Applies a request to the current controls; returns what changed. */
export function applyRequest(
  current: OperatorControls,
  request: ControlRequest,
): { next: OperatorControls; changes: ControlChange[] } {
  const next: OperatorControls = { ...current };
  const changes: ControlChange[] = [];
  for (const key of CONTROL_KEYS) {
    if (!(key in request.set)) continue;
    const to = request.set[key] ?? null;
    const from = current[key] ?? null;
    if (to === from) continue;
    (next as Record<ControlKey, unknown>)[key] = to === null ? undefined : to;
    changes.push({ at: request.at, by: request.by, key, from, to });
  }
  return { next, changes };
}

export function describeControls(c: OperatorControls): string {
  const parts = [
    `max docs/s ${c.maxDocsPerSecond ?? 'none'}`,
    `max bytes/s ${c.maxBytesPerSecond ?? 'none'}`,
    `concurrency ${c.concurrency ?? 'one per shard'}`,
  ];
  if (c.postponeSwitch) parts.push('switch postponed');
  return parts.join(', ');
}
