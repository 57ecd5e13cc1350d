import { Badge, Button, Progress, Stack, Table, Text, Tooltip } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useApi, useIsStaff } from "../../auth/auth-context.js";
import { Empty } from "../../components/query-state.js";
import { QueryTable } from "../../components/query-table.js";
import { formatTime } from "../../format.js";
import { SettingsPage } from "../settings-layout.js";
import { ProviderSettingsForm } from "./provider-form.js";
import {
  keyText,
  PROVIDERS_KEY,
  type ProviderSetting,
  providerLabel,
  quotaShare,
} from "./threat-settings-types.js";

/**
 * Settings → Threat intelligence (staff admins): every provider with its tier, whether it is
 * configured and where its key comes from, today's calls against its limit, back-off and last
 * error, and a form to set the key and the limit. Keys are the platform's, so client admins do not
 * see this page (the server refuses them anyway).
 */
export function ThreatSettingsPage() {
  const staff = useIsStaff();
  const api = useApi();
  const providers = useQuery({
    queryKey: PROVIDERS_KEY,
    queryFn: ({ signal }) =>
      api.get<{ items: ProviderSetting[] }>("/api/v1/threats/providers", undefined, signal),
    select: (d) => d.items,
    enabled: staff,
    refetchInterval: 30_000,
  });
  const [editing, setEditing] = useState<string | null>(null);
  const edited = providers.data?.find((p) => p.name === editing) ?? null;
  if (!staff) return <Empty>Threat-intelligence settings are for operator staff.</Empty>;
  return (
    <SettingsPage
      title="Threat intelligence"
      description="The providers a threat lookup asks, tier 1 always, tier 2 above a score of 30, tier 3 above 60. A key set here wins over the environment's and is never shown again."
    >
      <QueryTable
        query={providers}
        testId="threat-providers-table"
        columns={["Provider", "Tier", "Status", "Key", "Today / limit", "Last error", ""]}
        empty="No providers."
        minWidth={900}
      >
        {(items) =>
          items.map((p) => (
            <Table.Tr key={p.name} data-testid="threat-provider-row" data-name={p.name}>
              <Table.Td fw={600}>{providerLabel(p.name)}</Table.Td>
              <Table.Td>{p.tier}</Table.Td>
              <Table.Td data-testid="threat-provider-status">
                <ProviderState p={p} />
              </Table.Td>
              <Table.Td data-testid="threat-provider-key-source">{keyText(p)}</Table.Td>
              <Table.Td w={180}>
                <Quota p={p} />
              </Table.Td>
              <Table.Td maw={260}>
                {p.last_error ? (
                  <Tooltip label={p.last_error} multiline w={320} withinPortal>
                    <Text size="xs" c="red" lineClamp={2} data-testid="threat-provider-error">
                      {p.last_error_at ? `${formatTime(p.last_error_at)}: ` : ""}
                      {p.last_error}
                    </Text>
                  </Tooltip>
                ) : (
                  <Text size="xs" c="dimmed">
                    none
                  </Text>
                )}
              </Table.Td>
              <Table.Td ta="right">
                {/* IPsum has neither key nor quota: nothing to edit. */}
                {!p.list && (
                  <Button
                    size="compact-xs"
                    variant="default"
                    onClick={() => setEditing(p.name)}
                    data-testid="threat-provider-edit"
                  >
                    Edit
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))
        }
      </QueryTable>
      {edited && <ProviderSettingsForm provider={edited} onClose={() => setEditing(null)} />}
    </SettingsPage>
  );
}

function ProviderState({ p }: { p: ProviderSetting }) {
  const backingOff = p.backoff_until !== null;
  return (
    <Stack gap={2}>
      <Badge size="sm" variant="light" color={p.configured ? (backingOff ? "orange" : "green") : "gray"}>
        {p.configured ? (backingOff ? "backing off" : "configured") : "not configured"}
      </Badge>
      {backingOff && p.backoff_until && (
        <Text size="xs" c="dimmed">
          until {formatTime(p.backoff_until)}
        </Text>
      )}
      {p.list?.enabled && (
        <Text size="xs" c="dimmed">
          {p.list.entries === null
            ? "list not loaded yet"
            : `${p.list.entries.toLocaleString()} IPs${p.list.loaded_at ? `, ${formatTime(p.list.loaded_at)}` : ""}`}
        </Text>
      )}
      {p.list && !p.list.enabled && (
        <Text size="xs" c="dimmed">
          download off (VIGIL_TI_IPSUM_ENABLED)
        </Text>
      )}
    </Stack>
  );
}

function Quota({ p }: { p: ProviderSetting }) {
  if (p.list) return <Text size="xs">no quota (from memory)</Text>;
  const share = quotaShare(p);
  const limit = p.daily_limit === null ? "no limit" : p.daily_limit.toLocaleString();
  return (
    <Stack gap={2} data-testid="threat-provider-quota">
      <Text size="xs" className="num">
        {p.used_today.toLocaleString()} / {limit}
        {p.limit_source === "console" ? " (set here)" : ""}
      </Text>
      {share !== null && (
        <Progress value={share} size="sm" color={share >= 100 ? "red" : share >= 80 ? "orange" : "blue"} />
      )}
    </Stack>
  );
}
