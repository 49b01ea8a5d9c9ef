// A hash of `_source` that does not depend on key order: the same document re-serialised by another engine,
// client or reindex may order its keys differently and still be the same document.
// Numbers are compared as JavaScript reads them (integers beyond 2^53 lose precision on both sides alike).
import { createHash, type Hash } from 'node:crypto';

export function sourceHash(source: unknown): string {
  return createHash('md5').update(canonicalJson(source)).digest('base64url');
}

/** JSON with object keys sorted at every depth; array order is kept because it is meaningful. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  const parts: string[] = [];
  for (const key of keys) {
    if (record[key] === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  }
  return `{${parts.join(',')}}`;
}

/** Above this many characters a `_source` is hashed from its text, without building its objects. */
const PARSE_LIMIT = 256 * 1024;

/**
 * sourceHash of a raw `_source` text, equal to sourceHash(JSON.parse(text)). A large document is canonicalised
 * straight from its text into the hash: a parse of a 20 MB document with many small objects builds several times
 * its size in objects, and building its canonical text (as canonicalJson does) holds it again, whole.
 */
export function sourceTextHash(text: string): string {
  if (text.length <= PARSE_LIMIT) return sourceHash(JSON.parse(text));
  const hash = createHash('md5');
  new CanonicalText(text, hash).whole();
  return hash.digest('base64url');
}

/**
 * canonicalJson read off a JSON text and written to a hash as it goes. An object's members are only located
 * (key and where its value starts), sorted, then each value is written from its place in the text, so what is
 * held at any time is the keys of the objects being written, never a value's canonical text.
 */
class CanonicalText {
  private i = 0;
  private pending: string[] = [];
  private pendingChars = 0;

  constructor(
    private readonly text: string,
    private readonly hash: Hash,
  ) {}

  whole(): void {
    this.value();
    this.flush();
  }

  /** Writes the value at the cursor and moves past it. */
  private value(): void {
    this.space();
    const c = this.text.charCodeAt(this.i);
    if (c === 123 /* { */) {
      this.object();
      return;
    }
    if (c === 91 /* [ */) {
      this.array();
      return;
    }
    if (c === 34 /* " */) {
      const token = this.stringToken();
      // Without an escape the text is already what JSON.stringify would write (a decoded text has no raw
      // control characters); with one, it is decoded and written again, as canonicalJson would.
      this.write(token.includes('\\') ? JSON.stringify(JSON.parse(token)) : token);
      return;
    }
    const token = this.scalarToken();
    this.write(
      token === 'true' || token === 'false' || token === 'null' ? token : JSON.stringify(JSON.parse(token)),
    );
  }

  private object(): void {
    const members = this.members();
    const end = this.i;
    this.write('{');
    let first = true;
    for (const key of [...members.keys()].sort()) {
      this.write(`${first ? '' : ','}${JSON.stringify(key)}:`);
      this.i = members.get(key)!;
      this.value();
      first = false;
    }
    this.write('}');
    this.i = end;
  }

  /**
   * Where each member's value starts, the last of a repeated key winning (as JSON.parse does); leaves the
   * cursor just past the object.
   */
  private members(): Map<string, number> {
    const members = new Map<string, number>();
    this.i++;
    this.space();
    if (this.text.charCodeAt(this.i) === 125 /* } */) {
      this.i++;
      return members;
    }
    for (;;) {
      this.space();
      const key = JSON.parse(this.stringToken()) as string;
      this.space();
      this.expect(58 /* : */);
      this.space();
      members.delete(key);
      members.set(key, this.i);
      this.skip();
      this.space();
      if (this.text.charCodeAt(this.i) === 44 /* , */) this.i++;
      else {
        this.expect(125 /* } */);
        return members;
      }
    }
  }

  private array(): void {
    this.i++;
    this.write('[');
    this.space();
    if (this.text.charCodeAt(this.i) === 93 /* ] */) {
      this.i++;
      this.write(']');
      return;
    }
    for (let first = true; ; first = false) {
      if (!first) this.write(',');
      this.value();
      this.space();
      if (this.text.charCodeAt(this.i) === 44 /* , */) this.i++;
      else {
        this.expect(93 /* ] */);
        this.write(']');
        return;
      }
    }
  }

  /** Moves past the value at the cursor without writing it (its text is checked when it is written). */
  private skip(): void {
    const c = this.text.charCodeAt(this.i);
    if (c === 34 /* " */) {
      this.stringToken();
      return;
    }
    if (c !== 123 /* { */ && c !== 91 /* [ */) {
      this.scalarToken();
      return;
    }
    let depth = 0;
    for (;;) {
      const d = this.text.charCodeAt(this.i);
      if (d === 34) {
        this.stringToken();
        continue;
      }
      if (Number.isNaN(d)) throw new SyntaxError('unexpected end of _source');
      this.i++;
      if (d === 123 || d === 91) depth++;
      else if ((d === 125 || d === 93) && --depth === 0) return;
    }
  }

  private scalarToken(): string {
    const start = this.i;
    while (this.i < this.text.length && !END_OF_SCALAR.has(this.text.charCodeAt(this.i))) this.i++;
    return this.text.slice(start, this.i);
  }

  private stringToken(): string {
    const start = this.i;
    this.expect(34 /* " */);
    for (;;) {
      const quote = this.text.indexOf('"', this.i);
      if (quote < 0) throw new SyntaxError('unterminated string in _source');
      let slashes = 0;
      for (let k = quote - 1; k >= start && this.text.charCodeAt(k) === 92 /* \ */; k--) slashes++;
      this.i = quote + 1;
      if (slashes % 2 === 0) return this.text.slice(start, this.i);
    }
  }

  /** Parts go to the hash in pieces of about 64 k characters: one update per token would cost more than it hashes. */
  private write(part: string): void {
    this.pending.push(part);
    this.pendingChars += part.length;
    if (this.pendingChars >= 65_536) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.hash.update(this.pending.join(''));
    this.pending = [];
    this.pendingChars = 0;
  }

  private space(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.i);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return;
      this.i++;
    }
  }

  private expect(code: number): void {
    if (this.text.charCodeAt(this.i) !== code)
      throw new SyntaxError(
        `unexpected character at ${this.i} in _source (wanted ${String.fromCharCode(code)})`,
      );
    this.i++;
  }
}

const END_OF_SCALAR = new Set([44 /* , */, 93 /* ] */, 125 /* } */, 32, 10, 13, 9]);
