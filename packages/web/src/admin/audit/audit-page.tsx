import { Badge, Button, Center, Code, SimpleGrid, Stack, Table, Text } from "@mantine/core";
import { Fragment, useMemo, useState } from "react";
import { useSearchParams } from "react-router";
import { QueryTable } from "../../components/query-table.js";
import { formatTime } from "../../format.js";
import { useUserNames } from "../admin-queries.js";
import type { AuditEntry } from "../admin-types.js";
import { SettingsPage } from "../settings-layout.js";
import { AuditFilterBar } from "./audit-filter-bar.js";
import { auditFiltersFromSearch, auditFiltersToSearch, detailSections } from "./audit-filters.js";
import { useAuditPages } from "./audit-queries.js";

const COLUMNS = ["When", "User", "Action", "Target", "Outcome"];

const statusColor = (status: number): string => (status >= 500 ? "red" : status >= 400 ? "yellow" : "teal");

function AuditDetail({ entry }: { entry: AuditEntry }) {
  const sections = detailSections(entry.detail);
  if (sections.length === 0)
    return (
      <Text size="xs" c="dimmed">
        No detail recorded.
      </Text>
    );
  return (
    <SimpleGrid cols={{ base: 1, md: Math.min(sections.length, 3) }} spacing="xs" data-testid="audit-detail">
      {sections.map((s) => (
        <Stack gap={2} key={s.label} miw={0}>
          <Text size="xs" fw={600}>
            {s.label}
          </Text>
          <Code block fz="xs" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
            {s.text}
          </Code>
        </Stack>
      ))}
    </SimpleGrid>
  );
}

export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const search = params.toString();
  const filters = useMemo(() => auditFiltersFromSearch(new URLSearchParams(search)), [search]);
  const pages = useAuditPages(filters);
  const [open, setOpen] = useState<string | null>(null);
  // User changes are audited under the user's id: show the name beside it.
  const nameOf = useUserNames();
  const entries = useMemo(() => pages.data?.pages.flatMap((p) => p.items), [pages.data]);

  return (
    <SettingsPage
      title="Audit log"
      description="Every change made through the API or the console, refused ones too, newest first. Passwords, keys and tokens were redacted before storage."
    >
      <AuditFilterBar value={filters} onApply={(f) => setParams(auditFiltersToSearch(f))} />
      <QueryTable
        query={{ ...pages, data: entries }}
        testId="audit-table"
        columns={COLUMNS}
        empty="Nothing recorded that matches."
        minWidth={760}
        stale={pages.isPlaceholderData}
      >
        {(items) =>
          items.map((e) => (
            <Fragment key={e.id}>
              <Table.Tr
                className="clickable-row"
                onClick={() => setOpen(open === e.id ? null : e.id)}
                aria-expanded={open === e.id}
                data-testid="audit-row"
                data-action={e.action}
                data-target={e.target ?? ""}
              >
                <Table.Td className="num" style={{ whiteSpace: "nowrap" }}>
                  {formatTime(e.at)}
                </Table.Td>
                <Table.Td>
                  {e.actor}
                  {e.actor_kind !== "user" && (
                    <Text span size="xs" c="dimmed">
                      {" "}
                      ({e.actor_kind})
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ff="monospace" style={{ whiteSpace: "nowrap" }}>
                  {e.action}
                </Table.Td>
                <Table.Td>
                  {e.target ?? ""}
                  {e.target && nameOf.has(e.target) && (
                    <Text span size="xs" c="dimmed">
                      {" "}
                      ({nameOf.get(e.target)})
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Badge size="xs" variant="light" color={statusColor(e.status)}>
                    {e.status}
                  </Badge>
                </Table.Td>
              </Table.Tr>
              {open === e.id && (
                <Table.Tr>
                  <Table.Td colSpan={COLUMNS.length}>
                    <AuditDetail entry={e} />
                  </Table.Td>
                </Table.Tr>
              )}
            </Fragment>
          ))
        }
      </QueryTable>
      {pages.hasNextPage && (
        <Center>
          <Button
            size="xs"
            variant="default"
            loading={pages.isFetchingNextPage}
            onClick={() => void pages.fetchNextPage()}
            data-testid="audit-more"
          >
            Older entries
          </Button>
        </Center>
      )}
    </SettingsPage>
  );
}
