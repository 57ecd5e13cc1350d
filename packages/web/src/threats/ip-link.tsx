import { ActionIcon, Anchor, Tooltip } from "@mantine/core";
import type { MouseEvent } from "react";
import { Link } from "react-router";

/** The IP page of an address: `/ip/2001:db8::1` (encoded, so an IPv6 address stays one segment). */
export function ipPagePath(ip: string): string {
  return `/ip/${encodeURIComponent(ip)}`;
}

/** The explorer on one source IP. */
export function ipEventsPath(ip: string, range = "24h", key: "src_ip" | "dst_ip" = "src_ip"): string {
  return `/events?${new URLSearchParams({ range, [key]: ip }).toString()}`;
}

// Links sit inside clickable rows (an event opens its drawer, an alert its page): a click on the IP
// is for the IP alone.
const own = (e: MouseEvent) => e.stopPropagation();

function FunnelIcon() {
  return (
    <svg width="12" height="12" viewBox="0 0 16 16" aria-hidden="true" fill="currentColor">
      <path d="M1 2h14l-5.5 6.5V14l-3-1.5V8.5z" />
    </svg>
  );
}

/**
 * An IP anywhere in the console: the address opens its IP page. With `filter`, a small funnel beside
 * it keeps the older pivot, the explorer filtered on that IP (as a source, or `"dst_ip"`).
 * `onNavigate` lets a drawer close.
 */
export function IpLink({
  ip,
  filter = false,
  onNavigate,
}: {
  ip: string;
  filter?: boolean | "src_ip" | "dst_ip";
  onNavigate?: () => void;
}) {
  if (!ip) return null;
  const go = (e: MouseEvent) => {
    own(e);
    onNavigate?.();
  };
  return (
    <>
      <Anchor
        component={Link}
        to={ipPagePath(ip)}
        onClick={go}
        ff="monospace"
        inherit
        data-testid="ip-link"
        data-ip={ip}
        title={`Investigate ${ip}`}
      >
        {ip}
      </Anchor>
      {filter && (
        <Tooltip label="Show this IP's events" openDelay={300}>
          <ActionIcon
            component={Link}
            to={ipEventsPath(ip, "24h", filter === "dst_ip" ? "dst_ip" : "src_ip")}
            onClick={go}
            variant="subtle"
            color="gray"
            size="xs"
            ml={2}
            aria-label={`Show the events of ${ip}`}
            data-testid="ip-filter-link"
            style={{ verticalAlign: "middle" }}
          >
            <FunnelIcon />
          </ActionIcon>
        </Tooltip>
      )}
    </>
  );
}
