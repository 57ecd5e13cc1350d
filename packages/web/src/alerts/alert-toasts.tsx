import { Anchor, Notification, Portal, Stack, Text } from "@mantine/core";
import { useEffect, useRef, useState } from "react";
import { Link } from "react-router";
import { useLive, useLiveInterest } from "../live/live-context.js";
import { severityColor } from "../severity.js";
import { loudAlert } from "./alert-live.js";
import type { Alert } from "./alert-types.js";

const SHOW_MS = 12_000;
const MAX_TOASTS = 4;
/** Every page shows the toasts, so every page receives alerts (and nothing else unless it asks). */
const ALERTS_ONLY = { topics: ["alerts"] } as const;

/**
 * A toast for every new critical or high alert, wherever the analyst is in the console, with a link
 * to the alert. Lower severities only update the list and the nav badge: a wall of toasts trains
 * people to ignore them.
 */
export function AlertToasts() {
  const { listenMessages } = useLive();
  useLiveInterest(ALERTS_ONLY);
  const [toasts, setToasts] = useState<Alert[]>([]);
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());

  useEffect(() => {
    const all = timers.current;
    const dismiss = (id: string) => {
      clearTimeout(all.get(id));
      all.delete(id);
      setToasts((list) => list.filter((a) => a.id !== id));
    };
    const off = listenMessages((message) => {
      const alert = loudAlert(message);
      if (!alert) return;
      setToasts((list) => [alert, ...list.filter((a) => a.id !== alert.id)].slice(0, MAX_TOASTS));
      clearTimeout(all.get(alert.id));
      all.set(
        alert.id,
        setTimeout(() => dismiss(alert.id), SHOW_MS),
      );
    });
    return () => {
      off();
      for (const timer of all.values()) clearTimeout(timer);
      all.clear();
    };
  }, [listenMessages]);

  const close = (id: string) => {
    clearTimeout(timers.current.get(id));
    timers.current.delete(id);
    setToasts((list) => list.filter((a) => a.id !== id));
  };

  if (toasts.length === 0) return null;
  return (
    <Portal>
      <Stack gap="xs" pos="fixed" bottom={16} right={16} w={360} style={{ zIndex: 1000 }}>
        {toasts.map((a) => (
          <Notification
            key={a.id}
            color={severityColor(a.severity)}
            title={`${a.severity.toUpperCase()} alert · ${a.site || "all sites"}`}
            onClose={() => close(a.id)}
            withBorder
            data-testid="alert-toast"
            data-alert-id={a.id}
          >
            <Text size="sm" lineClamp={2}>
              {a.title}
            </Text>
            <Anchor
              component={Link}
              to={`/alerts/${encodeURIComponent(a.id)}`}
              size="sm"
              onClick={() => close(a.id)}
            >
              Open the alert
            </Anchor>
          </Notification>
        ))}
      </Stack>
    </Portal>
  );
}
