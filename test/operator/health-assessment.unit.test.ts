// The throttle's reasons from two readings: rejections, queues, heap, breakers, disk, latency against the usual.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodePressure } from '../../src/cluster/node-pressure.js';
import { assess, type Baselines, type Reading } from '../../src/operator/health-assessment.js';

function node(name: string, o: Partial<NodePressure> = {}): NodePressure {
  return {
    name,
    write: { queue: 0, rejected: 0 },
    search: { queue: 0, rejected: 0 },
    heapPercent: 40,
    breakerTrips: 0,
    totalBytes: 100,
    availableBytes: 50,
    searchCount: 0,
    searchMillis: 0,
    indexCount: 0,
    indexMillis: 0,
    ...o,
  };
}

function reading(o: Partial<Reading> = {}): Reading {
  return { at: 0, source: [node('s0')], dest: [node('d0')], gate: { bulks: 0, bulkMs: 0, busy: 0 }, ...o };
}

const DISK = { enabled: true, highWatermark: '90%' };

describe('assess', () => {
  it('finds nothing on calm clusters', () => {
    assert.deepEqual(assess(reading(), reading(), {}, DISK), []);
  });

  it('names the dest block as the cause at once, and while no write is refused (the writer waits to retry)', () => {
    const block =
      'index [orders] blocked by: [TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage watermark, index has read-only-allow-delete block];';
    const refused = assess(reading(), reading({ gate: { bulks: 1, bulkMs: 10, busy: 40 }, block }), {}, DISK);
    assert.equal(refused.length, 1);
    assert.match(
      refused[0]!,
      /^dest refuses writes: index \[orders\] blocked by: .*flood-stage watermark.*free disk space/,
    );
    const waiting = reading({ gate: { bulks: 1, bulkMs: 10, busy: 40 }, block });
    assert.deepEqual(assess(waiting, waiting, {}, DISK), refused, 'no new refusal: still the cause');
  });

  it('names dest 429s, source search rejections, heap, breakers and disk', () => {
    const now = reading({
      source: [node('s0', { search: { queue: 0, rejected: 3 }, heapPercent: 95 })],
      dest: [node('d0', { breakerTrips: 1, availableBytes: 5 })],
      gate: { bulks: 0, bulkMs: 0, busy: 7 },
    });
    const reasons = assess(reading(), now, {}, DISK);
    assert.deepEqual(reasons, [
      'dest answered 7 write(s) with 429 (busy)',
      'dest node d0 tripped a circuit breaker',
      'dest node d0 disk over its high watermark (90%)',
      'source node s0 rejected 3 search(s) (search queue full)',
      'source node s0 heap at 95%',
    ]);
  });

  it('calls latency slow only well above the usual and above a floor', () => {
    const base: Baselines = {};
    assess(reading(), reading({ gate: { bulks: 10, bulkMs: 2000, busy: 0 } }), base, DISK);
    assert.equal(base.bulkMs, 200);
    const slow = reading({ gate: { bulks: 12, bulkMs: 2000 + 2 * 1500, busy: 0 } });
    assert.deepEqual(assess(reading({ gate: { bulks: 10, bulkMs: 2000, busy: 0 } }), slow, base, DISK), [
      'dest bulk latency 1500 ms (usual 200 ms)',
    ]);
  });
});
