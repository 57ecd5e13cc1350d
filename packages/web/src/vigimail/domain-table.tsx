import { Badge, Button, Group, List, Stack, Table, Text, Tooltip } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Fragment, useState } from "react";
import { useApi } from "../auth/auth-context.js";
import { ClientTag } from "../components/client-tag.js";
import { QueryTable, type TableQuery } from "../components/query-table.js";
import { formatTime } from "../format.js";
import { CheckDeleteActions } from "./check-delete-actions.js";
import type { DomainCheck, PostureIssue, VigimailDomain } from "./vigimail-types.js";

const FAILED_LOOKUPS = new Set(["timeout", "servfail", "refused", "error"]);
const SEVERITY_COLOR: Record<PostureIssue["severity"], string> = {
  critical: "red",
  high: "orange",
  medium: "yellow",
  low: "blue",
  info: "gray",
};

export const scoreColor = (status: string | null) =>
  status === "good" ? "teal" : status === "warning" ? "yellow" : status === "critical" ? "red" : "gray";

/** One check's badge: passing, present but failing, missing, or unknown (the lookup got no answer). */
function CheckBadge(p: {
  label: string;
  lookup: string;
  exists: boolean;
  valid: boolean;
  issues: PostureIssue[];
}) {
  const [color, word] = FAILED_LOOKUPS.has(p.lookup)
    ? ["gray", "unknown"]
    : p.valid
      ? ["teal", "ok"]
      : p.exists
        ? ["orange", "failing"]
        : ["red", "missing"];
  const first = p.issues.find((i) => i.severity !== "info");
  return (
    <Tooltip
      label={first?.message ?? `${p.label} ${word}`}
      multiline
      w={300}
      disabled={!first && word === "ok"}
    >
      <Badge
        size="sm"
        variant="light"
        color={color}
        data-testid={`badge-${p.label.toLowerCase()}`}
        data-state={word}
      >
        {p.label} {word}
      </Badge>
    </Tooltip>
  );
}

export function CheckBadges({ check }: { check: DomainCheck }) {
  return (
    <Group gap={4} wrap="wrap">
      <CheckBadge
        label="SPF"
        lookup={check.spf_lookup}
        exists={check.spf_exists}
        valid={check.spf_valid}
        issues={check.spf_issues}
      />
      <CheckBadge
        label="DKIM"
        lookup={check.dkim_lookup}
        exists={check.dkim_exists}
        valid={check.dkim_valid}
        issues={check.dkim_issues}
      />
      <CheckBadge
        label="DMARC"
        lookup={check.dmarc_lookup}
        exists={check.dmarc_exists}
        valid={check.dmarc_valid}
        issues={check.dmarc_issues}
      />
      <CheckBadge
        label="MX"
        lookup={check.mx_lookup}
        exists={check.mx_exists}
        valid={check.mx_valid}
        issues={check.mx_issues}
      />
    </Group>
  );
}

/** Every finding in plain words with how to fix it, worst first. */
export function IssueList({ check }: { check: DomainCheck }) {
  const order = ["critical", "high", "medium", "low", "info"];
  const issues = [...check.spf_issues, ...check.dkim_issues, ...check.dmarc_issues, ...check.mx_issues].sort(
    (a, b) => order.indexOf(a.severity) - order.indexOf(b.severity),
  );
  return (
    <Stack gap={6} data-testid="domain-issues">
      {check.spf_record && (
        <Text size="xs" ff="monospace" style={{ wordBreak: "break-all" }}>
          SPF: {check.spf_record}
        </Text>
      )}
      {check.dmarc_record && (
        <Text size="xs" ff="monospace" style={{ wordBreak: "break-all" }}>
          DMARC: {check.dmarc_record}
        </Text>
      )}
      {check.mx_records.length > 0 && (
        <Text size="xs" ff="monospace" style={{ wordBreak: "break-all" }}>
          MX: {check.mx_records.map((m) => `${m.priority} ${m.exchange || "."}`).join(", ")}
        </Text>
      )}
      {issues.length === 0 ? (
        <Text size="sm" c="teal">
          No issues found.
        </Text>
      ) : (
        <List spacing={4} size="sm">
          {issues.map((i) => (
            <List.Item key={`${i.code}-${i.message}`} data-testid="vigimail-issue" data-code={i.code}>
              <Group gap={6} wrap="nowrap" align="flex-start">
                <Badge size="xs" color={SEVERITY_COLOR[i.severity]} variant="light" style={{ flexShrink: 0 }}>
                  {i.severity}
                </Badge>
                <div>
                  <Text size="sm">{i.message}</Text>
                  <Text size="xs" c="dimmed">
                    Fix: {i.fix}
                  </Text>
                </div>
              </Group>
            </List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}

export function DomainTable(p: { query: TableQuery<VigimailDomain>; canAct: boolean; showClient: boolean }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["vigimail"] });
  const check = useMutation({
    mutationFn: (domain: string) =>
      api.post(`/api/v1/vigimail/domains/${encodeURIComponent(domain)}/check`, {}),
    onSuccess: (_d, domain) => {
      setOpen(domain);
      return refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (domain: string) => api.delete(`/api/v1/vigimail/domains/${encodeURIComponent(domain)}`),
    onSuccess: refresh,
  });
  return (
    <QueryTable
      query={p.query}
      columns={["Domain", { label: "Score", right: true }, "Checks", "Last check", ""]}
      empty="No domains yet. Add a client's mail domain to check its SPF, DKIM, DMARC and MX."
      testId="vigimail-domains"
      minWidth={640}
    >
      {(items) =>
        items.map((d) => (
          <Fragment key={d.domain}>
            <Table.Tr data-testid="vigimail-domain-row" data-domain={d.domain}>
              <Table.Td>
                <Group gap={4}>
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    onClick={() => setOpen(open === d.domain ? null : d.domain)}
                    disabled={!d.check}
                    data-testid="domain-toggle"
                  >
                    {d.domain}
                  </Button>
                  {p.showClient && <ClientTag client={d.client} />}
                </Group>
              </Table.Td>
              <Table.Td ta="right">
                {d.score === null ? (
                  "—"
                ) : (
                  <Badge color={scoreColor(d.status)} data-testid="domain-score">
                    {d.score}
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                {d.check ? <CheckBadges check={d.check} /> : <Text size="xs">not checked yet</Text>}
              </Table.Td>
              <Table.Td className="num">{d.last_check_at ? formatTime(d.last_check_at) : "never"}</Table.Td>
              <Table.Td ta="right">
                <CheckDeleteActions
                  item={d.domain}
                  canAct={p.canAct}
                  check={check}
                  remove={remove}
                  confirm={`Stop monitoring ${d.domain}? Its check history is deleted.`}
                  testPrefix="domain"
                />
              </Table.Td>
            </Table.Tr>
            {open === d.domain && d.check && (
              <Table.Tr>
                <Table.Td colSpan={5}>
                  <IssueList check={d.check} />
                </Table.Td>
              </Table.Tr>
            )}
          </Fragment>
        ))
      }
    </QueryTable>
  );
}
