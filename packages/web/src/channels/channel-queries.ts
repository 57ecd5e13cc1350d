/** TanStack Query hooks and mutations for notification channels. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useApi } from "../auth/auth-context.js";
import type { ChannelDelivery, ChannelInput, ChannelTestResult, ChannelView } from "./channel-types.js";

export const CHANNEL_KEYS = {
  all: ["channels"] as const,
  deliveries: (id: string) => ["channels", "deliveries", id] as const,
};

export function useChannels() {
  const api = useApi();
  return useQuery({
    queryKey: CHANNEL_KEYS.all,
    queryFn: ({ signal }) => api.get<{ items: ChannelView[] }>("/api/v1/channels", undefined, signal),
    select: (data) => data.items,
    // Deliveries and suppressed counts change as alerts go out; no message announces them.
    refetchInterval: 30_000,
  });
}

export function useDeliveries(id: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: CHANNEL_KEYS.deliveries(id ?? ""),
    queryFn: ({ signal }) =>
      api.get<{ items: ChannelDelivery[] }>(
        `/api/v1/channels/${encodeURIComponent(id ?? "")}/deliveries`,
        { limit: 20 },
        signal,
      ),
    select: (data) => data.items,
    enabled: id !== null,
  });
}

export function useChannelActions() {
  const api = useApi();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: CHANNEL_KEYS.all });
  const save = useMutation({
    mutationFn: ({ id, input }: { id: string | null; input: ChannelInput }) =>
      id
        ? api.put<ChannelView>(`/api/v1/channels/${encodeURIComponent(id)}`, input)
        : api.post<ChannelView>("/api/v1/channels", input),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/channels/${encodeURIComponent(id)}`),
    onSuccess: refresh,
  });
  const test = useMutation({
    mutationFn: (id: string) =>
      api.post<ChannelTestResult>(`/api/v1/channels/${encodeURIComponent(id)}/test`, {}),
    onSettled: refresh,
  });
  return { save, remove, test };
}
