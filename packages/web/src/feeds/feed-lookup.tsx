import { Badge, Button, Group, Text, TextInput } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import type { FeedLookup as Lookup } from "../api/response-types.js";
import { useApi } from "../auth/auth-context.js";
import { looksLikeIp } from "../bans/ban-format.js";
import { ErrorNote } from "../components/query-state.js";

/** Which subscribed feeds list an IP, and the reputation score that makes. */
export function FeedLookup() {
  const api = useApi();
  const [input, setInput] = useState("");
  const [ip, setIp] = useState<string | null>(null);
  const lookup = useQuery({
    queryKey: ["feeds", "lookup", ip],
    queryFn: ({ signal }) => api.get<Lookup>("/api/v1/feeds/lookup", { ip }, signal),
    enabled: ip !== null,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setIp(input.trim());
  };
  return (
    <form onSubmit={submit}>
      <Group gap="xs" align="center">
        <TextInput
          size="xs"
          placeholder="Look an IP up in the feeds"
          value={input}
          onChange={(e) => setInput(e.currentTarget.value)}
          w={240}
          error={input.trim() && !looksLikeIp(input) ? "Not an IP" : null}
          data-testid="feed-lookup-ip"
        />
        <Button
          size="xs"
          type="submit"
          variant="light"
          disabled={!looksLikeIp(input)}
          loading={lookup.isFetching}
        >
          Look up
        </Button>
        {lookup.error && <ErrorNote compact error={lookup.error} />}
        {lookup.data && (
          <Group gap={4} data-testid="feed-lookup-result">
            <Text size="sm" ff="monospace">
              {lookup.data.ip}
            </Text>
            <Text size="sm">score {lookup.data.score}</Text>
            {lookup.data.feeds.length === 0 ? (
              <Text size="sm" c="dimmed">
                in no feed
              </Text>
            ) : (
              lookup.data.feeds.map((f) => (
                <Badge key={f} size="sm" color="red" variant="light">
                  {f}
                </Badge>
              ))
            )}
          </Group>
        )}
      </Group>
    </form>
  );
}
