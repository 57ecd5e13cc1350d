import { type QueryKey, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useLive, useLiveInterest } from "./live-context.js";
import { type Topic, topicOfType } from "./subscriptions.js";

/**
 * Refetches the given queries when the server announces a change of one of `types` over the
 * WebSocket (new_ban, ban_removed, …). Refetching rather than patching the cache keeps filters,
 * sorting and paging on the server, where they are defined once. Subscribes the live channel to the
 * topics of those types while the caller is mounted.
 */
export function useLiveRefresh(types: readonly string[], keys: readonly QueryKey[]): void {
  const { listenMessages } = useLive();
  const queryClient = useQueryClient();
  // The caller passes fresh array literals each render; keep the latest without re-subscribing.
  const latest = useRef({ types, keys });
  latest.current = { types, keys };
  const topics = [...new Set(types.map(topicOfType).filter((t): t is Topic => t !== undefined))].sort();
  useLiveInterest(topics.length > 0 ? { topics } : null);
  useEffect(
    () =>
      listenMessages((message) => {
        if (!latest.current.types.includes(message.type)) return;
        for (const queryKey of latest.current.keys) void queryClient.invalidateQueries({ queryKey });
      }),
    [listenMessages, queryClient],
  );
}
