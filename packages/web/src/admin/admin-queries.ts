/** TanStack Query hooks of the settings pages: one list hook, one mutation that refreshes what it changed. */
import { type QueryKey, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { useApi, useAuth } from "../auth/auth-context.js";
import { clientOf, isStaff } from "./admin-format.js";
import type { AdminSite, AdminUser, ApiKey, Client } from "./admin-types.js";

/**
 * Query keys. Sites sit under ["sites"] so a change made on the Sources page (which lists sites too)
 * refreshes this list as well, and the reverse.
 */
export const ADMIN_KEYS = {
  users: ["users"],
  apiKeys: ["api-keys"],
  clients: ["clients"],
  sites: ["sites", "admin"],
  audit: ["audit"],
} as const satisfies Record<string, QueryKey>;

function useList<T>(key: QueryKey, path: string, enabled = true) {
  const api = useApi();
  return useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api.get<{ items: T[] }>(path, undefined, signal),
    select: (data) => data.items,
    enabled,
  });
}

export const useUsers = () => useList<AdminUser>(ADMIN_KEYS.users, "/api/v1/users");
/** Username by user id: the audit log and API keys name users by id. */
export function useUserNames(): Map<string, string> {
  const users = useUsers();
  return useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u.username])), [users.data]);
}
export const useApiKeys = () => useList<ApiKey>(ADMIN_KEYS.apiKeys, "/api/v1/api-keys");
/** Who is looking: a client's admin manages that client's users and sites only, and cannot list clients. */
export function useViewer(): { client: string | null; staff: boolean } {
  const { user } = useAuth();
  return { client: clientOf(user), staff: isStaff(user) };
}

/** Staff admins only: a client's own admin gets 403, so the page does not ask. */
export const useClients = (enabled = true) => useList<Client>(ADMIN_KEYS.clients, "/api/v1/clients", enabled);
export const useAdminSites = () => useList<AdminSite>(ADMIN_KEYS.sites, "/api/v1/sites");

/**
 * A change (create, edit, delete) that refreshes the lists it touches once the server said yes. Users
 * and sites carry counts of each other (a client's users and sites), hence several keys.
 */
export function useAdminMutation<V, R = unknown>(
  mutationFn: (variables: V) => Promise<R>,
  refresh: readonly QueryKey[],
  onDone?: (result: R) => void,
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: async (result) => {
      await Promise.all(refresh.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
      onDone?.(result);
    },
  });
}

/**
 * The save of an edit form: PUT `<base>/<id>` when editing an existing item, POST `<base>` when
 * creating one (`id` undefined).
 */
export function useSaveMutation(
  base: string,
  id: string | undefined,
  refresh: readonly QueryKey[],
  onDone: () => void,
) {
  const api = useApi();
  return useAdminMutation(
    (body: Record<string, unknown>) =>
      id === undefined ? api.post(base, body) : api.put(apiPath(base, id), body),
    refresh,
    onDone,
  );
}

/** `/api/v1/users/<id>` with the id encoded: names and ids from the server go into paths. */
export const apiPath = (base: string, id: string): string => `${base}/${encodeURIComponent(id)}`;
