/** TanStack Query hooks and mutations for alert rules. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useApi } from "../../auth/auth-context.js";
import { useLiveRefresh } from "../../live/use-live-refresh.js";
import type { Alert, AlertRule, AlertRuleInput, AlertRuleTestResult } from "../alert-types.js";

export const RULE_KEYS = {
  all: ["alert-rules"] as const,
  history: (id: string) => ["alert-rules", "history", id] as const,
};

export function useAlertRules() {
  const api = useApi();
  // A firing changes trigger_count / last_triggered_at.
  useLiveRefresh(["alert"], [RULE_KEYS.all]);
  return useQuery({
    queryKey: RULE_KEYS.all,
    queryFn: ({ signal }) => api.get<{ items: AlertRule[] }>("/api/v1/alert-rules", undefined, signal),
    select: (data) => data.items,
  });
}

export function useRuleHistory(id: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: RULE_KEYS.history(id ?? ""),
    queryFn: ({ signal }) =>
      api.get<{ items: Alert[] }>(
        `/api/v1/alert-rules/${encodeURIComponent(id ?? "")}/history`,
        { limit: 50 },
        signal,
      ),
    select: (data) => data.items,
    enabled: id !== null,
  });
}

export interface RuleTestRequest {
  /** The saved rule to test; null = the unsaved `rule`. */
  id: string | null;
  rule: AlertRuleInput;
  from: string;
  to: string;
}

export function useRuleActions() {
  const api = useApi();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: RULE_KEYS.all });
  const save = useMutation({
    mutationFn: ({ id, rule }: { id: string | null; rule: AlertRuleInput }) =>
      id
        ? api.put<AlertRule>(`/api/v1/alert-rules/${encodeURIComponent(id)}`, rule)
        : api.post<AlertRule>("/api/v1/alert-rules", rule),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/alert-rules/${encodeURIComponent(id)}`),
    onSuccess: refresh,
  });
  // The editor tests what is on screen: the unsaved body, so a change can be tried before saving.
  const test = useMutation({
    mutationFn: ({ rule, from, to }: RuleTestRequest) =>
      api.post<AlertRuleTestResult>("/api/v1/alert-rules/test", { rule, from, to }),
  });
  return { save, remove, test };
}
