// The write gate's rate limit, with an injected clock.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from '../../src/operator/rate-limiter.js';

describe('RateLimiter', () => {
  it('spaces batches to the documents-per-second limit and follows a new limit', async () => {
    let now = 0;
    const slept: number[] = [];
    const limiter = new RateLimiter(
      100,
      () => now,
      async (ms) => {
        slept.push(ms);
        now += ms;
      },
    );
    await limiter.take(50); // first batch leaves at once and books 500 ms
    await limiter.take(50);
    assert.deepEqual(slept, [500]);
    limiter.setRate(1000);
    await limiter.take(100);
    assert.deepEqual(slept, [500, 500]);
    limiter.setRate(undefined);
    await limiter.take(1_000_000);
    assert.equal(slept.length, 2);
  });
});
