import { Alert, Badge, Button, Group, Modal, Stack, Table, Text } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../api/problem.js";
import { useApi } from "../auth/auth-context.js";
import { ClientTag } from "../components/client-tag.js";
import { ErrorNote, Loading } from "../components/query-state.js";
import { QueryTable, type TableQuery } from "../components/query-table.js";
import { formatTime } from "../format.js";
import { CheckDeleteActions } from "./check-delete-actions.js";
import type { Leaks, Mailbox } from "./vigimail-types.js";

/** HIBP descriptions are HTML: shown as plain text, never injected. */
const plain = (html: string) =>
  html
    .replace(/<[^>]*>/g, "")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");

function BreachModal(p: { email: string | null; onClose: () => void }) {
  const api = useApi();
  const leaks = useQuery({
    queryKey: ["vigimail", "leaks", p.email],
    queryFn: ({ signal }) =>
      api.get<Leaks>(`/api/v1/vigimail/emails/${encodeURIComponent(p.email ?? "")}/leaks`, undefined, signal),
    enabled: p.email !== null,
  });
  return (
    <Modal opened={p.email !== null} onClose={p.onClose} title={`Breaches of ${p.email ?? ""}`} size="lg">
      {leaks.isPending ? (
        <Loading />
      ) : leaks.error || !leaks.data ? (
        <ErrorNote error={leaks.error} onRetry={() => void leaks.refetch()} />
      ) : (
        <Stack gap="sm" data-testid="breach-modal">
          {leaks.data.last_error && (
            <Alert color="orange" variant="light">
              The last check failed ({leaks.data.last_error}). These breaches are as of{" "}
              {leaks.data.last_success_at
                ? formatTime(leaks.data.last_success_at)
                : "no successful check yet"}
              .
            </Alert>
          )}
          {leaks.data.breaches.length === 0 ? (
            <Text size="sm">No known breach.</Text>
          ) : (
            leaks.data.breaches.map((b) => (
              <Stack key={`${b.source}-${b.name}`} gap={2} data-testid="breach" data-name={b.name}>
                <Group gap={6}>
                  <Text fw={600} size="sm">
                    {b.title}
                  </Text>
                  {b.breach_date && (
                    <Badge size="xs" variant="default">
                      {b.breach_date}
                    </Badge>
                  )}
                  <Badge size="xs" variant="light">
                    {b.source === "hibp" ? "Have I Been Pwned" : "LeakCheck"}
                  </Badge>
                  {!b.verified && (
                    <Badge size="xs" color="gray">
                      unverified
                    </Badge>
                  )}
                  {b.sensitive && (
                    <Badge size="xs" color="grape">
                      sensitive
                    </Badge>
                  )}
                </Group>
                <Text size="xs">Exposed: {b.data_classes.join(", ") || "unknown"}</Text>
                {b.description && (
                  <Text size="xs" c="dimmed" lineClamp={4}>
                    {plain(b.description)}
                  </Text>
                )}
                <Text size="xs" c="dimmed">
                  First seen {formatTime(b.first_seen)} · last seen {formatTime(b.last_seen)}
                </Text>
              </Stack>
            ))
          )}
          <Text size="xs" c="dimmed">
            Breach data: Have I Been Pwned (CC BY 4.0) and LeakCheck.
          </Text>
        </Stack>
      )}
    </Modal>
  );
}

export function MailboxTable(p: { query: TableQuery<Mailbox>; canAct: boolean; showClient: boolean }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [shown, setShown] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["vigimail"] });
  const check = useMutation({
    mutationFn: (email: string) =>
      api.post<{ ok: boolean; error: string | null }>(
        `/api/v1/vigimail/emails/${encodeURIComponent(email)}/check`,
        {},
      ),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (email: string) => api.delete(`/api/v1/vigimail/emails/${encodeURIComponent(email)}`),
    onSuccess: refresh,
  });
  return (
    <Stack gap="xs">
      {(check.error || remove.error) && (
        <Alert color="red" variant="light">
          {errorMessage(check.error ?? remove.error)}
        </Alert>
      )}
      <QueryTable
        query={p.query}
        columns={["Mailbox", "Leaks", "Last check", ""]}
        empty="No mailboxes yet. Add one to learn whether it appears in known breaches."
        testId="vigimail-mailboxes"
        minWidth={560}
      >
        {(items) =>
          items.map((m) => (
            <Table.Tr key={m.email} data-testid="vigimail-mailbox-row" data-email={m.email}>
              <Table.Td>
                <Group gap={4}>
                  <Text size="xs" fw={600}>
                    {m.email}
                  </Text>
                  {p.showClient && <ClientTag client={m.client} />}
                </Group>
                {m.last_error && (
                  <Text size="xs" c="orange">
                    {m.last_error}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Button
                  size="compact-xs"
                  variant="light"
                  color={m.status === "leaked" ? "red" : m.status === "clean" ? "teal" : "gray"}
                  onClick={() => setShown(m.email)}
                  data-testid="mailbox-leaks"
                >
                  {m.status === "leaked"
                    ? `${m.leak_count} breach${m.leak_count === 1 ? "" : "es"}`
                    : m.status === "clean"
                      ? "none known"
                      : "not checked"}
                </Button>
              </Table.Td>
              <Table.Td className="num">{m.last_check_at ? formatTime(m.last_check_at) : "never"}</Table.Td>
              <Table.Td ta="right">
                <CheckDeleteActions
                  item={m.email}
                  canAct={p.canAct}
                  check={check}
                  remove={remove}
                  confirm={`Stop monitoring ${m.email}? Its stored breaches are deleted.`}
                  testPrefix="mailbox"
                />
              </Table.Td>
            </Table.Tr>
          ))
        }
      </QueryTable>
      <BreachModal email={shown} onClose={() => setShown(null)} />
    </Stack>
  );
}
