import type { Selectable, Transaction } from "kysely";
import { uuidv7 } from "uuidv7";
import type { Detection } from "../detection/types.js";
import { HttpProblem } from "../http/problem.js";
import type { StateDatabase } from "../storage/state-schema.js";
import type { PendingDecision } from "./ban-policy.js";
import { addHistory, lockBan, nextVersion } from "./ban-writes.js";
import { toBan, toPending } from "./response-rows.js";
import type { PendingBansTable } from "./response-tables.js";
import type { Ban, PendingBan } from "./types.js";

/**
 * Pending approvals: one open approval per IP (a unique partial index), which repeats of the same
 * attack update rather than duplicate. The IP's ban row shows `pending_approval` meanwhile.
 */
type Trx = Transaction<StateDatabase>;

export async function openPending(
  trx: Trx,
  detection: Detection,
  ip: string,
  decision: PendingDecision,
  sources: string[],
  now: Date,
): Promise<{ pending: PendingBan; ban: Ban | null }> {
  const open = await trx
    .selectFrom("pending_bans")
    .selectAll()
    .where("ip", "=", ip)
    .where("status", "=", "pending")
    .forUpdate()
    .executeTakeFirst();
  if (open) {
    const row = await trx
      .updateTable("pending_bans")
      .set({
        event_count: open.event_count + detection.count,
        last_event: new Date(detection.last_seen),
        threat_score: decision.threat_score,
        threat_sources: sources,
      })
      .where("id", "=", open.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { pending: toPending(row), ban: null };
  }
  const row = await trx
    .insertInto("pending_bans")
    .values({
      id: uuidv7(),
      ip,
      country: detection.country,
      geo_zone: decision.geo_zone,
      threat_score: decision.threat_score,
      threat_sources: sources,
      event_count: detection.count,
      first_event: new Date(detection.first_seen),
      last_event: new Date(detection.last_seen),
      trigger_rule: detection.scenario,
      reason: decision.reason,
      pending_type: decision.pending_type,
      fp_rule_id: decision.pending_type === "false_positive" ? detection.rule_id : "",
      fp_uri: decision.pending_type === "false_positive" ? detection.url : "",
      fp_hostname: decision.pending_type === "false_positive" ? detection.hostname : "",
      site: detection.site,
      duration_ms: detection.durationMs ?? null,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const existing = await lockBan(trx, ip);
  const banRow = existing
    ? await trx
        .updateTable("bans")
        .set({ status: "pending_approval", updated_at: now, version: nextVersion })
        .where("ip", "=", ip)
        .returningAll()
        .executeTakeFirstOrThrow()
    : await trx
        .insertInto("bans")
        .values({
          ip,
          status: "pending_approval",
          ban_count: 0,
          first_ban: now,
          last_ban: now,
          expires_at: null,
          reason: decision.reason,
          source: "detect2ban",
          trigger_rule: detection.scenario,
          site: detection.site,
          country: detection.country,
          geo_zone: decision.geo_zone,
          threat_score_at_ban: decision.threat_score,
          created_by: "detect2ban",
        })
        .returningAll()
        .executeTakeFirstOrThrow();
  await addHistory(trx, {
    ip,
    action: "pending",
    status: "pending_approval",
    tier: existing?.current_tier ?? 0,
    duration_ms: null,
    reason: decision.reason,
    actor: "detect2ban",
    source: "detect2ban",
    at: now,
  });
  return { pending: toPending(row), ban: toBan(banRow) };
}

export type ReviewedPending = Selectable<PendingBansTable> & { api: PendingBan };

/** Marks an open approval approved or rejected (404 unknown, 409 already reviewed). */
export async function reviewPending(
  trx: Trx,
  id: string,
  status: "approved" | "rejected",
  actor: string,
  note: string | undefined,
  now: Date,
): Promise<ReviewedPending> {
  const open = await trx
    .selectFrom("pending_bans")
    .selectAll()
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  if (!open) throw new HttpProblem(404, `No pending ban ${id}`);
  if (open.status !== "pending") throw new HttpProblem(409, `Pending ban ${id} is already ${open.status}`);
  const row = await trx
    .updateTable("pending_bans")
    .set({ status, reviewed_by: actor, reviewed_at: now, review_note: note ?? null })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (status === "rejected") {
    await addHistory(trx, {
      ip: row.ip,
      action: "reject",
      status: "rejected",
      tier: 0,
      duration_ms: null,
      reason: `rejected by ${actor}${note ? `: ${note}` : ""}`,
      actor,
      source: "detect2ban",
      at: now,
    });
  }
  return { ...row, api: toPending(row) };
}
