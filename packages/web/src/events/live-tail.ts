import { useCallback, useEffect, useRef, useState } from "react";
import type { ApiEvent, Page } from "../api/types.js";
import { useApi } from "../auth/auth-context.js";
import { type EventFilters, filtersToApi } from "../filters/filters.js";
import { useLive, useLiveInterest } from "../live/live-context.js";

/** Rows the tail keeps above the loaded pages; older arrivals are what "Refresh" is for. */
export const TAIL_CAP = 500;
const TAIL_BATCH = 200;
/** At most one tail query this often, however fast the stats ticks come. */
const TAIL_MIN_MS = 2_000;

/**
 * New rows for the top of the list: the fetched ones not yet shown, newest first, capped. Pure.
 * `gap` says more arrived than one fetch returns (the analyst should refresh to see them all).
 */
export function prependTail(
  tail: readonly ApiEvent[],
  fetched: Page<ApiEvent>,
  shown: ReadonlySet<string>,
  cap: number = TAIL_CAP,
): { tail: ApiEvent[]; gap: boolean } {
  const fresh = fetched.items.filter((e) => !shown.has(e.event_id));
  return { tail: [...fresh, ...tail].slice(0, cap), gap: fresh.length > 0 && fetched.next_cursor !== null };
}

/** A live tail follows only a window that runs up to now. */
export function canTail(filters: EventFilters): boolean {
  return filters.range !== "custom" || filters.to === "";
}

/**
 * The explorer's live tail. While on, each live `stats` tick (events arrived on the filtered site)
 * asks the API for the events matching the same filters since the newest one shown — the server's
 * filter, not a second copy of it in the browser — and puts them at the top. The socket carries one
 * small message a second, not the events.
 */
export function useLiveTail(filters: EventFilters, on: boolean, shown: readonly ApiEvent[]) {
  const api = useApi();
  const { listenMessages } = useLive();
  const [tail, setTail] = useState<ApiEvent[]>([]);
  const [gap, setGap] = useState(false);
  const latest = useRef({ filters, shown, tail });
  latest.current = { filters, shown, tail };
  const active = on && canTail(filters);
  useLiveInterest(active ? { topics: ["stats"], sites: filters.site ? [filters.site] : [] } : null);

  const reset = useCallback(() => {
    setTail([]);
    setGap(false);
  }, []);

  // New filters start a new list.
  const filterKey = JSON.stringify(filters);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the filters' value changes
  useEffect(reset, [filterKey, reset]);

  useEffect(() => {
    if (!active) return;
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let inFlight = false;
    const controller = new AbortController();
    const pull = async () => {
      timer = null;
      if (inFlight) return;
      inFlight = true;
      last = Date.now();
      try {
        const { filters: f, shown: rows, tail: t } = latest.current;
        const newest = t[0]?.timestamp ?? rows[0]?.timestamp;
        const params = filtersToApi(f, Date.now());
        // Inclusive: an event on the same millisecond as the newest shown is kept; ids dedupe the rest.
        if (newest && newest > (params.get("from") ?? "")) params.set("from", newest);
        params.set("limit", String(TAIL_BATCH));
        const page = await api.get<Page<ApiEvent>>("/api/v1/events", params, controller.signal);
        const ids = new Set([...latest.current.tail, ...latest.current.shown].map((e) => e.event_id));
        const next = prependTail(latest.current.tail, page, ids);
        setTail(next.tail);
        if (next.gap) setGap(true);
      } catch {
        // A failed pull is retried at the next tick.
      } finally {
        inFlight = false;
      }
    };
    void pull();
    const stop = listenMessages((m) => {
      if (m.type !== "stats" || timer) return;
      timer = setTimeout(pull, Math.max(0, last + TAIL_MIN_MS - Date.now()));
    });
    return () => {
      stop();
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [active, api, listenMessages]);

  return { tail, gap: active && gap, reset, available: canTail(filters) };
}
