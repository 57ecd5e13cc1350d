import type { Kysely } from "kysely";
import { parseDuration } from "../detection/duration.js";
import type { StateDatabase } from "../storage/state-schema.js";
import type { AlertService } from "./alert-service.js";

/**
 * Escalates rule alerts nobody picked up: an alert still `new` (not acknowledged, not worked on)
 * once its rule's `escalation.after` has passed is escalated to the rule's first escalation user and
 * notified on the escalation channels, once. The claim is an update guarded by `escalated_at is null`,
 * so two nodes sweeping at the same moment escalate it once.
 */
export interface EscalationWorkerDeps {
  db: Kysely<StateDatabase>;
  service: Pick<AlertService, "autoEscalate">;
  intervalMs?: number;
  now?: () => number;
  log: { warn(obj: object, msg: string): void };
}

/** One sweep; returns the ids of the alerts escalated now. */
export async function sweepEscalations(
  db: Kysely<StateDatabase>,
  service: Pick<AlertService, "autoEscalate">,
  now: number,
  log: EscalationWorkerDeps["log"],
): Promise<string[]> {
  const due = await db
    .selectFrom("alerts")
    .innerJoin("alert_rules", "alert_rules.id", "alerts.rule_id")
    .select(["alerts.id as id", "alerts.created_at as created_at", "alert_rules.escalation as escalation"])
    .where("alerts.source", "=", "rule")
    .where("alerts.state", "=", "new")
    .where("alerts.escalated_at", "is", null)
    .where("alert_rules.escalation", "is not", null)
    .orderBy("alerts.created_at")
    .limit(500)
    .execute();
  const escalated: string[] = [];
  for (const row of due) {
    const esc = row.escalation;
    if (!esc) continue;
    const after = parseDuration(esc.after);
    if (after === null) {
      log.warn({ alert_id: row.id, after: esc.after }, "alert rule escalation has a bad delay; skipped");
      continue;
    }
    if (new Date(row.created_at).getTime() + after > now) continue;
    try {
      const alert = await service.autoEscalate(row.id, {
        channels: esc.channels ?? [],
        users: esc.users ?? [],
      });
      if (alert) escalated.push(alert.id);
    } catch (err) {
      log.warn({ err, alert_id: row.id }, "alert escalation failed; will retry");
    }
  }
  return escalated;
}

export function startEscalationWorker(deps: EscalationWorkerDeps) {
  const clock = deps.now ?? Date.now;
  const intervalMs = deps.intervalMs ?? 15_000;
  let stopped = false;
  let running: Promise<string[]> | null = null;

  const runOnce = (): Promise<string[]> => {
    // One sweep at a time in this process; another node's sweep is made harmless by the guarded claim.
    running ??= sweepEscalations(deps.db, deps.service, clock(), deps.log)
      .catch((err: unknown) => {
        deps.log.warn({ err }, "alert escalation sweep failed; retrying");
        return [];
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  const timer = setInterval(() => {
    if (!stopped) void runOnce();
  }, intervalMs);
  timer.unref();

  return {
    /** Sweep now; resolves with the ids escalated (for tests and an admin "run now"). */
    runOnce,
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
