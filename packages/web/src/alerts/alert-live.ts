/** Reading alert messages from the WebSocket. Pure. */
import type { Alert } from "./alert-types.js";

export function isAlertLike(value: unknown): value is Alert {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === "string" && typeof v.severity === "string" && typeof v.title === "string";
}

/** The alert of a message worth a toast: a newly raised (not updated) critical or high alert. */
export function loudAlert(message: { type: string; data?: unknown }): Alert | null {
  if (message.type !== "alert" || !isAlertLike(message.data)) return null;
  const alert = message.data;
  return alert.severity === "critical" || alert.severity === "high" ? alert : null;
}
