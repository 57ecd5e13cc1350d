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
