/** An event's triage as the events API carries it (`triage: {status, assigned_to} | null`). Pure. */
import type { ApiEvent } from "../api/types.js";

export type TriageStatus = "new" | "investigating" | "resolved";
export const TRIAGE_STATUSES: readonly TriageStatus[] = ["new", "investigating", "resolved"];

export interface Triage {
  status: TriageStatus;
  assigned_to: string | null;
}

export const TRIAGE_COLOR: Record<TriageStatus, string> = {
  new: "gray",
  investigating: "blue",
  resolved: "teal",
};

function isStatus(value: unknown): value is TriageStatus {
  return typeof value === "string" && (TRIAGE_STATUSES as readonly string[]).includes(value);
}

/** The triage of an event, or null when nobody has triaged it (or the server runs without it). */
export function triageOf(event: ApiEvent): Triage | null {
  const raw = (event as ApiEvent & { triage?: unknown }).triage;
  if (typeof raw !== "object" || raw === null) return null;
  const t = raw as Record<string, unknown>;
  if (!isStatus(t.status)) return null;
  return { status: t.status, assigned_to: typeof t.assigned_to === "string" ? t.assigned_to : null };
}

/** The same event with a new triage, for patching cached pages after a change. */
export function withTriage<E extends { event_id: string }>(event: E, eventId: string, triage: Triage): E {
  return event.event_id === eventId ? { ...event, triage } : event;
}
