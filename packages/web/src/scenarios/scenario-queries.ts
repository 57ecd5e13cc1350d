import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { BacktestResult, ScenarioItem } from "../api/response-types.js";
import { useApi } from "../auth/auth-context.js";
import { useLiveRefresh } from "../live/use-live-refresh.js";

export function useScenarios() {
  const api = useApi();
  // A detection changes fired_24h / last_fired.
  useLiveRefresh(["detection"], [["scenarios"]]);
  return useQuery({
    queryKey: ["scenarios"],
    queryFn: ({ signal }) => api.get<{ items: ScenarioItem[] }>("/api/v1/scenarios", undefined, signal),
    select: (d) => d.items,
  });
}

export function useScenarioActions() {
  const api = useApi();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["scenarios"] });
  const save = useMutation({
    mutationFn: ({ name, yaml }: { name: string | null; yaml: string }) =>
      name
        ? api.put<ScenarioItem>(`/api/v1/scenarios/${encodeURIComponent(name)}`, { yaml })
        : api.post<ScenarioItem>("/api/v1/scenarios", { yaml }),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (name: string) => api.delete(`/api/v1/scenarios/${encodeURIComponent(name)}`),
    onSuccess: refresh,
  });
  const validate = useMutation({
    mutationFn: (yaml: string) => api.post<{ ok: true }>("/api/v1/scenarios/validate", { yaml }),
  });
  const backtest = useMutation({
    mutationFn: ({ name, from, to, yaml }: { name: string; from: string; to: string; yaml: string }) =>
      api.post<BacktestResult>(`/api/v1/scenarios/${encodeURIComponent(name)}/test`, { from, to, yaml }),
  });
  return { save, remove, validate, backtest };
}
