import { Badge, Tooltip } from "@mantine/core";
import { useActiveBanIps } from "./ban-queries.js";

/**
 * A small "banned" mark beside an IP wherever IPs are shown; nothing when the IP is not banned now
 * (or before the list has loaded). Every badge reads one cached query of the banned IPs.
 */
export function BannedBadge({ ip }: { ip: string | null | undefined }) {
  const banned = useActiveBanIps();
  if (!ip || !banned.data?.has(ip)) return null;
  return (
    <Tooltip label="This IP is banned now (see Bans)" openDelay={300}>
      <Badge
        size="xs"
        color="red"
        variant="light"
        ml={4}
        style={{ flexShrink: 0 }}
        data-testid="banned-badge"
      >
        banned
      </Badge>
    </Tooltip>
  );
}
