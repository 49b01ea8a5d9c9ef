// The source side of backpressure, without a cluster: busy refusals make fewer slices read smaller pages, slow
// pages shrink the next ones, fast clean pages give both back; what may be asked again is decided by class.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectionError, ResponseError, ShardFailureError } from '../../../src/cluster/errors.js';
import {
  type PressureChange,
  pressureWarnings,
  SourcePressure,
} from '../../../src/cluster/read/source-pressure.js';

const noSleep = async () => {};

function busy(): ResponseError {
  return new ResponseError({
    status: 429,
    errorType: 'search_phase_execution_exception',
    reason: 'rejected',
    what: 'search',
    body: undefined,
  });
}

async function* answerOf<T>(values: T[]): AsyncGenerator<T> {
  for (const v of values) yield v;
}

function failing(error: unknown): AsyncGenerator<number> {
  return (async function* () {
    // The generator fails on its first step, as an answer refused before any hit does.
    if (error !== undefined) throw error;
    yield 0;
  })();
}

describe('SourcePressure', () => {
  it('answers a busy refusal with a retry, half the readers and smaller pages, and counts it', async () => {
    const changes: PressureChange[] = [];
    const p = new SourcePressure({ readers: 8, sleep: noSleep, onChange: (c) => changes.push(c) });
    assert.equal(p.pageSize(1000), 1000);
    let calls = 0;
    const { first } = await p.first(() => (++calls === 1 ? failing(busy()) : answerOf([7])));
    assert.deepEqual(first, { value: 7, done: false });
    assert.equal(calls, 2);
    assert.equal(p.stats.searchRejections, 1);
    assert.equal(p.stats.pageRetries, 1);
    assert.equal(p.readersNow, 4);
    assert.equal(p.stats.minReaders, 4);
    assert.deepEqual(changes[0], { readers: 4, pageShare: 0.5, reason: 'rejected' });
    // The page that then answered fast already gave a little back.
    assert.ok(p.pageSize(1000) > 500 && p.pageSize(1000) < 1000);
  });

  it('counts a partial answer whose shards were all refused as busy', async () => {
    const p = new SourcePressure({ readers: 2, sleep: noSleep });
    const partial = new ShardFailureError({
      what: 'search',
      total: 3,
      failed: 1,
      timedOut: false,
      firstReason: undefined,
      busy: true,
    });
    let calls = 0;
    await p.first(() => (++calls === 1 ? failing(partial) : answerOf([1])));
    assert.equal(p.stats.searchRejections, 1);
    assert.equal(p.readersNow, 1);
  });

  it('retries a broken connection without reading less, and gives up on what is not safe to repeat', async () => {
    const p = new SourcePressure({ readers: 4, sleep: noSleep });
    let calls = 0;
    await p.first(() => (++calls === 1 ? failing(new ConnectionError('gone', 'hint')) : answerOf([1])));
    assert.equal(p.stats.pageRetries, 1);
    assert.equal(p.stats.searchRejections, 0);
    assert.equal(p.readersNow, 4);
    const notFound = new ResponseError({
      status: 400,
      errorType: 'x',
      reason: 'r',
      what: 'w',
      body: undefined,
    });
    await assert.rejects(() => p.first(() => failing(notFound)), ResponseError);
    // A scroll page refused in part is not asked again: the other shards may have moved on.
    const partial = new ShardFailureError({
      what: 's',
      total: 2,
      failed: 1,
      timedOut: false,
      firstReason: undefined,
      busy: true,
    });
    await assert.rejects(
      () =>
        p.first(
          () => failing(partial),
          (e) => e instanceof ResponseError,
        ),
      ShardFailureError,
    );
  });

  it('stops after the policy runs out of attempts', async () => {
    const p = new SourcePressure({
      readers: 2,
      sleep: noSleep,
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    });
    let calls = 0;
    await assert.rejects(
      () =>
        p.first(() => {
          calls++;
          return failing(busy());
        }),
      ResponseError,
    );
    assert.equal(calls, 3);
  });

  it('shrinks pages after a slow answer and gives readers and pages back after fast ones', async () => {
    let now = 0;
    const realNow = performance.now.bind(performance);
    performance.now = () => now;
    try {
      const p = new SourcePressure({ readers: 4, targetMs: 1000, sleep: noSleep });
      let calls = 0;
      await p.first(() => (++calls === 1 ? failing(busy()) : answerOf([1])));
      assert.equal(p.readersNow, 2);
      const slow = async function* () {
        now += 5000;
        yield 1;
      };
      await p.first(slow);
      assert.equal(p.stats.slowPages, 1);
      const shrunk = p.pageSize(1000);
      assert.ok(shrunk < 500, `page size after a slow page: ${shrunk}`);
      for (let i = 0; i < 200; i++) await p.first(() => answerOf([1]));
      assert.equal(p.readersNow, 4);
      assert.equal(p.pageSize(1000), 1000);
      assert.equal(p.stats.minReaders, 2);
    } finally {
      performance.now = realNow;
    }
  });
});

describe('pace change warnings', () => {
  it('says the first change at once, then at most one per 30 s with the count held between', () => {
    let now = 0;
    const said: string[] = [];
    const onChange = pressureWarnings(
      'copy i',
      (m) => said.push(m),
      () => now,
    );
    const change = (readers: number) => onChange({ readers, pageShare: 0.5, reason: 'rejected' });
    change(2);
    for (let i = 0; i < 100; i++) {
      now += 100;
      change(i % 2 ? 1 : 2);
    }
    assert.equal(said.length, 1);
    now = 30_000;
    change(1);
    assert.equal(said.length, 2);
    assert.match(
      said[0]!,
      /^copy i: the source refused a search page as busy; reading with 2 slice\(s\) at once/,
    );
    assert.match(
      said[1]!,
      /reading with 1 slice\(s\) at once, pages at 50% of full size \(100 more change\(s\)/,
    );
  });
});
