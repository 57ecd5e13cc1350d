import { Badge, Button, Group, Stack, Switch, Table, Text, Title, Tooltip } from "@mantine/core";
import { useState } from "react";
import { useAuth } from "../../auth/auth-context.js";
import { roleAtLeast } from "../../auth/roles.js";
import { useChannels } from "../../channels/channel-queries.js";
import { ClientTag } from "../../components/client-tag.js";
import { EmptyTableRow } from "../../components/empty-row.js";
import { ErrorNote, Loading } from "../../components/query-state.js";
import { SeverityBadge } from "../../components/severity-badge.js";
import { formatCount, formatTime } from "../../format.js";
import { usePageTitle } from "../../layout/use-page-title.js";
import type { AlertRule } from "../alert-types.js";
import { RuleEditor, type RuleTarget } from "./rule-editor.js";
import { formToInput, ruleToForm } from "./rule-form.js";
import { useAlertRules, useRuleActions } from "./rule-queries.js";

function thresholdText(r: AlertRule): string {
  const one = r.detection.threshold === 1;
  const what = r.detection.distinct ? `distinct ${r.detection.distinct}` : one ? "event" : "events";
  return `≥ ${r.detection.threshold} ${what} / ${r.detection.window} by ${r.detection.group_by}`;
}

export function AlertRulesPage() {
  usePageTitle("Alert rules");
  const { user } = useAuth();
  const isAdmin = roleAtLeast(user?.role, "supervisor");
  const canTest = roleAtLeast(user?.role, "analyst");
  const rules = useAlertRules();
  const channels = useChannels();
  const { save } = useRuleActions();
  const [editing, setEditing] = useState<RuleTarget | null>(null);
  const channelName = new Map((channels.data ?? []).map((c) => [c.id, c.name]));

  const toggle = (r: AlertRule, enabled: boolean) => {
    const result = formToInput({ ...ruleToForm(r), enabled });
    if (result.ok) save.mutate({ id: r.id, rule: result.rule });
  };

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={3}>Alert rules</Title>
        {isAdmin && (
          <Button size="xs" onClick={() => setEditing({ rule: null })} data-testid="rule-new">
            New rule
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        Threshold rules evaluated on every event as it arrives, on the same engine as scenarios. A rule raises
        an alert and notifies its channels; a change takes effect at once.
      </Text>
      {save.error && !editing && <ErrorNote title="Could not change the rule" error={save.error} />}
      {rules.isPending ? (
        <Loading />
      ) : rules.error ? (
        <ErrorNote error={rules.error} onRetry={() => void rules.refetch()} />
      ) : (
        <Table striped highlightOnHover fz="xs" verticalSpacing={4} data-testid="rules-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>On</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Severity</Table.Th>
              <Table.Th>Threshold</Table.Th>
              <Table.Th>Sites</Table.Th>
              <Table.Th>Channels</Table.Th>
              <Table.Th>Cooldown</Table.Th>
              <Table.Th ta="right">Triggered</Table.Th>
              <Table.Th>Last triggered</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rules.data.length === 0 && <EmptyTableRow colSpan={9}>No alert rules yet.</EmptyTableRow>}
            {rules.data.map((r) => (
              <Table.Tr
                key={r.id}
                data-testid="rule-row"
                data-rule-id={r.id}
                data-name={r.name}
                className="clickable-row"
                onClick={() => setEditing({ rule: r })}
                opacity={r.enabled ? 1 : 0.55}
              >
                <Table.Td onClick={(e) => e.stopPropagation()}>
                  {isAdmin ? (
                    <Switch
                      size="xs"
                      checked={r.enabled}
                      onChange={(e) => toggle(r, e.currentTarget.checked)}
                      aria-label={`Enable ${r.name}`}
                      data-testid="rule-toggle"
                    />
                  ) : (
                    // A disabled switch looks the same on and off: those who cannot toggle read a word.
                    <Text size="xs" fw={600} c={r.enabled ? "green" : "dimmed"} data-testid="rule-enabled">
                      {r.enabled ? "on" : "off"}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="xs" fw={600}>
                    {r.name} <ClientTag client={r.client} />
                  </Text>
                  {r.description && (
                    <Text size="xs" c="dimmed" lineClamp={1}>
                      {r.description}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <SeverityBadge severity={r.severity} />
                </Table.Td>
                <Table.Td ff="monospace">{thresholdText(r)}</Table.Td>
                <Table.Td>
                  {r.sites.length === 0 ? (
                    <Text span c="dimmed" size="xs">
                      all
                    </Text>
                  ) : (
                    r.sites.join(", ")
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {r.channels.length === 0 ? (
                      <Text span c="dimmed" size="xs">
                        none
                      </Text>
                    ) : (
                      r.channels.map((id) => (
                        <Badge
                          key={id}
                          size="xs"
                          variant="light"
                          color={channelName.has(id) ? "blue" : "red"}
                        >
                          {channelName.get(id) ?? "missing"}
                        </Badge>
                      ))
                    )}
                    {r.escalation && (
                      <Tooltip label={`Escalates after ${r.escalation.after}`}>
                        <Badge size="xs" variant="outline" color="orange">
                          escalates
                        </Badge>
                      </Tooltip>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>{r.cooldown}</Table.Td>
                <Table.Td ta="right" className="num" data-testid="rule-trigger-count">
                  {formatCount(r.trigger_count)}
                </Table.Td>
                <Table.Td className="num">
                  {r.last_triggered_at ? formatTime(r.last_triggered_at) : "never"}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <RuleEditor target={editing} canEdit={isAdmin} canTest={canTest} onClose={() => setEditing(null)} />
    </Stack>
  );
}
