import type { Kysely } from "kysely";
import { tryWithAdvisoryLock } from "../storage/state-lock.js";
import type { StateDatabase } from "../storage/state-schema.js";
import type { BanChange } from "./ban-service.js";
import { addHistory, liftBan, nextVersion } from "./ban-writes.js";
import { toBan, toPending } from "./response-rows.js";
import { expireWhitelist } from "./whitelist-store.js";

/**
 * Lifts bans on time, closes stale approvals and retires expired whitelist entries. Runs once per
 * cluster (advisory lock), every `intervalMs` and also exactly at the next ban's expiry, so a 4 h
 * ban ends at 4 h, not at 4 h + the poll interval.
 */
export interface ExpiryWorkerDeps {
  db: Kysely<StateDatabase>;
  /** Where committed changes go (the ban service's `emit`). */
  emit: (...changes: BanChange[]) => void;
  now?: (() => number) | undefined;
  intervalMs?: number | undefined;
  /** Open approvals older than this expire (default 7 days). */
  pendingMaxAgeMs?: number | undefined;
  log?: { warn(obj: unknown, msg: string): void } | undefined;
}

export interface ExpirySweep {
  bans: number;
  pending: number;
  whitelist: number;
  /** When the next active ban ends (ms), if any. */
  nextExpiry: number | null;
}

export const EXPIRY_DEFAULTS = { intervalMs: 5_000, pendingMaxAgeMs: 7 * 24 * 3600_000 };

/** One sweep on the given connection (inside the lock). */
export async function sweepExpired(
  db: Kysely<StateDatabase>,
  now: Date,
  pendingMaxAgeMs: number,
): Promise<{ changes: BanChange[]; sweep: ExpirySweep }> {
  const changes: BanChange[] = [];
  const due = await db
    .selectFrom("bans")
    .selectAll()
    .where("status", "=", "active")
    .where("expires_at", "<=", now)
    .limit(1000)
    .execute();
  for (const row of due) {
    const lift = {
      action: "expire",
      actor: "system",
      reason: "ban expired",
      immune_until: null,
      now,
    } as const;
    const ban = await db.transaction().execute((trx) => liftBan(trx, toBan(row), lift));
    changes.push({ type: "ban_removed", data: ban });
  }
  const stale = await db
    .updateTable("pending_bans")
    .set({ status: "expired", reviewed_by: "system", reviewed_at: now })
    .where("status", "=", "pending")
    .where("created_at", "<=", new Date(now.getTime() - pendingMaxAgeMs))
    .returningAll()
    .execute();
  for (const row of stale) {
    changes.push({ type: "ban_pending", data: toPending(row) });
    const ban = await db
      .updateTable("bans")
      .set({ status: "expired", updated_at: now, version: nextVersion })
      .where("ip", "=", row.ip)
      .where("status", "=", "pending_approval")
      .returningAll()
      .executeTakeFirst();
    await addHistory(db, {
      ip: row.ip,
      action: "expire",
      status: "expired",
      tier: 0,
      duration_ms: null,
      reason: "approval not given in time",
      actor: "system",
      source: "detect2ban",
      at: now,
    });
    if (ban) changes.push({ type: "ban_updated", data: toBan(ban) });
  }
  const whitelist = await expireWhitelist(db, now);
  const next = await db
    .selectFrom("bans")
    .select((eb) => eb.fn.min("expires_at").as("next"))
    .where("status", "=", "active")
    .executeTakeFirst();
  const nextExpiry = next?.next ? new Date(next.next).getTime() : null;
  return { changes, sweep: { bans: due.length, pending: stale.length, whitelist, nextExpiry } };
}

export function startExpiryWorker(deps: ExpiryWorkerDeps) {
  const clock = deps.now ?? Date.now;
  const intervalMs = deps.intervalMs ?? EXPIRY_DEFAULTS.intervalMs;
  const pendingMaxAgeMs = deps.pendingMaxAgeMs ?? EXPIRY_DEFAULTS.pendingMaxAgeMs;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<ExpirySweep | null> | null = null;
  let scheduledAt = Number.POSITIVE_INFINITY;

  async function runOnce(): Promise<ExpirySweep | null> {
    const result = await tryWithAdvisoryLock(deps.db, "vigil:ban-expiry", (conn) =>
      sweepExpired(conn, new Date(clock()), pendingMaxAgeMs),
    );
    if (!result.ran) return null;
    deps.emit(...result.value.changes);
    return result.value.sweep;
  }

  function schedule(nextExpiry: number | null): void {
    if (stopped) return;
    const untilNext = nextExpiry === null ? intervalMs : Math.max(0, nextExpiry - clock());
    const delay = Math.min(intervalMs, untilNext);
    // Keep an earlier wake-up (set by expiresAt while a sweep ran).
    if (timer && scheduledAt <= clock() + delay) return;
    if (timer) clearTimeout(timer);
    scheduledAt = clock() + delay;
    timer = setTimeout(tick, delay);
    timer.unref();
  }

  function tick(): void {
    scheduledAt = Number.POSITIVE_INFINITY;
    timer = undefined;
    running = runOnce().catch((err: unknown) => {
      deps.log?.warn({ err }, "ban expiry sweep failed; retrying");
      return null;
    });
    void running.then((sweep) => schedule(sweep?.nextExpiry ?? null));
  }

  tick();
  return {
    /** Sweep now (tests and the admin "expire now"); null when another node holds the lock. */
    runOnce,
    /** A ban ending at `atMs` was just written: sweep then if that is before the next planned sweep. */
    expiresAt(atMs: number): void {
      if (!stopped && atMs < scheduledAt) schedule(atMs);
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
