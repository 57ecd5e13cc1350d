import { Badge } from "@mantine/core";
import { severityColor } from "../severity.js";

/** Filled for critical/high so they stand out from across the room; lighter for the rest. */
export function SeverityBadge({ severity }: { severity: string }) {
  const loud = severity === "critical" || severity === "high";
  return (
    <Badge
      color={severityColor(severity)}
      variant={loud ? "filled" : "light"}
      size="sm"
      radius="xs"
      w={72}
      data-severity={severity}
    >
      {severity || "info"}
    </Badge>
  );
}
