// Reads a search, scroll or mget answer as it arrives and hands out the raw JSON of each element of its document
// array (`hits.hits`, or `docs` for mget) in batches that close at a byte size. Each batch's bytes are taken
// from the process's ByteBudget and given back when the reader asks for the next one, so a page of large
// documents is never held whole, and all readers together hold a bounded number of bytes. The rest of the
// answer (scroll id, point-in-time id, `_shards`) is small and is parsed at its end.

import { StringDecoder } from 'node:string_decoder';
import type { ClusterClient } from '../client.js';
import { ConnectionError } from '../errors.js';
import { trackScroll } from '../open-scrolls.js';
import { assertAllShards } from '../shard-failures.js';
import type { RequestOptions } from '../transport.js';
import { ByteBudget, documentBytes, largeDocumentTurn } from './byte-budget.js';

/** Which array holds the documents: a search's `hits.hits`, or an mget's `docs`. */
export type DocArray = 'hits' | 'docs';

export interface AnswerEnd {
  scrollId: string | undefined;
  pitId: string | undefined;
  /** Elements in the whole answer. */
  count: number;
}

/**
 * The raw JSON of one element: one Buffer, or the pieces of a larger one as they arrived. Pieces are not joined:
 * joining would copy a 20 MB document once more, and it is read as text (elementText) straight from them.
 */
export type RawElement = Buffer | readonly Buffer[];

export function elementText(element: RawElement): string {
  if (Buffer.isBuffer(element)) return element.toString('utf8');
  // The decoder keeps a character cut between two pieces whole.
  const decoder = new StringDecoder('utf8');
  return element.map((piece) => decoder.write(piece)).join('') + decoder.end();
}

export function elementLength(element: RawElement): number {
  if (Buffer.isBuffer(element)) return element.length;
  let n = 0;
  for (const piece of element) n += piece.length;
  return n;
}

export interface AnswerBatch {
  /** Raw JSON of each element, in order. */
  elements: RawElement[];
  bytes: number;
  /** On the answer's last batch only (which may have no elements). */
  end?: AnswerEnd;
}

export interface AnswerStreamOptions {
  /** A batch closes once it holds this many bytes (a single larger element travels alone). */
  batchBytes: number;
  budget?: ByteBudget;
  /** One large document in hand at a time: the process's own, unless a budget of its own is given. */
  largeTurn?: ByteBudget;
}

export async function* answerBatches(
  client: ClusterClient,
  request: RequestOptions,
  array: DocArray,
  o: AnswerStreamOptions,
): AsyncGenerator<AnswerBatch> {
  const what = `${request.what ?? request.path} on ${client.transport.display}`;
  const res = await client.request<AsyncIterable<Buffer>>({ ...request, stream: true });
  const budget = o.budget ?? documentBytes;
  const splitter = new ElementSplitter(array);
  // A reader with a budget of its own runs inside another's batch (a look-up while a page is applied): waiting
  // for the process's turn could mean waiting on itself, so it has its own turn too.
  const turn = o.largeTurn ?? (o.budget ? new ByteBudget(1) : largeDocumentTurn);
  let batch: RawElement[] = [];
  let bytes = 0;
  // Bytes this reader holds, batch in hand included: given back when the consumer asks for more, or stops.
  let held = 0;
  // While this reader has the large-document turn: the number of the element it was taken for, and whether
  // that element is in the batch handed out (the turn goes back with that batch).
  let largeElement = -1;
  let largeHandedOut = false;
  let seen = 0;
  const giveBack = () => {
    budget.give(held);
    held = 0;
    if (largeElement >= 0 && largeHandedOut) {
      turn.give(1);
      largeElement = -1;
      largeHandedOut = false;
    }
  };
  try {
    for await (const chunk of brokenOff(res.body, what, request.timeoutMs ?? IDLE_MS)) {
      for (const element of splitter.push(chunk)) {
        const length = elementLength(element);
        if (!budget.tryTake(length)) {
          // Waiting while holding bytes could leave every reader waiting on the others: hand them out first.
          if (batch.length > 0) {
            yield { elements: batch, bytes };
            giveBack();
            batch = [];
            bytes = 0;
          }
          await budget.take(length);
        }
        held += length;
        batch.push(element);
        bytes += length;
        if (seen++ === largeElement) largeHandedOut = true;
        if (bytes >= o.batchBytes) {
          yield { elements: batch, bytes };
          giveBack();
          batch = [];
          bytes = 0;
        }
      }
      // A document is only counted against the budget once it is whole: a large one takes the process's one
      // turn while it is still arriving, so large documents are read (and written, hashed) one at a time.
      if (largeElement < 0 && splitter.partialBytes >= LARGE_ELEMENT_BYTES) {
        if (batch.length > 0) {
          yield { elements: batch, bytes };
          giveBack();
          batch = [];
          bytes = 0;
        }
        await turn.take(1);
        largeElement = splitter.count;
      }
    }
    const rest = JSON.parse(splitter.finish()) as { _scroll_id?: string; pit_id?: string };
    if (request.allShards) assertAllShards(rest, what);
    trackScroll(client.transport.clearScroll, request, rest);
    yield {
      elements: batch,
      bytes,
      end: { scrollId: rest._scroll_id, pitId: rest.pit_id, count: splitter.count },
    };
  } finally {
    budget.give(held);
    if (largeElement >= 0) turn.give(1);
  }
}

/** An element still arriving past this size waits for the large-document turn (the batch size: 8 MB). */
const LARGE_ELEMENT_BYTES = 8 * 1024 * 1024;

/** Longest wait for the next bytes of an answer while this reader is waiting for them. */
const IDLE_MS = 120_000;

/**
 * The answer's chunks. A connection that breaks mid-answer is a connection error (retryable), like one that
 * breaks before it. The transport sets no body timeout on a streamed answer: the reader may rightly leave it
 * unread for long (the batch in hand waits for a slow or throttled destination). The silence counted here is
 * only while the reader waits for bytes, so a server that stops sending (a frozen node) still ends the read.
 */
async function* brokenOff(body: AsyncIterable<Buffer>, what: string, idleMs: number): AsyncGenerator<Buffer> {
  const chunks = body[Symbol.asyncIterator]();
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const silence = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no bytes for ${idleMs / 1000} s`)), idleMs);
      });
      const pending = chunks.next();
      // Should the silence win, the read it left pending fails once the connection is ended: not unhandled.
      pending.catch(() => undefined);
      let next: IteratorResult<Buffer>;
      try {
        next = await Promise.race([pending, silence]);
      } finally {
        clearTimeout(timer);
      }
      if (next.done) return;
      yield next.value;
    }
  } catch (error) {
    throw new ConnectionError(
      `${what}: the answer broke off (${(error as { code?: string }).code ?? (error as Error).message})`,
      'Check that the cluster is up and reachable, then run the command again (`ferry resume` for a migration).',
      { cause: error },
    );
  } finally {
    // Ends the connection when the reader stops early (or the answer went silent): nothing else will read it.
    await chunks.return?.();
  }
}

const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const ZERO = Buffer.from('0');

/**
 * Cuts the elements of one array out of a JSON text fed in chunks. Only bytes below 0x80 matter to JSON's
 * structure and UTF-8 never uses them inside a multi-byte character, so bytes can be scanned as they come.
 * What is left (each element replaced by 0) is kept to be parsed at the end.
 */
export class ElementSplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Depth at which the target array's elements start, once it is open. */
  private arrayDepth = -1;
  private elementParts: Buffer[] | undefined;
  private partLength = 0;
  private readonly rest: Buffer[] = [];
  /** The key of the member being read at depths 1 and 2 (the path to the array). */
  private readonly keys: (string | undefined)[] = [];
  private keyBytes: number[] | undefined;
  private lastString: string | undefined;
  count = 0;

  constructor(private readonly array: DocArray) {}

  push(chunk: Buffer): RawElement[] {
    const out: RawElement[] = [];
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.endString();
        else if (this.keyBytes) {
          // Keys on the path are short; a long value (a scroll id) is not a key and is not kept.
          if (this.keyBytes.length < 64) this.keyBytes.push(c);
          else this.keyBytes = undefined;
        }
        continue;
      }
      if (c === QUOTE) {
        this.inString = true;
        this.keyBytes = this.elementParts === undefined && this.depth <= 2 ? [] : undefined;
      } else if (c === OPEN_OBJECT) {
        if (this.depth === this.arrayDepth && this.elementParts === undefined) {
          this.rest.push(chunk.subarray(from, i), ZERO);
          this.elementParts = [];
          this.partLength = 0;
          from = i;
        }
        this.depth++;
        if (this.depth <= 2) this.keys[this.depth] = undefined;
      } else if (c === CLOSE_OBJECT) {
        this.depth--;
        if (this.depth === this.arrayDepth && this.elementParts !== undefined) {
          this.elementParts.push(chunk.subarray(from, i + 1));
          out.push(this.elementParts.length === 1 ? this.elementParts[0]! : this.elementParts);
          this.elementParts = undefined;
          this.partLength = 0;
          this.count++;
          from = i + 1;
        }
      } else if (c === OPEN_ARRAY) {
        this.depth++;
        if (this.isTargetArray()) this.arrayDepth = this.depth;
      } else if (c === CLOSE_ARRAY) {
        if (this.depth === this.arrayDepth) this.arrayDepth = -1;
        this.depth--;
      } else if (c === COLON && this.depth <= 2 && this.elementParts === undefined) {
        this.keys[this.depth] = this.lastString;
      }
    }
    if (this.elementParts !== undefined) {
      this.elementParts.push(chunk.subarray(from));
      this.partLength += chunk.length - from;
    } else this.rest.push(chunk.subarray(from));
    return out;
  }

  /** Bytes of the element still arriving (0 between elements). */
  get partialBytes(): number {
    return this.partLength;
  }

  /** The answer without its elements, as text. */
  finish(): string {
    if (this.elementParts !== undefined || this.depth !== 0)
      throw new Error('the answer ended in the middle of a document');
    return Buffer.concat(this.rest).toString('utf8');
  }

  private endString(): void {
    this.inString = false;
    this.lastString = this.keyBytes ? String.fromCharCode(...this.keyBytes) : undefined;
    this.keyBytes = undefined;
  }

  private isTargetArray(): boolean {
    if (this.elementParts !== undefined || this.arrayDepth >= 0) return false;
    if (this.array === 'docs') return this.depth === 2 && this.keys[1] === 'docs';
    return this.depth === 3 && this.keys[1] === 'hits' && this.keys[2] === 'hits';
  }
}
