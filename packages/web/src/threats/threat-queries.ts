/** TanStack Query hooks for the IP page and the Advanced Threat page. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Alert } from "../alerts/alert-types.js";
import type { ApiClient } from "../api/client.js";
import type { Page } from "../api/types.js";
import { useApi, useAuth } from "../auth/auth-context.js";
import { roleAtLeast } from "../auth/roles.js";
import type { IpSummary, ThreatLookupResult, ThreatProviderStatus } from "./threat-types.js";

export const THREAT_KEYS = {
  all: ["threats"] as const,
  lookup: (ip: string) => ["threats", "lookup", ip] as const,
  cached: (ip: string) => ["threats", "cached", ip] as const,
  providers: ["threats", "providers"] as const,
  summary: (ip: string) => ["ips", "summary", ip] as const,
  alerts: (ip: string) => ["alerts", "ip", ip] as const,
};

const path = (ip: string) => encodeURIComponent(ip);

export function useIpSummary(ip: string) {
  const api = useApi();
  return useQuery({
    queryKey: THREAT_KEYS.summary(ip),
    queryFn: ({ signal }) => api.get<IpSummary>(`/api/v1/ips/${path(ip)}`, undefined, signal),
    refetchInterval: 60_000,
  });
}

/**
 * The IP's threat score. For audit the server answers from the cache only (403 when never looked
 * up); for an analyst a cache miss asks the providers, which is what opening an IP's page is for.
 */
export function useThreat(ip: string) {
  const api = useApi();
  const { user } = useAuth();
  // Audit may not ask providers: it reads the stored result, null when there is none (204).
  const cacheOnly = !roleAtLeast(user?.role, "analyst");
  return useQuery({
    queryKey: [...THREAT_KEYS.lookup(ip), cacheOnly],
    queryFn: async ({ signal }) =>
      (await api.get<ThreatLookupResult | undefined>(
        `/api/v1/threats/${path(ip)}`,
        cacheOnly ? { cache_only: "true" } : undefined,
        signal,
      )) ?? null,
    staleTime: 5 * 60_000,
  });
}

/** The stored score only (null when never looked up): lists of many IPs never spend provider quota. */
export function cachedThreatQuery(api: ApiClient, ip: string) {
  return {
    queryKey: THREAT_KEYS.cached(ip),
    queryFn: async ({ signal }: { signal: AbortSignal }) =>
      (await api.get<ThreatLookupResult | undefined>(
        `/api/v1/threats/${path(ip)}`,
        { cache_only: "true" },
        signal,
      )) ?? null,
    staleTime: 5 * 60_000,
  };
}

/** "Look up again": asks every provider afresh (analyst); the answer replaces the cached one. */
export function useThreatRefresh() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (ip: string) =>
      api.get<ThreatLookupResult>(`/api/v1/threats/${path(ip)}`, { refresh: "true" }),
    onSuccess: (result, ip) => {
      queryClient.setQueryData([...THREAT_KEYS.lookup(ip), false], result);
      queryClient.setQueryData(THREAT_KEYS.cached(ip), result);
      void queryClient.invalidateQueries({ queryKey: THREAT_KEYS.providers });
    },
  });
}

export function useThreatProviders() {
  const api = useApi();
  return useQuery({
    queryKey: THREAT_KEYS.providers,
    queryFn: ({ signal }) =>
      api.get<{ items: ThreatProviderStatus[] }>("/api/v1/threats/providers", undefined, signal),
    select: (data) => data.items,
    refetchInterval: 60_000,
  });
}

/**
 * Alerts about one IP. The alerts API has no IP filter: `q` matches text inside the title or the
 * group value, so the answer is narrowed here to alerts grouped on exactly this IP or naming it.
 */
export function useIpAlerts(ip: string) {
  const api = useApi();
  return useQuery({
    queryKey: THREAT_KEYS.alerts(ip),
    queryFn: ({ signal }) => api.get<Page<Alert>>("/api/v1/alerts", { q: ip, limit: 50 }, signal),
    select: (data) => data.items.filter((a) => alertIsAbout(a, ip)),
  });
}

/** Exact match: "1.2.3.4" must not pick up the alerts of "1.2.3.45". */
export function alertIsAbout(alert: Pick<Alert, "group_value" | "title">, ip: string): boolean {
  if (alert.group_value === ip) return true;
  const escaped = ip.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^0-9A-Za-z.:])${escaped}($|[^0-9A-Za-z:]|\\.(?![0-9]))`).test(alert.title);
}
