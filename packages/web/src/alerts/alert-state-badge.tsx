import { Badge } from "@mantine/core";
import { STATE_LOOK } from "./alert-format.js";
import type { AlertState } from "./alert-types.js";

export function AlertStateBadge({ state }: { state: AlertState }) {
  const look = STATE_LOOK[state] ?? { label: state, color: "gray" };
  return (
    <Badge
      size="sm"
      variant={state === "new" ? "filled" : "light"}
      color={look.color}
      data-testid="alert-state"
      data-state={state}
    >
      {look.label}
    </Badge>
  );
}
