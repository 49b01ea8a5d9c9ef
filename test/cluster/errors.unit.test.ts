// A 403 is a missing privilege unless the server says a block refused it: the two need different fixes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AuthenticationError,
  ClusterBlockError,
  isRetryable,
  responseError,
} from '../../src/cluster/errors.js';

const refusal = (type: string, reason: string) => ({ error: { type, reason }, status: 403 });

describe('responseError on 403', () => {
  it('a block (index or cluster) is a ClusterBlockError whose fix names the block, not a privilege', () => {
    for (const [type, reason] of [
      ['index_create_block_exception', 'blocked by: [FORBIDDEN/10/cluster create-index blocked (api)];'],
      ['cluster_block_exception', 'index [orders] blocked by: [FORBIDDEN/8/index write (api)];'],
    ] as const) {
      const error = responseError(403, refusal(type, reason), 'create orders');
      assert.ok(error instanceof ClusterBlockError, type);
      assert.ok(!(error instanceof AuthenticationError), type);
      assert.match(error.hint, /cluster\.blocks\.create_index":null/);
      assert.doesNotMatch(error.hint, /privilege for this call/);
      assert.equal(isRetryable(error), false);
    }
  });

  it('a security refusal stays an AuthenticationError', () => {
    const error = responseError(
      403,
      refusal('security_exception', 'no permissions for [indices:admin/create] and User [name=ferry]'),
      'create orders',
    );
    assert.ok(error instanceof AuthenticationError);
    assert.match(error.hint, /lacks a privilege/);
  });
});

describe('responseError on every shard failing', () => {
  it('names the first shard reason and its innermost cause, not only "all shards failed"', () => {
    const error = responseError(
      500,
      {
        error: {
          type: 'search_phase_execution_exception',
          reason: 'all shards failed',
          failed_shards: [
            {
              shard: 0,
              reason: {
                type: 'query_phase_execution_exception',
                reason: 'Query Failed',
                caused_by: { type: 'already_closed_exception', reason: 'this IndexReader is closed' },
              },
            },
          ],
        },
        status: 500,
      },
      'scroll on a',
    );
    assert.match(
      error.message,
      /all shards failed \(first shard: query_phase_execution_exception: Query Failed, caused by already_closed_exception: this IndexReader is closed\)/,
    );
  });
});
