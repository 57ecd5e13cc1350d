import { Table } from "@mantine/core";
import type { ReactNode } from "react";
import { EmptyTableRow } from "./empty-row.js";
import { ErrorNote, Loading } from "./query-state.js";

/** What the table needs of a TanStack query: enough for `useQuery` and `useInfiniteQuery` results. */
export interface TableQuery<T> {
  isPending: boolean;
  error: unknown;
  data: T[] | undefined;
  refetch: () => unknown;
}

/** A header cell: its label, right-aligned for numbers; "" for a column of row buttons. */
export type Column = string | { label: string; right: true };

/**
 * The one table of a list page: loading, the server's error with a retry, a dimmed row when there is
 * nothing, and a horizontal scroll inside its own box below `minWidth`, so a phone scrolls the table
 * and not the page. `children` renders the rows of the loaded items, one cell per column.
 */
export function QueryTable<T>(p: {
  query: TableQuery<T>;
  columns: readonly Column[];
  empty: ReactNode;
  testId: string;
  minWidth?: number;
  /** The rows are the previous filter's, kept while the new ones load: dimmed, and said so. */
  stale?: boolean;
  children: (items: T[]) => ReactNode;
}) {
  const { query } = p;
  if (query.isPending) return <Loading />;
  if (query.error || !query.data)
    return <ErrorNote error={query.error} onRetry={() => void query.refetch()} />;
  return (
    <Table.ScrollContainer minWidth={p.minWidth ?? 720} type="native">
      <Table
        striped
        highlightOnHover
        fz="xs"
        verticalSpacing={4}
        opacity={p.stale ? 0.55 : 1}
        aria-busy={p.stale ?? false}
        data-testid={p.testId}
      >
        <Table.Thead>
          <Table.Tr>
            {p.columns.map((c, i) =>
              typeof c === "string" ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed; "" may repeat.
                <Table.Th key={i}>{c}</Table.Th>
              ) : (
                <Table.Th key={c.label} ta="right">
                  {c.label}
                </Table.Th>
              ),
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {query.data.length === 0 ? (
            <EmptyTableRow colSpan={p.columns.length}>{p.empty}</EmptyTableRow>
          ) : null}
          {p.children(query.data)}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
