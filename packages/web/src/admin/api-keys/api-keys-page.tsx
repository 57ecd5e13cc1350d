import { Badge, Button, Group, Table, Text } from "@mantine/core";
import { useState } from "react";
import { useApi } from "../../auth/auth-context.js";
import { ErrorNote } from "../../components/query-state.js";
import { QueryTable } from "../../components/query-table.js";
import { formatTime } from "../../format.js";
import { timeOrNever } from "../admin-format.js";
import { ADMIN_KEYS, apiPath, useAdminMutation, useApiKeys } from "../admin-queries.js";
import type { CreatedApiKey } from "../admin-types.js";
import { SettingsPage } from "../settings-layout.js";
import { ApiKeyForm } from "./api-key-form.js";
import { KeyReveal } from "./key-reveal.js";

export function ApiKeysPage() {
  const api = useApi();
  const keys = useApiKeys();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const revoke = useAdminMutation(
    (id: string) => api.delete(apiPath("/api/v1/api-keys", id)),
    [ADMIN_KEYS.apiKeys],
  );

  return (
    <SettingsPage
      title="API keys"
      description="Keys for machines: HTTP ingest, metrics scrapers, firewalls fetching the blocklist. A key is shown once, when it is created."
      action={
        <Button size="xs" onClick={() => setCreating(true)} data-testid="api-key-new">
          New API key
        </Button>
      }
    >
      {revoke.error ? <ErrorNote title="Not revoked" error={revoke.error} /> : null}
      <QueryTable
        query={keys}
        testId="api-keys-table"
        columns={8}
        empty="No API keys yet."
        minWidth={860}
        head={
          <>
            <Table.Th>Name</Table.Th>
            <Table.Th>Key</Table.Th>
            <Table.Th>Scopes</Table.Th>
            <Table.Th>Site</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th />
          </>
        }
      >
        {(items) =>
          items.map((k) => (
            <Table.Tr
              key={k.id}
              data-testid="api-key-row"
              data-name={k.name}
              data-revoked={String(k.revoked_at !== null)}
              opacity={k.revoked_at ? 0.55 : 1}
            >
              <Table.Td fw={600}>{k.name}</Table.Td>
              <Table.Td ff="monospace">{k.prefix}…</Table.Td>
              <Table.Td>
                <Group gap={2} wrap="nowrap">
                  {k.scopes.map((s) => (
                    <Badge key={s} size="xs" variant="outline">
                      {s}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td data-testid="api-key-site-cell">
                {k.site ?? (
                  <Text span size="xs" c="dimmed">
                    every site
                  </Text>
                )}
              </Table.Td>
              <Table.Td className="num">
                {formatTime(k.created_at)}
                {k.created_by ? ` by ${k.created_by}` : ""}
              </Table.Td>
              <Table.Td className="num">{timeOrNever(k.last_used_at)}</Table.Td>
              <Table.Td data-testid="api-key-status">
                {k.revoked_at ? `revoked ${formatTime(k.revoked_at)}` : "active"}
              </Table.Td>
              <Table.Td ta="right">
                {!k.revoked_at && (
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    color="red"
                    loading={revoke.isPending && revoke.variables === k.id}
                    onClick={() => {
                      if (
                        window.confirm(`Revoke the key ${k.name}? Whatever uses it is refused from now on.`)
                      )
                        revoke.mutate(k.id);
                    }}
                    data-testid="api-key-revoke"
                  >
                    Revoke
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))
        }
      </QueryTable>
      {creating && (
        <ApiKeyForm
          onClose={() => setCreating(false)}
          onCreated={(key) => {
            setCreating(false);
            setCreated(key);
          }}
        />
      )}
      {created && <KeyReveal created={created} onClose={() => setCreated(null)} />}
    </SettingsPage>
  );
}
