/**
 * A least-recently-used cache on a Map (which keeps insertion order): a hit moves the entry to the
 * back, and inserting past capacity evicts the front. Values may be null, so "known to be nothing"
 * (a private address, an unrouted block) is cached too.
 */
export class LruCache<V> {
  private readonly map = new Map<string, V>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.map.size;
  }

  /** The cached value, or undefined on a miss (distinct from a cached null). */
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v === undefined) return undefined;
    // Delete + set moves the entry to the back of the Map's order: it becomes the most recent.
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  set(key: string, value: V): void {
    if (this.map.has(key)) this.map.delete(key);
    else if (this.map.size >= this.capacity) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    this.map.set(key, value);
  }

  clear(): void {
    this.map.clear();
  }
}
