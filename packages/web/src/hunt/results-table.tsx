import { Group, Table, Text, UnstyledButton } from "@mantine/core";
import { useMemo, useState } from "react";
import { cellText, type ResultColumn, type SortState, sortRows } from "./export.js";

/** Rendering tens of thousands of cells stalls the page; the rest is in the export. */
const SHOWN = 1000;
const NUMERIC = new Set(["long", "real", "timespan"]);

/**
 * The result as a table: each header names its column and type and sorts on click (on the rows
 * fetched, in the page); a click on a row selects it for the row viewer, where each value can be copied.
 */
export function ResultsTable(p: {
  columns: ResultColumn[];
  rows: unknown[][];
  selected: unknown[] | null;
  onSelect: (row: unknown[]) => void;
}) {
  const [sort, setSort] = useState<SortState | null>(null);
  const sorted = useMemo(() => sortRows(p.rows, sort), [p.rows, sort]);
  const toggle = (column: number) =>
    setSort((s) =>
      s?.column !== column ? { column, dir: "asc" } : s.dir === "asc" ? { column, dir: "desc" } : null,
    );
  return (
    <>
      <Table.ScrollContainer minWidth={Math.max(300, p.columns.length * 110)} type="native" mah={480}>
        <Table striped highlightOnHover fz="xs" verticalSpacing={4} stickyHeader data-testid="hunt-results">
          <Table.Thead>
            <Table.Tr>
              {p.columns.map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a result may name a column twice; columns are fixed per result.
                <Table.Th key={`${c.name}-${i}`} ta={NUMERIC.has(c.type) ? "right" : undefined}>
                  <UnstyledButton
                    onClick={() => toggle(i)}
                    fz="xs"
                    fw={600}
                    data-testid="hunt-col"
                    data-name={c.name}
                    data-sort={sort?.column === i ? sort.dir : "none"}
                  >
                    <Group gap={4} wrap="nowrap">
                      <span>{c.name}</span>
                      <Text span size="xs" c="dimmed" fw={400}>
                        {c.type}
                      </Text>
                      {sort?.column === i ? (sort.dir === "asc" ? "▲" : "▼") : null}
                    </Group>
                  </UnstyledButton>
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sorted.slice(0, SHOWN).map((row, r) => (
              <Table.Tr
                // biome-ignore lint/suspicious/noArrayIndexKey: result rows have no identity of their own.
                key={r}
                onClick={() => p.onSelect(row)}
                style={{ cursor: "pointer" }}
                bg={row === p.selected ? "dark.5" : undefined}
                data-testid="hunt-row"
              >
                {p.columns.map((c, i) => (
                  <Table.Td
                    // biome-ignore lint/suspicious/noArrayIndexKey: a result may name a column twice; columns are fixed per result.
                    key={`${c.name}-${i}`}
                    ta={NUMERIC.has(c.type) ? "right" : undefined}
                    className={NUMERIC.has(c.type) ? "num" : undefined}
                    maw={420}
                    style={{ overflowWrap: "anywhere" }}
                    data-testid="hunt-cell"
                    data-column={c.name}
                  >
                    {cellText(row[i])}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {p.rows.length > SHOWN && (
        <Text size="xs" c="dimmed">
          Showing the first {SHOWN} of {p.rows.length} rows; the export has them all.
        </Text>
      )}
    </>
  );
}
