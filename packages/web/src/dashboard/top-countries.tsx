import { Text } from "@mantine/core";
import type { UseQueryResult } from "@tanstack/react-query";
import type { KeyCount } from "../api/types.js";
import { Empty, ErrorNote, Loading } from "../components/query-state.js";
import { countryName } from "../format.js";
import { RankedList } from "./ranked-list.js";

export function TopCountries({
  query,
  onPick,
}: {
  query: UseQueryResult<KeyCount[]>;
  onPick: (country: string) => void;
}) {
  if (query.error && !query.data)
    return <ErrorNote compact error={query.error} onRetry={() => void query.refetch()} />;
  if (!query.data) return <Loading />;
  const known = query.data.filter((item) => item.key !== "");
  if (known.length === 0) return <Empty>No located sources in this range.</Empty>;
  return (
    <RankedList
      color="orange"
      rowTestId="top-country"
      onPick={onPick}
      items={known.map((item) => ({
        key: item.key,
        count: item.count,
        label: (
          <Text size="sm" className="truncate">
            <Text span size="xs" c="dimmed" fw={600} w={22} display="inline-block">
              {item.key}
            </Text>
            {item.label ?? countryName(item.key)}
          </Text>
        ),
      }))}
    />
  );
}
