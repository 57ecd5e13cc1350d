/**
 * TanStack Query hooks over the API. Keys carry the filters as their URL form; the time window is
 * resolved when the request runs, so a periodic refetch slides "last 1h" forward.
 */
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useApi } from "../auth/auth-context.js";
import { type EventFilters, filtersToApi, filtersToSearch, resolveRange } from "../filters/filters.js";
import type {
  ApiEvent,
  EventDetail,
  EventStats,
  GeoPoint,
  KeyCount,
  Page,
  SiteSummary,
  Source,
  SystemStatus,
  Timeline,
  TopDimension,
} from "./types.js";

interface LiveOptions {
  /** Refetch period in ms (the dashboard refreshes itself); off when absent. */
  refreshMs?: number;
}

const keyOf = (filters: EventFilters): string => filtersToSearch(filters).toString();

export function useSites() {
  const api = useApi();
  return useQuery({
    queryKey: ["sites"],
    queryFn: ({ signal }) => api.get<{ items: SiteSummary[] }>("/api/v1/sites", undefined, signal),
    select: (data) => data.items,
    staleTime: 60_000,
  });
}

export function useEventStats(filters: EventFilters, options: LiveOptions = {}) {
  const api = useApi();
  return useQuery({
    queryKey: ["events", "stats", keyOf(filters)],
    queryFn: ({ signal }) =>
      api.get<EventStats>("/api/v1/events/stats", filtersToApi(filters, Date.now()), signal),
    refetchInterval: options.refreshMs ?? false,
    placeholderData: keepPreviousData,
  });
}

export function useTimeline(filters: EventFilters, options: LiveOptions = {}) {
  const api = useApi();
  return useQuery({
    queryKey: ["events", "timeline", keyOf(filters)],
    queryFn: ({ signal }) =>
      api.get<Timeline>("/api/v1/events/timeline", filtersToApi(filters, Date.now()), signal),
    refetchInterval: options.refreshMs ?? false,
    placeholderData: keepPreviousData,
  });
}

export function useTop(dim: TopDimension, filters: EventFilters, limit: number, options: LiveOptions = {}) {
  const api = useApi();
  return useQuery({
    queryKey: ["events", "top", dim, limit, keyOf(filters)],
    queryFn: ({ signal }) => {
      const params = filtersToApi(filters, Date.now());
      params.set("dim", dim);
      params.set("limit", String(limit));
      return api.get<{ items: KeyCount[] }>("/api/v1/events/top", params, signal);
    },
    select: (data) => data.items,
    refetchInterval: options.refreshMs ?? false,
    placeholderData: keepPreviousData,
  });
}

export function useGeo(filters: EventFilters, options: LiveOptions = {}) {
  const api = useApi();
  return useQuery({
    queryKey: ["events", "geo", keyOf(filters)],
    queryFn: ({ signal }) =>
      api.get<{ items: GeoPoint[] }>("/api/v1/events/geo", filtersToApi(filters, Date.now()), signal),
    select: (data) => data.items,
    refetchInterval: options.refreshMs ?? false,
    placeholderData: keepPreviousData,
  });
}

interface PageParam {
  cursor: string | null;
  from: string;
  to: string;
}

export const PAGE_SIZE = 100;

/** Cursor pages of events. The window is fixed when the first page loads so "load more" continues it. */
export function useEventPages(filters: EventFilters) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: ["events", "list", keyOf(filters)],
    initialPageParam: null as PageParam | null,
    queryFn: async ({ pageParam, signal }) => {
      const span = pageParam ?? resolveRange(filters, Date.now());
      const params = filtersToApi(filters, Date.now());
      params.set("from", span.from);
      params.set("to", span.to);
      params.set("limit", String(PAGE_SIZE));
      if (pageParam?.cursor) params.set("cursor", pageParam.cursor);
      const page = await api.get<Page<ApiEvent>>("/api/v1/events", params, signal);
      return { ...page, span };
    },
    getNextPageParam: (last): PageParam | null =>
      last.next_cursor ? { cursor: last.next_cursor, from: last.span.from, to: last.span.to } : null,
    refetchOnWindowFocus: false,
  });
}

export function useEventDetail(id: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: ["events", "detail", id],
    queryFn: ({ signal }) =>
      api.get<EventDetail>(`/api/v1/events/${encodeURIComponent(id ?? "")}`, undefined, signal),
    enabled: id !== null,
    staleTime: 5 * 60_000,
  });
}

export function useSources() {
  const api = useApi();
  return useQuery({
    queryKey: ["sources"],
    queryFn: ({ signal }) => api.get<{ items: Source[] }>("/api/v1/sources", undefined, signal),
    select: (data) => data.items,
    refetchInterval: 30_000,
  });
}

export function useSystemStatus() {
  const api = useApi();
  return useQuery({
    queryKey: ["status"],
    queryFn: ({ signal }) => api.get<SystemStatus>("/api/v1/status", undefined, signal),
    refetchInterval: 5_000,
  });
}
