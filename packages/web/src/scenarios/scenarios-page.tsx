import { Badge, Button, Group, Stack, Switch, Table, Text, Title, Tooltip } from "@mantine/core";
import { useState } from "react";
import type { ScenarioItem } from "../api/response-types.js";
import { useAuth } from "../auth/auth-context.js";
import { roleAtLeast } from "../auth/roles.js";
import { Empty, ErrorNote, Loading } from "../components/query-state.js";
import { SeverityBadge } from "../components/severity-badge.js";
import { formatCount, formatTime } from "../format.js";
import { usePageTitle } from "../layout/use-page-title.js";
import { type EditTarget, ScenarioEditor } from "./scenario-editor.js";
import { useScenarioActions, useScenarios } from "./scenario-queries.js";
import { NEW_SCENARIO_YAML, setEnabledInYaml } from "./scenario-yaml.js";
import { SigmaImport } from "./sigma-import.js";

function thresholdText(s: ScenarioItem): string {
  const what = s.distinct ? `distinct ${s.distinct}` : "events";
  return `≥ ${s.threshold} ${what} / ${s.window} by ${s.group_by}`;
}

export function ScenariosPage() {
  usePageTitle("Scenarios");
  const { user } = useAuth();
  // Scenarios are the platform's: a client's users read them and may test them, not change them.
  // Scenarios are the platform's: operator supervisors and admins edit them.
  const isAdmin = roleAtLeast(user?.role, "supervisor") && !user?.client;
  const canTest = roleAtLeast(user?.role, "analyst");
  const scenarios = useScenarios();
  const { save, remove } = useScenarioActions();
  const [editing, setEditing] = useState<EditTarget | null>(null);
  const [importing, setImporting] = useState(false);

  const toggle = (s: ScenarioItem, enabled: boolean) =>
    save.mutate({ name: s.name, yaml: setEnabledInYaml(s.yaml, enabled) });

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={3}>Scenarios</Title>
        {isAdmin && (
          <Group gap="xs">
            <Button size="xs" variant="default" onClick={() => setImporting(true)} data-testid="sigma-import">
              Import Sigma
            </Button>
            <Button
              size="xs"
              onClick={() => setEditing({ name: null, yaml: NEW_SCENARIO_YAML })}
              data-testid="scenario-new"
            >
              New scenario
            </Button>
          </Group>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        Detection rules evaluated on every event as it arrives. A change takes effect at once.
      </Text>
      {(save.error || remove.error) && (
        <ErrorNote title="Could not change the scenario" error={save.error ?? remove.error} />
      )}
      {scenarios.isPending ? (
        <Loading />
      ) : scenarios.error ? (
        <ErrorNote error={scenarios.error} onRetry={() => void scenarios.refetch()} />
      ) : scenarios.data.length === 0 ? (
        <Empty>No scenarios loaded.</Empty>
      ) : (
        <Table striped highlightOnHover fz="xs" verticalSpacing={4} data-testid="scenarios-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>On</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Threshold</Table.Th>
              <Table.Th>Severity</Table.Th>
              <Table.Th>Labels</Table.Th>
              <Table.Th ta="right">Fired 24 h</Table.Th>
              <Table.Th>Last fired</Table.Th>
              <Table.Th>Origin</Table.Th>
              {isAdmin && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {scenarios.data.map((s) => (
              <Table.Tr
                key={s.name}
                data-testid="scenario-row"
                data-name={s.name}
                style={{ cursor: "pointer" }}
                onClick={() => setEditing({ name: s.name, yaml: s.yaml })}
                opacity={s.enabled ? 1 : 0.55}
              >
                <Table.Td onClick={(e) => e.stopPropagation()}>
                  <Switch
                    size="xs"
                    checked={s.enabled}
                    disabled={!isAdmin || save.isPending}
                    onChange={(e) => toggle(s, e.currentTarget.checked)}
                    aria-label={`${s.enabled ? "Disable" : "Enable"} ${s.name}`}
                  />
                </Table.Td>
                <Table.Td>
                  <Tooltip label={s.description || s.name} multiline w={320}>
                    <Text size="xs" ff="monospace" fw={600}>
                      {s.name}
                    </Text>
                  </Tooltip>
                </Table.Td>
                <Table.Td>
                  <Badge size="xs" color={s.action_type === "ban" ? "red" : "yellow"} variant="light">
                    {s.action_type}
                  </Badge>
                </Table.Td>
                <Table.Td>{thresholdText(s)}</Table.Td>
                <Table.Td>
                  <SeverityBadge severity={s.severity} />
                </Table.Td>
                <Table.Td>
                  <Group gap={2}>
                    {s.labels.map((l) => (
                      <Badge key={l} size="xs" variant="outline" color="gray">
                        {l}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td ta="right" className="num">
                  {formatCount(s.fired_24h)}
                </Table.Td>
                <Table.Td className="num">{s.last_fired ? formatTime(s.last_fired) : "never"}</Table.Td>
                <Table.Td c="dimmed">{s.origin}</Table.Td>
                {isAdmin && (
                  <Table.Td ta="right" onClick={(e) => e.stopPropagation()}>
                    {!s.origin.startsWith("builtin") && (
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        color="red"
                        onClick={() => {
                          if (window.confirm(`Delete scenario ${s.name}?`)) remove.mutate(s.name);
                        }}
                      >
                        Delete
                      </Button>
                    )}
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <ScenarioEditor target={editing} canEdit={isAdmin} canTest={canTest} onClose={() => setEditing(null)} />
      <SigmaImport opened={importing} onClose={() => setImporting(false)} />
    </Stack>
  );
}
