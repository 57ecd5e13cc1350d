/**
 * A bounded cache with least-recently-used eviction in two generations: new entries and hits go to the
 * young Map; when it is full it becomes the old one and the previous old one is dropped whole. That
 * keeps every operation O(1) with no per-hit delete (a delete + set per hit on one big Map made the
 * ingest hot path slow). Values may be null, so "known to be nothing" is cached too.
 */
export class LruCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();
  private readonly generation: number;

  constructor(readonly capacity: number) {
    this.generation = Math.max(1, Math.ceil(capacity / 2));
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  /** The cached value, or undefined on a miss (distinct from a cached null). */
  get(key: string): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o === undefined) return undefined;
    this.old.delete(key);
    this.put(key, o);
    return o;
  }

  set(key: string, value: V): void {
    if (this.young.has(key)) this.young.set(key, value);
    else {
      this.old.delete(key);
      this.put(key, value);
    }
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }

  private put(key: string, value: V): void {
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}
