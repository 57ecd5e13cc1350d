import { Badge } from "@mantine/core";
import { STATE_LOOK } from "./alert-format.js";
import type { AlertState } from "./alert-types.js";

export function AlertStateBadge({ state, size = "sm" }: { state: AlertState; size?: "xs" | "sm" }) {
  const look = STATE_LOOK[state] ?? { label: state, color: "gray" };
  return (
    <Badge
      size={size}
      variant={state === "new" ? "filled" : "light"}
      color={look.color}
      data-testid="alert-state"
      data-state={state}
    >
      {look.label}
    </Badge>
  );
}
