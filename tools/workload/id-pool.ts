// A set of ids with O(1) add, remove and random pick: the generator picks targets among 100k+ ids per op.
import type { Rng } from './prng.js';

export class IdPool {
  private readonly ids: string[] = [];
  private readonly positions = new Map<string, number>();

  get size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    return this.positions.has(id);
  }

  add(id: string): void {
    if (this.positions.has(id)) return;
    this.positions.set(id, this.ids.length);
    this.ids.push(id);
  }

  delete(id: string): void {
    const position = this.positions.get(id);
    if (position === undefined) return;
    const last = this.ids.pop() as string;
    this.positions.delete(id);
    if (last !== id) {
      this.ids[position] = last;
      this.positions.set(last, position);
    }
  }

  /** A random id that `accept` agrees to, or undefined after a few refusals (e.g. all tried were locked). */
  pick(rng: Rng, accept: (id: string) => boolean, tries = 8): string | undefined {
    for (let i = 0; i < tries && this.ids.length > 0; i++) {
      const id = this.ids[rng.int(this.ids.length)] as string;
      if (accept(id)) return id;
    }
    return undefined;
  }
}
