import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diff, sameSource } from '../../src/audit/compare.js';
import { OP_TYPES } from '../../src/audit/record.js';
import { OpGate } from '../../tools/workload/gate.js';
import { increment, merge, retag, upsert } from '../../tools/workload/model.js';
import { Oracle } from '../../tools/workload/oracle.js';
import { Pacer } from '../../tools/workload/pacer.js';
import { Planner } from '../../tools/workload/planner.js';
import { createRng } from '../../tools/workload/prng.js';

const doc = (id: string, n: number) => ({ key: id, n, grp: 1, tag: 'initial', touched_by: 'initial' });

describe('model', () => {
  it('predicts partial updates, upserts and the painless scripts', () => {
    const d = doc('a', 5);
    assert.deepEqual(merge(d, { tag: 'red', touched_by: 'o1' }), { ...d, tag: 'red', touched_by: 'o1' });
    assert.deepEqual(upsert(null, { key: 'b', tag: 'red' }), { key: 'b', tag: 'red' });
    assert.deepEqual(upsert(d, { tag: 'red' }), { ...d, tag: 'red' });
    assert.deepEqual(increment(d, 3, 'o2'), { ...d, n: 8, touched_by: 'o2' });
    // A document created by an upsert has no counter yet: the script starts it at `by`.
    assert.deepEqual(increment({ key: 'b' }, 3, 'o3'), { key: 'b', n: 3, touched_by: 'o3' });
    assert.deepEqual(retag(d, 'blue', 'o4'), { ...d, n: 6, tag: 'blue', touched_by: 'o4' });
  });

  it('compares sources regardless of key order', () => {
    assert.ok(sameSource({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 }));
    assert.ok(!sameSource({ a: 1 }, { a: 2 }));
    assert.ok(!sameSource({ a: 1 }, null));
    assert.ok(sameSource(null, undefined));
  });
});

describe('Oracle', () => {
  it('applies successes in order, ignores rejections and forgets ambiguous ids', () => {
    const oracle = new Oracle(
      new Map([
        ['d0', doc('d0', 1)],
        ['d1', doc('d1', 2)],
        ['d2', doc('d2', 3)],
      ]),
    );
    const updated = increment(doc('d0', 1), 1, 'o1');
    oracle.record('scripted_update', 'source', 'o1', 10, {
      attempted: 1,
      succeeded: 1,
      ok: [{ id: 'd0', predicted: updated, observed: updated }],
      failed: [],
    });
    oracle.record('delete', 'dest', 'o2', 20, {
      attempted: 1,
      succeeded: 1,
      ok: [{ id: 'd1', predicted: null }],
      failed: [],
    });
    oracle.record('create', 'dest', 'o3', 30, {
      attempted: 2,
      succeeded: 0,
      ok: [],
      failed: [
        { id: 'd2', status: 409, errorType: 'version_conflict_engine_exception', ambiguous: false },
        { id: 'w0', status: 0, errorType: 'connection', ambiguous: true },
      ],
    });
    assert.deepEqual(oracle.current('d0'), updated);
    assert.equal(oracle.current('d1'), null);
    assert.deepEqual(oracle.current('d2'), doc('d2', 3));
    assert.deepEqual([...oracle.uncertain], ['w0']);
    assert.deepEqual(oracle.ops.create, { attempted: 2, succeeded: 0, failed: 1, ambiguous: 1, docs: 0 });
    assert.equal(oracle.errors.length, 2);
    assert.deepEqual(oracle.lastWrite.get('d1'), { opId: 'o2', type: 'delete', side: 'dest', at: 20 });
    assert.deepEqual(
      [...oracle.lastOpByType()],
      [
        ['d0', 'scripted_update'],
        ['d1', 'delete'],
      ],
    );
    assert.ok(oracle.absent.has('d1') && !oracle.present.has('d1'));
    assert.deepEqual(
      oracle.history.map((h) => h.id),
      ['d0', 'd1'],
    );
  });

  it('keeps the prediction as expected and records a divergence when the server says otherwise', () => {
    const oracle = new Oracle(new Map([['d0', doc('d0', 1)]]));
    const predicted = increment(doc('d0', 1), 1, 'o1');
    const observed = increment(doc('d0', 0), 1, 'o1');
    oracle.record('update_by_query', 'dest', 'o1', 5, {
      attempted: 1,
      succeeded: 1,
      ok: [{ id: 'd0', predicted, observed }],
      failed: [],
    });
    assert.deepEqual(oracle.expected.get('d0'), predicted);
    assert.deepEqual(oracle.observed.get('d0'), observed);
    assert.equal(oracle.divergences.length, 1);
    assert.equal(oracle.divergences[0]?.side, 'dest');
  });
});

describe('diff', () => {
  it('sorts every id into kept, lost, resurrected, stale, extra or uncertain, by last operation', () => {
    const expected = new Map([
      ['kept', doc('kept', 1)],
      ['lost', doc('lost', 1)],
      ['stale', doc('stale', 2)],
      ['gone', null],
      ['back', null],
      ['unsure', doc('unsure', 1)],
    ]);
    const actual = new Map([
      ['kept', doc('kept', 1)],
      ['stale', doc('stale', 1)],
      ['back', doc('back', 1)],
      ['extra', doc('extra', 1)],
      ['unsure', doc('unsure', 9)],
    ]);
    const lastOpByType = new Map([
      ['lost', 'bulk_update' as const],
      ['stale', 'scripted_update' as const],
      ['back', 'delete_by_query' as const],
      ['gone', 'delete' as const],
    ]);
    const result = diff(actual, expected, { lastOpByType, uncertain: new Set(['unsure']) });
    assert.equal(result.checked, 5);
    assert.deepEqual(
      result.lost.map((m) => [m.id, m.origin]),
      [['lost', 'bulk_update']],
    );
    assert.deepEqual(
      result.stale.map((m) => [m.id, m.origin]),
      [['stale', 'scripted_update']],
    );
    assert.deepEqual(
      result.resurrected.map((m) => [m.id, m.origin]),
      [['back', 'delete_by_query']],
    );
    assert.deepEqual(result.extra, ['extra']);
    assert.deepEqual(result.uncertain, ['unsure']);
    assert.deepEqual(result.byOrigin.initial, { kept: 1, lost: 0, resurrected: 0, stale: 0 });
    assert.deepEqual(result.byOrigin.delete, { kept: 1, lost: 0, resurrected: 0, stale: 0 });
  });
});

describe('OpGate', () => {
  it('runs an exclusive section only when nothing shared is in flight, and holds new ones back', async () => {
    const gate = new OpGate();
    const events: string[] = [];
    let releaseShared = (): void => {};
    const shared = gate.withShared(async () => {
      events.push('shared start');
      await new Promise<void>((resolve) => {
        releaseShared = resolve;
      });
      events.push('shared end');
    });
    const exclusive = gate.withExclusive(async () => {
      events.push('exclusive');
    });
    const later = gate.withShared(async () => {
      events.push('later shared');
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(events, ['shared start']);
    releaseShared();
    await Promise.all([shared, exclusive, later]);
    assert.deepEqual(events, ['shared start', 'shared end', 'exclusive', 'later shared']);
  });
});

describe('Pacer', () => {
  it('spaces starts at the rate', () => {
    let now = 1000;
    const pacer = new Pacer(10, () => now);
    assert.deepEqual([pacer.reserve(), pacer.reserve(), pacer.reserve()], [0, 100, 200]);
    now = 5000;
    assert.equal(pacer.reserve(), 0);
    assert.throws(() => new Pacer(0, () => now), RangeError);
  });
});

describe('Planner', () => {
  const plan = (seed: number) => {
    const initial = new Map(Array.from({ length: 50 }, (_, i) => [`d${i}`, doc(`d${i}`, i)] as const));
    const gate = new OpGate();
    const planner = new Planner(createRng(seed), new Oracle(initial), gate, OP_TYPES, {}, 'w');
    return Array.from({ length: 30 }, () => {
      const type = planner.pickType();
      const ids = planner.pickIds(type);
      gate.unlock(ids);
      return `${type}:${ids.join(',')}`;
    });
  };

  it('makes the same choices from the same seed', () => {
    assert.deepEqual(plan(3), plan(3));
    assert.notDeepEqual(plan(3), plan(4));
  });

  it('never picks a locked id and never the same id twice in one bulk', () => {
    const initial = new Map(Array.from({ length: 6 }, (_, i) => [`d${i}`, doc(`d${i}`, i)] as const));
    const gate = new OpGate();
    gate.lock(['d0', 'd1', 'd2']);
    const planner = new Planner(createRng(9), new Oracle(initial), gate, ['bulk_update'], {}, 'w');
    for (let i = 0; i < 50; i++) {
      const ids = planner.pickIds('bulk_update');
      assert.equal(new Set(ids).size, ids.length);
      for (const id of ids) assert.ok(!['d0', 'd1', 'd2'].includes(id), id);
      gate.unlock(ids);
    }
  });
});
