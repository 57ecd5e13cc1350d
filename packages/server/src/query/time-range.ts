/**
 * The times the event store can hold and compare. `DateTime64(3)` covers 1900-01-01 to 2299-12-31; a
 * query outside is refused naming the bound rather than silently answering nothing.
 */
export const MIN_TIME_MS = Date.UTC(1900, 0, 1);
/** Last millisecond of 2299 (DateTime64's top). `to` is exclusive, so it may be one ms past this. */
export const MAX_TIME_MS = Date.UTC(2300, 0, 1) - 1;

/**
 * `toStartOfHour` of a DateTime64 is a 32-bit `DateTime` (1970-01-01 to 2106-02-07 06:28:15), so the
 * hour bounds that let the sorting key prune are only right for times in that range; outside it a
 * query must go without them (slower, still correct).
 */
const DATETIME32_MAX_MS = 4_294_967_295_000;

export function hasHourKey(ms: number): boolean {
  return ms >= 0 && ms <= DATETIME32_MAX_MS;
}

export function inStoreRange(ms: number): boolean {
  return ms >= MIN_TIME_MS && ms <= MAX_TIME_MS + 1;
}
