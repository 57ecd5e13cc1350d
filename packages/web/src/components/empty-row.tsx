import { Table } from "@mantine/core";
import type { ReactNode } from "react";

/** The one row of a table with nothing to show: spans every column and says why in dimmed text. */
export function EmptyTableRow({ colSpan, children }: { colSpan: number; children: ReactNode }) {
  return (
    <Table.Tr data-testid="empty-state">
      <Table.Td colSpan={colSpan} ta="center" c="dimmed" py="lg">
        {children}
      </Table.Td>
    </Table.Tr>
  );
}
