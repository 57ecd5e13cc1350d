import type { Kysely, Selectable } from "kysely";
import type { StateDatabase } from "../../storage/state-schema.js";
import type { EventTriageTable } from "../alert-tables.js";
import type { EventTriage, TriageStatus } from "../types.js";

/**
 * Event triage (status and assignee), kept in the state store beside the immutable events: the event
 * store is append-only, so what analysts decide about an event lives here, keyed by its id.
 */
export interface TriagePatch {
  status?: TriageStatus | undefined;
  /** null clears the assignee; undefined keeps it. */
  assigned_to?: string | null | undefined;
}

/** What the events API shows beside each event. */
export interface TriageView {
  status: TriageStatus;
  assigned_to: string | null;
}

function toTriage(row: Selectable<EventTriageTable>): EventTriage {
  return {
    event_id: row.event_id,
    status: row.status,
    assigned_to: row.assigned_to,
    updated_by: row.updated_by,
    updated_at: new Date(row.updated_at).toISOString(),
  };
}

/** Create or change one event's triage; fields left out keep their value (a new row starts "new"). */
export async function upsertTriage(
  db: Kysely<StateDatabase>,
  eventId: string,
  patch: TriagePatch,
  actor: string,
  now: Date,
): Promise<EventTriage> {
  const row = await db
    .insertInto("event_triage")
    .values({
      event_id: eventId,
      status: patch.status ?? "new",
      assigned_to: patch.assigned_to ?? null,
      updated_by: actor,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.column("event_id").doUpdateSet({
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        ...(patch.assigned_to !== undefined ? { assigned_to: patch.assigned_to } : {}),
        updated_by: actor,
        updated_at: now,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return toTriage(row);
}

/** Triage of a page of events, in one query; events never triaged are absent from the map. */
export async function triageFor(
  db: Kysely<StateDatabase>,
  eventIds: readonly string[],
): Promise<Map<string, TriageView>> {
  const out = new Map<string, TriageView>();
  if (eventIds.length === 0) return out;
  const rows = await db
    .selectFrom("event_triage")
    .select(["event_id", "status", "assigned_to"])
    .where("event_id", "in", [...eventIds])
    .execute();
  for (const r of rows) out.set(r.event_id, { status: r.status, assigned_to: r.assigned_to });
  return out;
}
