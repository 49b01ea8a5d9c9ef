// The conflicts as an NDJSON file next to the state, streamed from the ledger (never held in memory).

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { SyncPlan } from './environment.js';
import type { Ledger } from './ledger.js';

export async function writeConflictsFile(
  plan: Pick<SyncPlan, 'stateDir' | 'id'>,
  ledger: Ledger,
): Promise<string> {
  const path = join(plan.stateDir, plan.id, 'conflicts.ndjson');
  const out = createWriteStream(path);
  for (const c of ledger.conflicts()) if (!out.write(`${JSON.stringify(c)}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  return path;
}
