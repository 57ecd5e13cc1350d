import { Badge } from "@mantine/core";
import { useLiveRefresh } from "../live/use-live-refresh.js";
import { ALERT_KEYS, useAlertStats } from "./alert-queries.js";

/** The count of open alerts beside "Alerts" in the navigation; red while any critical/high is open. */
export function OpenAlertsBadge() {
  const stats = useAlertStats();
  useLiveRefresh(["alert", "alert_updated"], [ALERT_KEYS.stats]);
  const open = stats.data?.open ?? 0;
  if (open === 0) return null;
  const loud = (stats.data?.by_severity.critical ?? 0) + (stats.data?.by_severity.high ?? 0) > 0;
  return (
    <Badge size="xs" color={loud ? "red" : "yellow"} circle={open < 10} data-testid="nav-alerts-badge">
      {open > 999 ? "999+" : open}
    </Badge>
  );
}
