import { useQuery } from "@tanstack/react-query";
import type { KeyCount } from "../api/types.js";
import { useApi } from "../auth/auth-context.js";
import type { SiteDetail, SiteInfo } from "./site-types.js";

/** The Sites pages are watched on a wall: both refresh on their own. */
export const SITES_REFRESH_MS = 15_000;

/** The sites the caller may see, with their client (a different key from the dashboard's cached list). */
export function useSiteList() {
  const api = useApi();
  return useQuery({
    queryKey: ["sites", "list"],
    queryFn: ({ signal }) => api.get<{ items: SiteInfo[] }>("/api/v1/sites", undefined, signal),
    select: (data) => data.items,
    refetchInterval: SITES_REFRESH_MS,
  });
}

function useSiteQuery<T>(name: string, select: (detail: SiteDetail) => T) {
  const api = useApi();
  return useQuery({
    queryKey: ["sites", "detail", name],
    queryFn: ({ signal }) =>
      api.get<SiteDetail>(`/api/v1/sites/${encodeURIComponent(name)}`, undefined, signal),
    select,
    refetchInterval: SITES_REFRESH_MS,
    enabled: name !== "",
  });
}

const whole = (detail: SiteDetail) => detail;
const attackersOf = (detail: SiteDetail): KeyCount[] =>
  detail.health.top_attackers.map((a) => ({ key: a.ip, count: a.count, label: a.country }));

/** One site and its health (rate, silence, open alerts, bans, attackers, sources). */
export function useSiteDetail(name: string) {
  return useSiteQuery(name, whole);
}

/** The same request's top attackers in the dashboard's shape, so its list shows them. */
export function useSiteAttackers(name: string) {
  return useSiteQuery(name, attackersOf);
}
