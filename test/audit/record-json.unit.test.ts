import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OP_TYPES, type OpCounts, type OpType, type WorkloadReport } from '../../src/audit/record.js';
import { reportFromJson, reportToJson } from '../../src/audit/record-json.js';

describe('workload report JSON', () => {
  it('survives a round trip through JSON text', () => {
    const ops = Object.fromEntries(
      OP_TYPES.map((t) => [t, { attempted: 1, succeeded: 1, failed: 0, ambiguous: 0, docs: 1 }]),
    ) as Record<OpType, OpCounts>;
    const report: WorkloadReport = {
      ops,
      errors: [
        {
          opId: 'o2',
          type: 'create',
          side: 'dest',
          at: 3,
          id: 'w1',
          status: 409,
          errorType: 'version_conflict_engine_exception',
          ambiguous: false,
        },
      ],
      expected: new Map([
        ['d0', { key: 'd0', n: 2 }],
        ['d1', null],
      ]),
      observed: new Map([
        ['d0', { key: 'd0', n: 2 }],
        ['d1', null],
      ]),
      lastOpByType: new Map([['d1', 'delete']]),
      lastWrite: new Map([['d1', { opId: 'o1', type: 'delete', side: 'source', at: 2 }]]),
      divergences: [],
      uncertain: new Set(['w9']),
      disabled: [{ type: 'update_by_query', reason: 'no painless on this engine' }],
      history: [{ id: 'd1', opId: 'o1', type: 'delete', side: 'source', at: 2, source: null }],
      switches: [2.5],
      durationMs: 10,
    };
    assert.deepEqual(reportFromJson(JSON.parse(JSON.stringify(reportToJson(report)))), report);
  });
});
