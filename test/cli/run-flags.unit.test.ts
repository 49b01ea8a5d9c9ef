// --accept-count-drift given to `ferry run` holds for a `ferry resume` without it: kept in the saved state, and
// `ferry status` says so. A flag that was never given is not invented.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runFlagsFor } from '../../src/cli/commands/run-flags.js';
import { renderStatus, statusView } from '../../src/report/status-view.js';
import { newState } from '../../src/state/migration-state.js';
import { StateStore } from '../../src/state/state-store.js';

const AT = new Date('2026-01-01T11:00:00Z');

function twoPassState() {
  return newState('orders-to-orders', 'two-pass', { sourceIndex: 'orders' }, ['pre_migration_check'], AT);
}

describe('run flags kept for resume', () => {
  it('--accept-count-drift given to run is in force on a resume without it, and status shows it', async () => {
    const store = new StateStore(await mkdtemp(join(tmpdir(), 'ferry-flags-')), 'orders-to-orders');
    const state = twoPassState();
    assert.equal(runFlagsFor({ acceptCountDrift: true }, state, AT).acceptCountDrift, true);
    await store.save(state, AT);

    const saved = await store.load();
    assert.ok(saved);
    const later = new Date('2026-01-01T12:00:00Z');
    const resumed = runFlagsFor({}, saved, later);
    assert.deepEqual(resumed, {
      confirmSwitch: false,
      confirmDelete: false,
      acceptCountDrift: true,
      keepSnapshot: false,
    });
    assert.equal(saved.confirmations['accept-count-drift'], AT.toISOString(), 'the first time it was given');
    const text = renderStatus(statusView(saved, { now: later })).join('\n');
    assert.match(text, /kept for every resume: --accept-count-drift \(given 2026-01-01T11:00:00.000Z/);
  });

  it('without the flag nothing is kept and status says nothing of it', () => {
    const state = twoPassState();
    assert.equal(runFlagsFor({ confirmSwitch: true }, state, AT).acceptCountDrift, false);
    assert.deepEqual(state.confirmations, {});
    assert.doesNotMatch(renderStatus(statusView(state, { now: AT })).join('\n'), /accept-count-drift/);
  });
});
