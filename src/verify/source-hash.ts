// A hash of `_source` that does not depend on key order: the same document re-serialised by another engine,
// client or reindex may order its keys differently and still be the same document.
// Numbers are compared as JavaScript reads them (integers beyond 2^53 lose precision on both sides alike).
import { createHash } from 'node:crypto';

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
 * straight from its text: a parse of a 20 MB document with many small objects builds several times its size
 * in objects, which a capped heap cannot hold for a few documents at once.
 */
export function sourceTextHash(text: string): string {
  if (text.length <= PARSE_LIMIT) return sourceHash(JSON.parse(text));
  const hash = createHash('md5');
  new CanonicalText(text).topLevel((part) => hash.update(part));
  return hash.digest('base64url');
}

/** canonicalJson read off a JSON text: the same output, one value at a time. */
class CanonicalText {
  private i = 0;

  constructor(private readonly text: string) {}

  /** Writes the canonical text of the whole value; an object's members go out one by one. */
  topLevel(write: (part: string) => void): void {
    this.space();
    if (this.text.charCodeAt(this.i) !== 123 /* { */) {
      write(this.value());
      return;
    }
    const members = this.members();
    write('{');
    let first = true;
    for (const key of [...members.keys()].sort()) {
      write(`${first ? '' : ','}${JSON.stringify(key)}:`);
      write(members.get(key)!);
      first = false;
    }
    write('}');
  }

  private value(): string {
    this.space();
    const c = this.text.charCodeAt(this.i);
    if (c === 123 /* { */) {
      const members = this.members();
      const keys = [...members.keys()].sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${members.get(k)}`).join(',')}}`;
    }
    if (c === 91 /* [ */) return this.array();
    if (c === 34 /* " */) {
      const token = this.stringToken();
      // Without an escape the text is already what JSON.stringify would write (a decoded text has no raw
      // control characters); with one, it is decoded and written again, as canonicalJson would.
      return token.includes('\\') ? JSON.stringify(JSON.parse(token)) : token;
    }
    const start = this.i;
    while (this.i < this.text.length && !END_OF_SCALAR.has(this.text.charCodeAt(this.i))) this.i++;
    const token = this.text.slice(start, this.i);
    if (token === 'true' || token === 'false' || token === 'null') return token;
    return JSON.stringify(JSON.parse(token));
  }

  /** An object's members, the last of a repeated key winning (as JSON.parse does), canonical values. */
  private members(): Map<string, string> {
    const members = new Map<string, string>();
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
      members.delete(key);
      members.set(key, this.value());
      this.space();
      if (this.text.charCodeAt(this.i) === 44 /* , */) this.i++;
      else {
        this.expect(125 /* } */);
        return members;
      }
    }
  }

  private array(): string {
    const parts: string[] = [];
    this.i++;
    this.space();
    if (this.text.charCodeAt(this.i) === 93 /* ] */) {
      this.i++;
      return '[]';
    }
    for (;;) {
      parts.push(this.value());
      this.space();
      if (this.text.charCodeAt(this.i) === 44 /* , */) this.i++;
      else {
        this.expect(93 /* ] */);
        return `[${parts.join(',')}]`;
      }
    }
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
