import { Alert, Button, Code, Group, Modal, Stack, Table, Text, TextInput } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../api/problem.js";
import type { Bouncer } from "../api/response-types.js";
import { useApi } from "../auth/auth-context.js";
import { CopyTextButton } from "../components/copy-button.js";
import { Empty, ErrorNote, Loading } from "../components/query-state.js";
import { sitesLabel } from "../components/site-options.js";
import { SitesMultiSelect } from "../components/site-select.js";
import { formatTime } from "../format.js";

/** CrowdSec-compatible bouncers polling Vigil's decisions stream; a key is shown once, at creation. */
export function Bouncers({ isAdmin }: { isAdmin: boolean }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: ["enforcement", "bouncers"],
    queryFn: ({ signal }) => api.get<{ items: Bouncer[] }>("/api/v1/bouncers", undefined, signal),
    select: (d) => d.items,
    refetchInterval: 30_000,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["enforcement", "bouncers"] });
  const create = useMutation({
    mutationFn: (body: { name: string; sites: string[] }) =>
      api.post<{ id: string; name: string; api_key: string }>("/api/v1/bouncers", body),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/bouncers/${encodeURIComponent(id)}`),
    onSuccess: refresh,
  });
  const [name, setName] = useState("");
  const [sites, setSites] = useState<string[]>([]);

  return (
    <Stack gap="xs">
      <Text fw={600}>CrowdSec bouncers</Text>
      <Text size="xs" c="dimmed">
        Any stock CrowdSec bouncer (nftables, nginx, HAProxy, Cloudflare…) enforces Vigil's bans: set its API
        URL to <Code>{window.location.origin}/</Code> and its key to one created here.
      </Text>
      {isAdmin && (
        <Group gap="xs" align="flex-end">
          <TextInput
            size="xs"
            label="New bouncer name"
            placeholder="edge-nftables"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            w={240}
            data-testid="bouncer-name"
          />
          <SitesMultiSelect size="xs" w={320} value={sites} onChange={setSites} testId="bouncer-sites" />
          <Button
            size="xs"
            disabled={!name.trim()}
            loading={create.isPending}
            onClick={() =>
              create.mutate(
                { name: name.trim(), sites },
                {
                  onSuccess: () => {
                    setName("");
                    setSites([]);
                  },
                },
              )
            }
            data-testid="bouncer-create"
          >
            Create key
          </Button>
        </Group>
      )}
      {(create.error || remove.error) && (
        <Alert color="red" variant="light">
          {errorMessage(create.error ?? remove.error)}
        </Alert>
      )}
      {list.isPending ? (
        <Loading h={60} />
      ) : list.error ? (
        <ErrorNote error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <Empty h={60}>No bouncers yet.</Empty>
      ) : (
        <Table striped fz="xs" verticalSpacing={4} data-testid="bouncers-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Sites</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Last pull</Table.Th>
              <Table.Th>From</Table.Th>
              <Table.Th>Version</Table.Th>
              {isAdmin && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.map((b) => (
              <Table.Tr key={b.id} data-testid="bouncer-row">
                <Table.Td fw={600}>{b.name}</Table.Td>
                <Table.Td data-testid="bouncer-sites-cell">{sitesLabel(b.sites, "All sites")}</Table.Td>
                <Table.Td className="num">{formatTime(b.created_at)}</Table.Td>
                <Table.Td className="num">{b.last_pull ? formatTime(b.last_pull) : "never"}</Table.Td>
                <Table.Td ff="monospace">{b.ip_address ?? "—"}</Table.Td>
                <Table.Td>{b.version ?? "—"}</Table.Td>
                {isAdmin && (
                  <Table.Td ta="right">
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      color="red"
                      onClick={() => {
                        if (window.confirm(`Revoke ${b.name}'s key? It stops receiving decisions.`))
                          remove.mutate(b.id);
                      }}
                    >
                      Revoke
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Modal opened={create.data !== undefined} onClose={() => create.reset()} title="Bouncer key created">
        {create.data && (
          <Stack gap="sm">
            <Text size="sm">
              The key for <b>{create.data.name}</b>. It is shown only now: copy it into the bouncer's
              configuration.
            </Text>
            <Group gap="xs" wrap="nowrap">
              <Code block style={{ flex: 1, wordBreak: "break-all" }} data-testid="bouncer-key">
                {create.data.api_key}
              </Code>
              <CopyTextButton value={create.data.api_key} data-testid="bouncer-key-copy" />
            </Group>
            <Group justify="flex-end">
              <Button onClick={() => create.reset()}>Done</Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
