// How one document is judged once Ferry's ledger is known: the destination document is Ferry's only if its
// `_seq_no`/`_primary_term` are the ones Ferry's last write produced. Anything else there is a client's
// (counted apart, not a difference); a document missing on the destination is a client delete only if the
// ledger says Ferry's write was there and Ferry did not delete it. Never copied is a loss. Pure, so every
// case is unit tested.
import { DOC_STATE, type DocState } from '../sync/ledger.js';

export const LIVE_VERDICTS = [
  'ok',
  'client_wrote',
  'client_deleted',
  'missing',
  'stale',
  'extra',
  'content_differs',
  /** Judged client_deleted, but the dest's operation count cannot hold that many client operations. */
  'lost',
] as const;
export type LiveVerdict = (typeof LIVE_VERDICTS)[number];

export const EXPLAINED: ReadonlySet<LiveVerdict> = new Set(['ok', 'client_wrote', 'client_deleted']);

export interface SourceSide {
  seqNo: number;
  hash: string | undefined;
}

export interface DestSide {
  seqNo: number;
  primaryTerm: number;
  hash: string | undefined;
}

export interface LedgerSide {
  state: DocState;
  srcSeq: number;
  destSeq: number;
  destTerm: number;
}

export function ledgerVerdict(
  s: SourceSide | undefined,
  d: DestSide | undefined,
  l: LedgerSide | undefined,
): LiveVerdict {
  const ferrys =
    d !== undefined &&
    l?.state === DOC_STATE.written &&
    d.seqNo === l.destSeq &&
    d.primaryTerm === l.destTerm;
  if (d && !ferrys) return 'client_wrote';
  if (!d) {
    if (!s) return 'ok';
    if (l?.state === DOC_STATE.client) return 'client_deleted';
    // Ferry's write was there and Ferry did not delete it: only a client can have.
    if (l?.state === DOC_STATE.written) return 'client_deleted';
    return 'missing';
  }
  if (!s) return 'extra';
  if (s.seqNo !== l!.srcSeq) return 'stale';
  if (s.hash !== undefined && d.hash !== undefined && s.hash !== d.hash) return 'content_differs';
  return 'ok';
}
