import { type Kysely, sql, type Transaction, type Updateable } from "kysely";
import { uuidv7 } from "uuidv7";
import { HttpProblem } from "../http/problem.js";
import { fieldError } from "../response/response-schemas.js";
import { advisoryLockKey } from "../storage/state-lock.js";
import type { StateDatabase } from "../storage/state-schema.js";
import { actionFromRow, alertFromRow } from "./alert-rows.js";
import type { AlertsTable } from "./alert-tables.js";
import {
  type Alert,
  type AlertAction,
  type AlertActionKind,
  type AlertState,
  type NewAlert,
  OPEN_STATES,
} from "./types.js";

/**
 * The alert lifecycle: raising (with the cooldown that folds repeats into the open alert), the
 * analysts' actions (acknowledge, investigate, assign, escalate, resolve, reopen, comment), and the
 * notifications sent after an alert is stored. Every change is one transaction that also writes the
 * alert's history row; listeners hear of it only once it is committed.
 */

/** One channel's answer, as the notifier (alerts/channels/notifier.ts) reports it. */
export interface NotifyOutcome {
  channel_id: string;
  channel: string;
  status: "sent" | "failed" | "suppressed";
  attempts: number;
  error?: string;
}

/** The part of the notifier the lifecycle needs; it never throws (a throw is still caught here). */
export interface AlertNotifier {
  notify(alert: Alert, channelIds: string[] | undefined): Promise<NotifyOutcome[]>;
}

export type AlertEventType = "alert" | "alert_updated";

export interface AlertServiceLog {
  warn(obj: unknown, msg: string): void;
}

export interface AlertServiceDeps {
  db: Kysely<StateDatabase>;
  /** Accepted for the composition root's symmetry; detail reads go through alert-queries. */
  eventStore?: unknown;
  notifier: AlertNotifier;
  publish: (type: AlertEventType, alert: Alert) => void;
  log: AlertServiceLog;
  now?: () => number;
}

export type Resolution = "resolved" | "false_positive";

/** Most event ids kept on one alert: enough for the detail page, bounded for a long-running repeat. */
const MAX_EVENT_IDS = 100;

type Db = Kysely<StateDatabase> | Transaction<StateDatabase>;

export type AlertService = ReturnType<typeof createAlertService>;

export function createAlertService(deps: AlertServiceDeps) {
  const { db, notifier, log } = deps;
  const clock = deps.now ?? Date.now;
  const background = new Set<Promise<void>>();

  function publish(type: AlertEventType, alert: Alert): void {
    try {
      deps.publish(type, alert);
    } catch (err) {
      // A closed socket must not undo a committed change.
      log.warn({ err, alert_id: alert.id }, "alert listener failed");
    }
  }

  async function addAction(
    trx: Db,
    alertId: string,
    actor: string,
    action: AlertActionKind,
    detail: Record<string, unknown>,
    at: Date,
  ): Promise<AlertAction> {
    const row = await trx
      .insertInto("alert_actions")
      .values({ alert_id: alertId, actor, action, detail: JSON.stringify(detail), at })
      .returningAll()
      .executeTakeFirstOrThrow();
    return actionFromRow(row);
  }

  /** Notify in the background, then record one history row per channel. */
  function notifyLater(alert: Alert, channels: string[] | undefined): void {
    const job = (async () => {
      let outcomes: NotifyOutcome[];
      try {
        outcomes = await notifier.notify(alert, channels);
      } catch (err) {
        log.warn({ err, alert_id: alert.id }, "notifier failed");
        return;
      }
      if (outcomes.length === 0) return;
      await recordOutcomes(alert.id, outcomes);
    })().catch((err: unknown) => log.warn({ err, alert_id: alert.id }, "recording notifications failed"));
    background.add(job);
    void job.finally(() => background.delete(job));
  }

  async function recordOutcomes(alertId: string, outcomes: NotifyOutcome[]): Promise<void> {
    const now = new Date(clock());
    const suppressed = outcomes.filter((o) => o.status === "suppressed").length;
    const row = await db.transaction().execute(async (trx) => {
      for (const o of outcomes) {
        const base = { channel_id: o.channel_id, channel: o.channel, attempts: o.attempts };
        const kind: AlertActionKind =
          o.status === "sent" ? "notified" : o.status === "failed" ? "notify_failed" : "notify_suppressed";
        const detail = o.status === "failed" ? { ...base, error: o.error ?? "failed" } : base;
        await addAction(trx, alertId, "system", kind, detail, now);
      }
      return trx
        .updateTable("alerts")
        .set({
          suppressed_notifications: sql<number>`suppressed_notifications + ${suppressed}`,
          updated_at: now,
        })
        .where("id", "=", alertId)
        .returningAll()
        .executeTakeFirst();
    });
    if (row) publish("alert_updated", alertFromRow(row));
  }

  async function raise(input: NewAlert): Promise<{ alert: Alert; created: boolean }> {
    const nowMs = clock();
    const now = new Date(nowMs);
    const groupValue = input.group_value ?? "";
    const eventIds = input.event_ids ?? [];
    const result = await db.transaction().execute(async (trx) => {
      if (input.cooldownMs && input.cooldownMs > 0) {
        // Two firings of one rule and group on two nodes must not both create: serialise on the key.
        const key = advisoryLockKey(`vigil:alert:${input.rule_name}\u0000${groupValue}`).toString();
        await sql`select pg_advisory_xact_lock(${key}::bigint)`.execute(trx);
        const open = await trx
          .selectFrom("alerts")
          .selectAll()
          .where("rule_name", "=", input.rule_name)
          .where("group_value", "=", groupValue)
          .where("state", "in", OPEN_STATES)
          .where("created_at", ">=", new Date(nowMs - input.cooldownMs))
          .orderBy("created_at", "desc")
          .limit(1)
          .forUpdate()
          .executeTakeFirst();
        if (open) {
          const previous = alertFromRow(open);
          const merged = [...new Set([...previous.event_ids, ...eventIds])].slice(-MAX_EVENT_IDS);
          const lastSeen = Math.max(Date.parse(previous.last_seen), input.last_seen ?? nowMs);
          const row = await trx
            .updateTable("alerts")
            .set({
              count: input.count ?? previous.count,
              last_seen: new Date(lastSeen),
              event_ids: JSON.stringify(merged),
              repeat_count: sql<number>`repeat_count + 1`,
              updated_at: now,
            })
            .where("id", "=", open.id)
            .returningAll()
            .executeTakeFirstOrThrow();
          await addAction(trx, open.id, "system", "repeated", { count: input.count ?? null }, now);
          return { alert: alertFromRow(row), created: false };
        }
      }
      const row = await trx
        .insertInto("alerts")
        .values({
          id: uuidv7(),
          source: input.source,
          rule_id: input.rule_id ?? null,
          rule_name: input.rule_name,
          title: input.title,
          severity: input.severity,
          site: input.site ?? "",
          group_by: input.group_by ?? "",
          group_value: groupValue,
          count: input.count ?? 0,
          threshold: input.threshold ?? 0,
          first_seen: new Date(input.first_seen ?? nowMs),
          last_seen: new Date(input.last_seen ?? nowMs),
          event_ids: JSON.stringify(eventIds.slice(-MAX_EVENT_IDS)),
          details: JSON.stringify(input.details ?? {}),
          assigned_to: null,
          escalated_to: null,
          acknowledged_by: null,
          resolved_by: null,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await addAction(trx, row.id, "system", "created", { source: input.source }, now);
      return { alert: alertFromRow(row), created: true };
    });
    if (result.created) {
      publish("alert", result.alert);
      notifyLater(result.alert, input.channels);
    } else {
      publish("alert_updated", result.alert);
    }
    return result;
  }

  type Change = {
    set: Updateable<AlertsTable>;
    action: AlertActionKind;
    detail: Record<string, unknown>;
  };

  /**
   * One analyst action: lock the row, let `decide` check the state and say what changes, write the
   * change and its history row, publish after commit.
   */
  async function act(
    id: string,
    actor: string,
    decide: (alert: Alert, now: Date, trx: Transaction<StateDatabase>) => Promise<Change> | Change,
  ): Promise<Alert> {
    const now = new Date(clock());
    const alert = await db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom("alerts")
        .selectAll()
        .where("id", "=", id)
        .forUpdate()
        .executeTakeFirst();
      if (!row) throw new HttpProblem(404, `No alert with id ${id}`);
      const change = await decide(alertFromRow(row), now, trx);
      const updated = await trx
        .updateTable("alerts")
        .set({ ...change.set, updated_at: now })
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await addAction(trx, id, actor, change.action, change.detail, now);
      return alertFromRow(updated);
    });
    publish("alert_updated", alert);
    return alert;
  }

  const isOpen = (state: AlertState) => OPEN_STATES.includes(state);
  const closed = (a: Alert) => new HttpProblem(409, `alert is ${a.state.replace("_", " ")}; reopen it first`);
  const withNote = (note: string | undefined) => (note ? { note } : {});

  /** The user must exist and be active; a 400 naming the field otherwise. */
  async function activeUser(trx: Db, username: string, field: string): Promise<string> {
    const user = await trx
      .selectFrom("users")
      .select(["username", "is_active"])
      .where("username", "=", username)
      .executeTakeFirst();
    if (!user?.is_active) throw fieldError("body", field, `"${username}" is not an active user`);
    return user.username;
  }

  return {
    raise,

    acknowledge: (id: string, actor: string, note?: string) =>
      act(id, actor, (a, now) => {
        if (!isOpen(a.state)) throw closed(a);
        if (a.state !== "new") throw new HttpProblem(409, `alert is already ${a.state}`);
        return {
          set: { state: "acknowledged", acknowledged_at: now, acknowledged_by: actor },
          action: "acknowledged",
          detail: withNote(note),
        };
      }),

    investigate: (id: string, actor: string, note?: string) =>
      act(id, actor, (a, now) => {
        if (!isOpen(a.state)) throw closed(a);
        if (a.state === "investigating") throw new HttpProblem(409, "alert is already investigating");
        // Starting work on an alert acknowledges it too (it counts towards time-to-acknowledge).
        const ack = a.acknowledged_at === null ? { acknowledged_at: now, acknowledged_by: actor } : {};
        return { set: { state: "investigating", ...ack }, action: "investigating", detail: withNote(note) };
      }),

    assign: (id: string, actor: string, username: string) =>
      act(id, actor, async (a, _now, trx) => {
        const user = await activeUser(trx, username, "user");
        if (!isOpen(a.state)) throw closed(a);
        return { set: { assigned_to: user }, action: "assigned", detail: { user } };
      }),

    escalate: (id: string, actor: string, username: string, note?: string) =>
      act(id, actor, async (a, now, trx) => {
        const user = await activeUser(trx, username, "user");
        if (!isOpen(a.state)) throw closed(a);
        return {
          set: { escalated_to: user, escalated_at: now, assigned_to: user },
          action: "escalated",
          detail: { user, ...withNote(note) },
        };
      }),

    resolve: (id: string, actor: string, how: { resolution: Resolution; note?: string | undefined }) =>
      act(id, actor, (a, now) => {
        if (!isOpen(a.state)) throw new HttpProblem(409, `alert is already ${a.state.replace("_", " ")}`);
        return {
          set: { state: how.resolution, resolved_at: now, resolved_by: actor },
          action: how.resolution,
          detail: withNote(how.note),
        };
      }),

    reopen: (id: string, actor: string, note?: string) =>
      act(id, actor, (a) => {
        if (isOpen(a.state))
          throw new HttpProblem(409, `alert is ${a.state}; only closed alerts can be reopened`);
        return {
          set: { state: "new", resolved_at: null, resolved_by: null },
          action: "reopened",
          detail: { from: a.state, ...withNote(note) },
        };
      }),

    comment: (id: string, actor: string, text: string) =>
      act(id, actor, () => ({ set: {}, action: "comment", detail: { comment: text } })),

    /**
     * Escalation by the system (escalation worker): claims the alert only if nobody acted on it and it
     * was not escalated yet, so two nodes or two sweeps escalate it once. Returns null when not claimed.
     */
    async autoEscalate(id: string, rule: { channels: string[]; users: string[] }): Promise<Alert | null> {
      const now = new Date(clock());
      const alert = await db.transaction().execute(async (trx) => {
        const first = rule.users[0];
        const user = first
          ? await trx
              .selectFrom("users")
              .select("username")
              .where("username", "=", first)
              .where("is_active", "=", true)
              .executeTakeFirst()
          : undefined;
        const to = user?.username ?? null;
        const row = await trx
          .updateTable("alerts")
          .set({
            escalated_at: now,
            escalated_to: to,
            ...(to ? { assigned_to: to } : {}),
            updated_at: now,
          })
          .where("id", "=", id)
          .where("state", "=", "new")
          .where("escalated_at", "is", null)
          .returningAll()
          .executeTakeFirst();
        if (!row) return null;
        const detail: Record<string, unknown> = { auto: true, channels: rule.channels, users: rule.users };
        if (first && !to) detail.skipped_user = first;
        await addAction(trx, id, "system", "escalated", detail, now);
        return alertFromRow(row);
      });
      if (!alert) return null;
      publish("alert_updated", alert);
      if (rule.channels.length > 0) notifyLater(alert, rule.channels);
      return alert;
    },

    /** Resolves once every background notification (and its history rows) is done; for tests. */
    async waitIdle(): Promise<void> {
      while (background.size > 0) await Promise.allSettled([...background]);
    },

    now: () => clock(),
  };
}
