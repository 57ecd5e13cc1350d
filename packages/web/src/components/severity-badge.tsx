import { Badge } from "@mantine/core";
import { severityColor } from "../severity.js";

/** Filled for critical/high so they stand out from across the room; lighter for the rest. */
export function SeverityBadge({ severity }: { severity: string }) {
  const loud = severity === "critical" || severity === "high";
  // Grey "light" vanishes on the dark theme: info gets an outline instead.
  const variant = loud ? "filled" : severity === "info" || !severity ? "outline" : "light";
  return (
    <Badge
      color={severityColor(severity)}
      variant={variant}
      size="sm"
      radius="xs"
      w={72}
      data-severity={severity}
    >
      {severity || "info"}
    </Badge>
  );
}
