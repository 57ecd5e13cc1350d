/** The workbench's API: types of `/api/v1/search/*` (search-schemas.ts) and their TanStack hooks. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { HistoryEntry, SavedSearch } from "../../../server/src/search/saved-searches.js";
import { useApi } from "../auth/auth-context.js";
import type { ResultColumn } from "./export.js";

export interface KqlSchema {
  tables: { name: string; description: string; columns: ResultColumn[] }[];
  operators: string[];
  functions: string[];
  aggregations: string[];
}

export interface KqlResult {
  columns: ResultColumn[];
  rows: unknown[][];
  truncated: boolean;
  stats: { rows_read: number; bytes_read: number; elapsed_ms: number };
}

export interface KqlRequest {
  query: string;
  from: string;
  to: string;
  limit: number;
}

/** The server's own shapes of a saved query and a history row, not copies. */
export type { HistoryEntry };
export type SavedQuery = SavedSearch;

export interface Template {
  id: string;
  name: string;
  description: string;
  query: string;
  range_days: number;
}

/** Where a refused query went wrong, from the 400's problem body. */
export interface KqlProblem {
  line?: number;
  column?: number;
  expected?: string;
  suggestions?: string[];
  limit?: string;
}

export function useKqlSchema() {
  const api = useApi();
  return useQuery({
    queryKey: ["search", "schema"],
    queryFn: ({ signal }) => api.get<KqlSchema>("/api/v1/search/schema", undefined, signal),
    staleTime: 10 * 60_000,
  });
}

export function useRunKql() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: KqlRequest) => api.post<KqlResult>("/api/v1/search/kql", body),
    // Refused queries are kept in the history too.
    onSettled: () => void client.invalidateQueries({ queryKey: ["search", "history"] }),
  });
}

export function useSavedQueries() {
  const api = useApi();
  return useQuery({
    queryKey: ["search", "saved"],
    queryFn: ({ signal }) => api.get<{ items: SavedQuery[] }>("/api/v1/search/saved", undefined, signal),
    select: (data) => data.items,
  });
}

export function useSaveQuery() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; query: string; description?: string }) =>
      api.post<SavedQuery>("/api/v1/search/saved", body),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["search", "saved"] }),
  });
}

export function useDeleteSaved() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/search/saved/${encodeURIComponent(id)}`),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["search", "saved"] }),
  });
}

export function useHistory() {
  const api = useApi();
  return useQuery({
    queryKey: ["search", "history"],
    queryFn: ({ signal }) =>
      api.get<{ items: HistoryEntry[] }>("/api/v1/search/history", { limit: 50 }, signal),
    select: (data) => data.items,
  });
}

export function useTemplates() {
  const api = useApi();
  return useQuery({
    queryKey: ["search", "templates"],
    queryFn: ({ signal }) => api.get<{ items: Template[] }>("/api/v1/search/templates", undefined, signal),
    select: (data) => data.items,
    staleTime: 60 * 60_000,
  });
}
