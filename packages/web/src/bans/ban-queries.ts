/** TanStack Query hooks and mutations for bans and pending approvals. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  Ban,
  BanDetail,
  BanEnforcement,
  BanStats,
  EnforcementSummary,
  PendingBan,
} from "../api/response-types.js";
import { useApi, useIsStaff } from "../auth/auth-context.js";
import { useLiveRefresh } from "../live/use-live-refresh.js";

/** Rows per table; the search box narrows beyond that (the tables say when more exist). */
export const BAN_PAGE = 200;

export const BAN_KEYS = {
  all: ["bans"] as const,
  list: (status: string, q: string, site = "") => ["bans", "list", status, q, site] as const,
  detail: (ip: string) => ["bans", "detail", ip] as const,
  pending: ["bans", "pending"] as const,
  stats: ["bans", "stats"] as const,
  enforcement: ["bans", "enforcement"] as const,
  enforcedOn: (ip: string) => ["bans", "enforced-on", ip] as const,
  activeIps: ["bans", "active-ips"] as const,
};

/** Every ban message refreshes everything under ["bans"]: lists, the open drawer, the counts. */
export function useBanLiveRefresh(): void {
  useLiveRefresh(["new_ban", "ban_removed", "ban_pending", "ban_updated"], [BAN_KEYS.all]);
}

export function useBans(status: string, q: string, site = "") {
  const api = useApi();
  return useQuery({
    queryKey: BAN_KEYS.list(status, q, site),
    queryFn: ({ signal }) =>
      api.get<{ items: Ban[]; next_cursor: string | null }>(
        "/api/v1/bans",
        { status, q, limit: BAN_PAGE, ...(site ? { site } : {}) },
        signal,
      ),
    placeholderData: keepPreviousData,
    // Expiry happens on the server without a message when a worker is late; a slow poll covers it.
    refetchInterval: 60_000,
  });
}

export function useBanDetail(ip: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: BAN_KEYS.detail(ip ?? ""),
    queryFn: ({ signal }) =>
      api.get<BanDetail>(`/api/v1/bans/${encodeURIComponent(ip ?? "")}`, undefined, signal),
    enabled: ip !== null,
  });
}

export function usePendingBans() {
  const api = useApi();
  return useQuery({
    queryKey: BAN_KEYS.pending,
    queryFn: ({ signal }) => api.get<{ items: PendingBan[] }>("/api/v1/bans/pending", undefined, signal),
    select: (data) => data.items,
    refetchInterval: 60_000,
  });
}

export function useBanStats() {
  const api = useApi();
  return useQuery({
    queryKey: BAN_KEYS.stats,
    queryFn: ({ signal }) => api.get<BanStats>("/api/v1/bans/stats", undefined, signal),
    refetchInterval: 60_000,
  });
}

/** Whether bans reach any enforcement point (banner on Bans and the dashboard). */
export function useEnforcementSummary() {
  const api = useApi();
  // Staff-only (enforcement is the operator's): a client's user is not asked, and sees no banner.
  const staff = useIsStaff();
  return useQuery({
    queryKey: BAN_KEYS.enforcement,
    queryFn: ({ signal }) => api.get<EnforcementSummary>("/api/v1/bans/enforcement", undefined, signal),
    refetchInterval: 60_000,
    enabled: staff,
  });
}

/** Each target's and bouncer's state for one IP's ban (the drawer). */
export function useBanEnforcement(ip: string | null) {
  const api = useApi();
  // Staff-only like the summary; the drawer leaves "Enforced on" out for a client's user.
  const staff = useIsStaff();
  return useQuery({
    queryKey: BAN_KEYS.enforcedOn(ip ?? ""),
    queryFn: ({ signal }) =>
      api.get<BanEnforcement>(`/api/v1/bans/${encodeURIComponent(ip ?? "")}/enforcement`, undefined, signal),
    enabled: ip !== null && staff,
    // Sync states move on their own (a firewall catching up, a bouncer pulling).
    refetchInterval: 15_000,
  });
}

type ActiveIps = { ips: string[]; truncated: boolean };
// One set per response, shared by every badge's observer (each runs `select` on its own).
const ipSets = new WeakMap<ActiveIps, ReadonlySet<string>>();
function toIpSet(data: ActiveIps): ReadonlySet<string> {
  let set = ipSets.get(data);
  if (!set) {
    set = new Set(data.ips);
    ipSets.set(data, set);
  }
  return set;
}

/**
 * The IPs banned now, as a set: one cached query shared by every "banned" badge on every page.
 * Ban messages invalidate it on the Bans page; elsewhere the poll keeps it fresh enough.
 */
export function useActiveBanIps() {
  const api = useApi();
  return useQuery({
    queryKey: BAN_KEYS.activeIps,
    queryFn: ({ signal }) => api.get<ActiveIps>("/api/v1/bans/active-ips", undefined, signal),
    select: toIpSet,
    staleTime: 20_000,
    refetchInterval: 30_000,
  });
}

/** A manual ban (POST /api/v1/bans); no site: global, which only operator staff may ask for. */
export type BanInput = { ip: string; reason: string; duration?: string; confirm?: boolean; site?: string };

/** Mutations that refresh every ban view when they succeed (the WebSocket message may come later). */
export function useBanActions() {
  const api = useApi();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: BAN_KEYS.all });
  const ban = useMutation({
    mutationFn: (input: BanInput) => api.post<Ban>("/api/v1/bans", input),
    onSuccess: refresh,
  });
  const unban = useMutation({
    mutationFn: ({ ip, immunityHours }: { ip: string; immunityHours: number | null }) =>
      api.request<Ban>("DELETE", `/api/v1/bans/${encodeURIComponent(ip)}`, {
        query: { immunity_hours: immunityHours },
      }),
    onSuccess: refresh,
  });
  const review = useMutation({
    mutationFn: ({ id, verdict, note }: { id: string; verdict: "approve" | "reject"; note: string }) =>
      api.post<unknown>(`/api/v1/bans/pending/${encodeURIComponent(id)}/${verdict}`, note ? { note } : {}),
    onSuccess: refresh,
  });
  return { ban, unban, review };
}
