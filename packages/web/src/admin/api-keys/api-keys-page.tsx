import { Badge, Group, Table, Text } from "@mantine/core";
import { useState } from "react";
import { useApi } from "../../auth/auth-context.js";
import { ErrorNote } from "../../components/query-state.js";
import { QueryTable } from "../../components/query-table.js";
import { ConfirmButton } from "../../components/row-actions.js";
import { formatTime } from "../../format.js";
import { timeOrNever } from "../admin-format.js";
import { ADMIN_KEYS, apiPath, useAdminMutation, useApiKeys, useUserNames } from "../admin-queries.js";
import type { CreatedApiKey } from "../admin-types.js";
import { SettingsPage } from "../settings-layout.js";
import { ApiKeyForm } from "./api-key-form.js";
import { KeyReveal } from "./key-reveal.js";

export function ApiKeysPage() {
  const api = useApi();
  const keys = useApiKeys();
  const nameOf = useUserNames();
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
      action={{ label: "New API key", onClick: () => setCreating(true), testId: "api-key-new" }}
    >
      {revoke.error ? <ErrorNote title="Not revoked" error={revoke.error} /> : null}
      <QueryTable
        query={keys}
        testId="api-keys-table"
        columns={["Name", "Key", "Scopes", "Site", "Created", "Last used", "Status", ""]}
        empty="No API keys yet."
        minWidth={860}
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
                    {k.client ? `every site of ${k.client}` : "every site"}
                  </Text>
                )}
              </Table.Td>
              <Table.Td className="num">
                {formatTime(k.created_at)}
                {k.created_by && nameOf.has(k.created_by) ? ` by ${nameOf.get(k.created_by)}` : ""}
              </Table.Td>
              <Table.Td className="num">{timeOrNever(k.last_used_at)}</Table.Td>
              <Table.Td data-testid="api-key-status">
                {k.revoked_at ? `revoked ${formatTime(k.revoked_at)}` : "active"}
              </Table.Td>
              <Table.Td ta="right">
                {!k.revoked_at && (
                  <ConfirmButton
                    confirm={`Revoke the key ${k.name}? Whatever uses it is refused from now on.`}
                    onConfirm={() => revoke.mutate(k.id)}
                    loading={revoke.isPending && revoke.variables === k.id}
                    testId="api-key-revoke"
                  >
                    Revoke
                  </ConfirmButton>
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
