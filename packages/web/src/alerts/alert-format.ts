/** How alerts read in the console: state colours, the actions a state allows, ages, timeline lines. Pure. */
import type { AlertAction, AlertState } from "./alert-types.js";

export const STATE_LIST: readonly AlertState[] = [
  "new",
  "acknowledged",
  "investigating",
  "resolved",
  "false_positive",
];
/** States in which an alert still needs someone (the list's default view). */
export const OPEN_STATE_LIST: readonly AlertState[] = ["new", "acknowledged", "investigating"];

export const STATE_LOOK: Record<AlertState, { label: string; color: string }> = {
  new: { label: "new", color: "red" },
  acknowledged: { label: "acknowledged", color: "yellow" },
  investigating: { label: "investigating", color: "blue" },
  resolved: { label: "resolved", color: "teal" },
  false_positive: { label: "false positive", color: "gray" },
};

export function isAlertState(value: string): value is AlertState {
  return (STATE_LIST as readonly string[]).includes(value);
}

export function isOpen(state: AlertState): boolean {
  return OPEN_STATE_LIST.includes(state);
}

export type AlertVerb = "acknowledge" | "investigate" | "assign" | "escalate" | "resolve" | "reopen";

/**
 * The buttons an alert in this state offers. The server is the judge (it answers 409 on a bad
 * transition); this only avoids offering what it would refuse.
 */
export function allowedVerbs(state: AlertState): AlertVerb[] {
  switch (state) {
    case "new":
      return ["acknowledge", "investigate", "assign", "escalate", "resolve"];
    case "acknowledged":
      return ["investigate", "assign", "escalate", "resolve"];
    case "investigating":
      return ["assign", "escalate", "resolve"];
    case "resolved":
    case "false_positive":
      return ["reopen"];
  }
}

/** `42 s`, `5 min`, `3 h`, `2 d`: how long ago, short enough for a table cell. */
export function formatAge(iso: string, nowMs: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return "";
  const s = Math.max(0, Math.floor((nowMs - at) / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

function text(detail: Record<string, unknown>, key: string): string {
  const value = detail[key];
  return typeof value === "string" || typeof value === "number" ? String(value) : "";
}

function withNote(line: string, detail: Record<string, unknown>): string {
  const note = text(detail, "note");
  return note ? `${line}: ${note}` : line;
}

/** One timeline line for an action, without the actor and time (shown beside it). */
export function describeAction(action: AlertAction): string {
  const d = action.detail ?? {};
  const channel = text(d, "channel") || text(d, "channel_id");
  switch (action.action) {
    case "created":
      return "Alert raised";
    case "repeated":
      return withNote(`Fired again${text(d, "count") ? ` (${text(d, "count")} events)` : ""}`, d);
    case "notified":
      return `Notified ${channel}${text(d, "attempts") ? ` (${text(d, "attempts")} attempt(s))` : ""}`;
    case "notify_failed":
      return `Notification to ${channel} failed${text(d, "error") ? `: ${text(d, "error")}` : ""}`;
    case "notify_suppressed":
      return `Notification to ${channel} held back by its rate limit`;
    case "acknowledged":
      return withNote("Acknowledged", d);
    case "investigating":
      return withNote("Investigation started", d);
    case "assigned":
      return `Assigned to ${text(d, "user") || "?"}`;
    case "escalated": {
      const who = text(d, "user");
      const line = d.auto === true ? "Escalated automatically" : "Escalated";
      return withNote(who ? `${line} to ${who}` : line, d);
    }
    case "resolved":
      return withNote("Resolved", d);
    case "false_positive":
      return withNote("Marked as false positive", d);
    case "reopened":
      return withNote("Reopened", d);
    case "comment":
      return text(d, "comment") || text(d, "text");
  }
}

/** The colour of an action's dot in the timeline. */
export function actionColor(action: AlertAction["action"]): string {
  switch (action) {
    case "created":
    case "repeated":
      return "red";
    case "notify_failed":
      return "orange";
    case "resolved":
      return "teal";
    case "comment":
      return "blue";
    default:
      return "gray";
  }
}
