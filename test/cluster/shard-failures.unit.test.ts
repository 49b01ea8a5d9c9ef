// A search, count or scroll answer without every shard is an error, parsed and raw alike.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRetryable, ShardFailureError } from '../../src/cluster/errors.js';
import { assertAllShards, everyShardLostContext, rawShardsHeader } from '../../src/cluster/shard-failures.js';

const complete = { took: 3, timed_out: false, _shards: { total: 2, successful: 2, skipped: 0, failed: 0 } };
const partial = {
  took: 3,
  timed_out: false,
  _shards: {
    total: 2,
    successful: 1,
    skipped: 0,
    failed: 1,
    failures: [
      {
        shard: 0,
        index: 'a',
        node: 'n1',
        reason: { type: 'node_not_connected_exception', reason: 'node {x}{"y"} not connected' },
      },
    ],
  },
  hits: { hits: [{ _id: 'd', _source: { note: '"_shards":{"failed":0}' } }] },
};

describe('assertAllShards', () => {
  it('lets a complete answer, and one without _shards, through', () => {
    assertAllShards(complete, 'search a');
    assertAllShards({ count: 4, _shards: { total: 3, successful: 3, skipped: 1, failed: 0 } }, 'count a');
    assertAllShards({ acknowledged: true }, 'other');
  });

  it('raises a retryable ShardFailureError on a failed shard, naming the first reason', () => {
    assert.throws(
      () => assertAllShards(partial, 'search a'),
      (error: unknown) =>
        error instanceof ShardFailureError &&
        isRetryable(error) &&
        error.failed === 1 &&
        error.total === 2 &&
        /1 of 2 shards failed \(node_not_connected_exception/.test(error.message),
    );
  });

  it('tells a scroll whose shards lost their context (as Elasticsearch 7.10 answers after a clear) from other failures', () => {
    const missing = {
      type: 'search_context_missing_exception',
      reason: 'No search context found for id [17]',
    };
    const lostScroll = {
      _shards: { total: 3, successful: 1, failed: 2, failures: [{ reason: missing }, { reason: missing }] },
    };
    const contextMissing = (body: unknown) => {
      try {
        assertAllShards(body, 'scroll a');
      } catch (error) {
        return error instanceof ShardFailureError && error.contextMissing;
      }
      throw new Error('no error');
    };
    assert.equal(contextMissing(lostScroll), true);
    assert.equal(contextMissing(partial), false);
  });

  it('counts a scroll freed while its page waited (a closed reader, as the cause of a phase failure) as lost', () => {
    const closed = {
      type: 'query_phase_execution_exception',
      reason: 'Query Failed [Failed to execute main query]',
      caused_by: { type: 'already_closed_exception', reason: 'this IndexReader is closed' },
    };
    const missing = {
      type: 'search_context_missing_exception',
      reason: 'No search context found for id [9]',
    };
    const whole = (failed: unknown[]) => ({
      error: { type: 'search_phase_execution_exception', reason: 'all shards failed', failed_shards: failed },
      status: 500,
    });
    assert.equal(everyShardLostContext(whole([{ reason: closed }, { reason: missing }])), true);
    assert.equal(
      everyShardLostContext(whole([{ reason: closed }, { reason: { type: 'illegal_argument_exception' } }])),
      false,
    );
    assert.equal(everyShardLostContext(whole([])), false);
    assert.equal(everyShardLostContext({ error: 'x' }), false);
  });

  it('raises on a timed-out answer and on fewer successes than shards', () => {
    assert.throws(() => assertAllShards({ ...complete, timed_out: true }, 's'), /timed out/);
    assert.throws(
      () => assertAllShards({ _shards: { total: 3, successful: 2, skipped: 0, failed: 0 } }, 's'),
      ShardFailureError,
    );
  });
});

describe('rawShardsHeader', () => {
  it('reads timed_out and _shards from the head of a raw answer, braces and quotes in strings included', () => {
    const header = rawShardsHeader(JSON.stringify(partial));
    assert.equal(header.timed_out, false);
    assert.equal(header._shards?.failed, 1);
    assert.equal(header._shards?.failures?.[0]?.reason?.reason, 'node {x}{"y"} not connected');
    assert.throws(() => assertAllShards(header, 'search a'), ShardFailureError);
  });

  it('reads scroll and point-in-time answers, and answers without _shards', () => {
    const scroll = `{"_scroll_id":"FGluY2x1ZGU=","took":1,"timed_out":true,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"hits":[]}}`;
    assert.deepEqual(rawShardsHeader(scroll), {
      timed_out: true,
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
    });
    assert.deepEqual(rawShardsHeader('{"acknowledged":true}'), {});
  });
});
