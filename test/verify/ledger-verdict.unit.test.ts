// Every case of judging a document through the ledger: what is Ferry's, what is a client's, what is a loss.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DOC_STATE } from '../../src/sync/ledger.js';
import { ledgerVerdict } from '../../src/verify/ledger-verdict.js';

const src = (seqNo: number, hash = 'h1') => ({ seqNo, hash });
const dst = (seqNo: number, primaryTerm = 1, hash = 'h1') => ({ seqNo, primaryTerm, hash });
const written = (srcSeq: number, destSeq: number, destTerm = 1) => ({
  state: DOC_STATE.written,
  srcSeq,
  destSeq,
  destTerm,
});

describe('ledgerVerdict', () => {
  it('Ferry’s current write of the current source document is ok', () => {
    assert.equal(ledgerVerdict(src(5), dst(9), written(5, 9)), 'ok');
  });
  it('a dest document whose seq_no or term is not Ferry’s last write is a client’s', () => {
    assert.equal(ledgerVerdict(src(5), dst(10), written(5, 9)), 'client_wrote');
    assert.equal(ledgerVerdict(src(5), dst(9, 2), written(5, 9)), 'client_wrote');
    assert.equal(ledgerVerdict(undefined, dst(3), undefined), 'client_wrote');
    assert.equal(
      ledgerVerdict(src(5), dst(3), { ...written(5, 1), state: DOC_STATE.deleted }),
      'client_wrote',
    );
  });
  it('a document Ferry wrote and did not delete, gone from the dest, was deleted by a client', () => {
    assert.equal(ledgerVerdict(src(5), undefined, written(5, 9)), 'client_deleted');
    assert.equal(
      ledgerVerdict(src(5), undefined, { ...written(5, 9), state: DOC_STATE.client }),
      'client_deleted',
    );
  });
  it('never copied, or re-created on the source after Ferry deleted it, is missing', () => {
    assert.equal(ledgerVerdict(src(5), undefined, undefined), 'missing');
    assert.equal(ledgerVerdict(src(8), undefined, { ...written(5, 9), state: DOC_STATE.deleted }), 'missing');
  });
  it('Ferry’s write of an older source document is stale; of a deleted one, extra', () => {
    assert.equal(ledgerVerdict(src(7), dst(9), written(5, 9)), 'stale');
    assert.equal(ledgerVerdict(undefined, dst(9), written(5, 9)), 'extra');
  });
  it('same positions but different content is a content difference (a lost write)', () => {
    assert.equal(ledgerVerdict(src(5, 'a'), dst(9, 1, 'b'), written(5, 9)), 'content_differs');
  });
  it('absent on both sides is nothing to judge', () => {
    assert.equal(ledgerVerdict(undefined, undefined, written(5, 9)), 'ok');
  });
});
