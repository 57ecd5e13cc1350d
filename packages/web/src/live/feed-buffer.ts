/** The live feed's list: newest first, no duplicates, never longer than the cap. Pure. */
export const FEED_CAP = 200;

export function prependCapped<T extends { event_id: string }>(
  rows: readonly T[],
  arrivals: readonly T[],
  cap: number = FEED_CAP,
): T[] {
  if (arrivals.length === 0) return rows.slice(0, cap);
  const seen = new Set<string>();
  const out: T[] = [];
  // Arrivals are in the order received, so the last one is the newest and goes first.
  for (let i = arrivals.length - 1; i >= 0 && out.length < cap; i--) {
    const row = arrivals[i];
    if (row && !seen.has(row.event_id)) {
      seen.add(row.event_id);
      out.push(row);
    }
  }
  for (const row of rows) {
    if (out.length >= cap) break;
    if (!seen.has(row.event_id)) {
      seen.add(row.event_id);
      out.push(row);
    }
  }
  return out;
}

/** Whether a live event belongs on a dashboard narrowed to one site (empty = all sites). */
export function matchesSite(event: { site: string }, site: string): boolean {
  return site === "" || event.site === site;
}

/**
 * The last events the socket delivered, kept for the whole signed-in console so the live feed is not
 * empty again each time the analyst comes back to the dashboard. Appends are O(1); the list is
 * trimmed in bulk, so a flood costs no per-event copying.
 */
export class RecentEvents<T extends { event_id: string }> {
  private items: T[] = [];
  private readonly cap: number;

  constructor(cap: number = FEED_CAP) {
    this.cap = cap;
  }

  add(item: T): void {
    this.items.push(item);
    if (this.items.length > this.cap * 2) this.items = this.items.slice(-this.cap);
  }

  /** Newest first, without duplicates, at most `cap`. */
  snapshot(): T[] {
    return prependCapped([], this.items, this.cap);
  }

  clear(): void {
    this.items = [];
  }
}
