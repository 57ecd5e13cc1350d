/** TanStack Query hooks and mutations for alerts; the WebSocket's alert messages refresh them. */
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import type { Page, User } from "../api/types.js";
import { useApi, useAuth } from "../auth/auth-context.js";
import { useLiveRefresh } from "../live/use-live-refresh.js";
import { type AlertFilters, alertFiltersToApi } from "./alert-filters.js";
import type { AlertVerb } from "./alert-format.js";
import type { Alert, AlertDetail, AlertStats } from "./alert-types.js";

export const ALERT_PAGE = 100;

export const ALERT_KEYS = {
  all: ["alerts"] as const,
  list: (query: string) => ["alerts", "list", query] as const,
  detail: (id: string) => ["alerts", "detail", id] as const,
  stats: ["alerts", "stats"] as const,
};

/** A new or changed alert refreshes every alert view: lists, the open detail, the counts. */
export function useAlertLiveRefresh(): void {
  useLiveRefresh(["alert", "alert_updated"], [ALERT_KEYS.all]);
}

export function useAlertPages(filters: AlertFilters) {
  const api = useApi();
  const query = alertFiltersToApi(filters).toString();
  return useInfiniteQuery({
    queryKey: ALERT_KEYS.list(query),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => {
      const params = new URLSearchParams(query);
      params.set("limit", String(ALERT_PAGE));
      if (pageParam) params.set("cursor", pageParam);
      return api.get<Page<Alert>>("/api/v1/alerts", params, signal);
    },
    getNextPageParam: (last) => last.next_cursor ?? null,
    placeholderData: keepPreviousData,
  });
}

export function useAlertDetail(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: ALERT_KEYS.detail(id),
    queryFn: ({ signal }) =>
      api.get<AlertDetail>(`/api/v1/alerts/${encodeURIComponent(id)}`, undefined, signal),
  });
}

export function useAlertStats() {
  const api = useApi();
  return useQuery({
    queryKey: ALERT_KEYS.stats,
    queryFn: ({ signal }) => api.get<AlertStats>("/api/v1/alerts/stats", undefined, signal),
    // Messages refresh it; the slow poll covers a socket that was down when an alert changed.
    refetchInterval: 60_000,
  });
}

/** Usernames for the assign/escalate pickers. Only admins may list users; others type a name. */
export function useUsernames() {
  const api = useApi();
  const { user } = useAuth();
  return useQuery({
    queryKey: ["users", "names"],
    queryFn: ({ signal }) => api.get<{ items: User[] }>("/api/v1/users", undefined, signal),
    select: (data) => data.items.map((u) => u.username),
    enabled: user?.role === "admin",
    staleTime: 60_000,
  });
}

export type AlertCommand =
  | { verb: "acknowledge" | "investigate" | "reopen"; note?: string }
  | { verb: "assign"; user: string }
  | { verb: "escalate"; user: string; note?: string }
  | { verb: "resolve"; resolution: "resolved" | "false_positive"; note?: string };

function bodyOf(command: AlertCommand): Record<string, unknown> {
  const { verb: _verb, ...body } = command;
  // An empty note is no note.
  if ("note" in body && !body.note?.trim()) delete body.note;
  return body;
}

export function useAlertCommands(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  const onSuccess = (alert: Alert) => {
    queryClient.setQueryData<AlertDetail>(ALERT_KEYS.detail(id), (old) => (old ? { ...old, ...alert } : old));
    return queryClient.invalidateQueries({ queryKey: ALERT_KEYS.all });
  };
  const command = useMutation({
    mutationFn: (c: AlertCommand) =>
      api.post<Alert>(`/api/v1/alerts/${encodeURIComponent(id)}/${c.verb satisfies AlertVerb}`, bodyOf(c)),
    onSuccess,
  });
  const comment = useMutation({
    mutationFn: (text: string) =>
      api.post<unknown>(`/api/v1/alerts/${encodeURIComponent(id)}/comments`, { text }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ALERT_KEYS.all }),
  });
  return { command, comment };
}
