import { Text } from "@mantine/core";
import type { UseQueryResult } from "@tanstack/react-query";
import type { KeyCount } from "../api/types.js";
import { BannedBadge } from "../bans/banned-badge.js";
import { Empty, ErrorNote, Loading } from "../components/query-state.js";
import { countryName } from "../format.js";
import { IpLink } from "../threats/ip-link.js";
import { RankedList } from "./ranked-list.js";

/** `label` for a source IP is its country code when the server knows it. */
function countryOf(label: string | undefined) {
  if (!label) return null;
  return (
    <Text size="xs" c="dimmed" fw={600} title={countryName(label)} style={{ whiteSpace: "nowrap" }}>
      {label}
    </Text>
  );
}

export function TopAttackers({
  query,
  onPick,
}: {
  query: UseQueryResult<KeyCount[]>;
  onPick: (ip: string) => void;
}) {
  if (query.error && !query.data)
    return <ErrorNote compact error={query.error} onRetry={() => void query.refetch()} />;
  if (!query.data) return <Loading />;
  if (query.data.length === 0) return <Empty>No drops, rejections or detections in this range.</Empty>;
  return (
    <RankedList
      color="red"
      rowTestId="top-attacker"
      onPick={onPick}
      items={query.data.map((item) => ({
        key: item.key,
        count: item.count,
        label: (
          <Text size="sm" ff="monospace" className="truncate">
            <IpLink ip={item.key} />
          </Text>
        ),
        extra: (
          <>
            {countryOf(item.label)}
            <BannedBadge ip={item.key} />
          </>
        ),
      }))}
    />
  );
}
