import { Badge, Button, Table, Text } from "@mantine/core";
import { ErrorNote, Loading } from "../components/query-state.js";
import { formatTime } from "../format.js";
import { useOwnSessions, useSignOutSession } from "./account-api.js";

/** A user agent is long; the browser and system are what a person recognises. */
function shortAgent(agent: string | null): string {
  if (!agent) return "unknown";
  const browser = /(Edg|Firefox|Chrome|Safari|curl|node)\/[\d.]+/.exec(agent)?.[0] ?? "";
  const system = /\(([^;)]+)/.exec(agent)?.[1] ?? "";
  return [browser, system].filter(Boolean).join(" on ") || agent.slice(0, 60);
}

export function SessionsSection() {
  const sessions = useOwnSessions();
  const signOut = useSignOutSession();
  return (
    <>
      {signOut.error ? <ErrorNote title="Not signed out" error={signOut.error} /> : null}
      {sessions.isPending ? (
        <Loading />
      ) : sessions.error || !sessions.data ? (
        <ErrorNote error={sessions.error} onRetry={() => void sessions.refetch()} />
      ) : (
        <Table.ScrollContainer minWidth={640} type="native">
          <Table striped fz="xs" verticalSpacing={4} data-testid="sessions-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Signed in</Table.Th>
                <Table.Th>Last seen</Table.Th>
                <Table.Th>Address</Table.Th>
                <Table.Th>Browser</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sessions.data.map((s) => (
                <Table.Tr key={s.id} data-testid="session-row" data-current={String(s.current)}>
                  <Table.Td className="num">{formatTime(s.created_at)}</Table.Td>
                  <Table.Td className="num">{formatTime(s.last_seen_at)}</Table.Td>
                  <Table.Td className="num">{s.ip ?? ""}</Table.Td>
                  <Table.Td>
                    <Text size="xs" title={s.user_agent ?? undefined}>
                      {shortAgent(s.user_agent)}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    {s.current ? (
                      <Badge size="sm" variant="light" color="green">
                        This session
                      </Badge>
                    ) : (
                      <Button
                        size="compact-xs"
                        variant="default"
                        loading={signOut.isPending && signOut.variables === s.id}
                        onClick={() => signOut.mutate(s.id)}
                        data-testid="session-signout"
                      >
                        Sign out
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </>
  );
}
