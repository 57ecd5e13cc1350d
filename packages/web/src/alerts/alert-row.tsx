import { Table } from "@mantine/core";
import type { CSSProperties, ReactNode } from "react";
import { useNavigate } from "react-router";
import { severityHex } from "../severity.js";
import type { Alert } from "./alert-types.js";

/**
 * One alert in a list, in either layout (desktop or phone): the whole row opens the alert's own page
 * (/alerts/:id, the URL notifications link to), with its severity as a coloured edge.
 */
export function AlertRow({
  alert,
  style,
  children,
}: {
  alert: Alert;
  style?: CSSProperties;
  children: ReactNode;
}) {
  const navigate = useNavigate();
  return (
    <Table.Tr
      className="clickable-row"
      onClick={() => navigate(`/alerts/${encodeURIComponent(alert.id)}`)}
      data-testid="alert-row"
      data-alert-id={alert.id}
      data-state={alert.state}
      style={{ boxShadow: `inset 3px 0 0 ${severityHex(alert.severity)}`, ...style }}
    >
      {children}
    </Table.Tr>
  );
}
