import type { ListenerCounters } from "../ingest/syslog/types.js";
import type { TableWriterStats } from "../ingest/table-writer.js";
import type { NewAlert } from "./types.js";

/**
 * Alerts Vigil raises about itself: a syslog listener that stopped serving, ingest falling behind
 * (the write queue filling up or events waiting too long to be stored, or events dead-lettered), and
 * an enforcement target that keeps failing. Checks are pure (snapshot → alerts) so they are tested
 * without a running server; the runner polls them and relies on each alert's cooldown so a lasting
 * problem is one alert an hour, not one per check.
 */
export interface SystemSnapshot {
  listeners: readonly ListenerCounters[];
  writers: readonly TableWriterStats[];
  maxQueued: number;
  deadLettered: number;
}

export interface SystemThresholds {
  /** Queue fill (0..1) that counts as falling behind. */
  queueFill: number;
  /** Age of the oldest queued batch that counts as falling behind. */
  lagMs: number;
}

export const DEFAULT_THRESHOLDS: SystemThresholds = { queueFill: 0.8, lagMs: 30_000 };
const HOUR = 60 * 60_000;

export function systemAlerts(
  now: SystemSnapshot,
  before: SystemSnapshot | null,
  t: SystemThresholds = DEFAULT_THRESHOLDS,
): NewAlert[] {
  const out: NewAlert[] = [];
  for (const l of now.listeners) {
    if (l.up) continue;
    out.push({
      source: "system",
      rule_name: "system:listener_down",
      title: `Syslog listener ${l.name} (${l.transport}) is not serving`,
      severity: "critical",
      group_by: "listener",
      group_value: l.name,
      details: { transport: l.transport, port: l.port, errors: l.errors },
      cooldownMs: HOUR,
    });
  }
  for (const w of now.writers) {
    const fill = now.maxQueued > 0 ? w.queued / now.maxQueued : 0;
    if (fill < t.queueFill && w.lagMs < t.lagMs) continue;
    out.push({
      source: "system",
      rule_name: "system:ingest_behind",
      title: `Ingest is falling behind: ${w.queued} ${w.table} rows queued, oldest waiting ${Math.round(w.lagMs / 1000)} s`,
      severity: "high",
      group_by: "table",
      group_value: w.table,
      count: w.queued,
      details: {
        queued: w.queued,
        max_queued: now.maxQueued,
        lag_ms: w.lagMs,
        failed_flushes: w.failedFlushes,
      },
      cooldownMs: HOUR,
    });
  }
  const newlyDead = before ? now.deadLettered - before.deadLettered : 0;
  if (newlyDead > 0) {
    out.push({
      source: "system",
      rule_name: "system:dead_letter",
      title: `${newlyDead} ${newlyDead === 1 ? "row" : "rows"} could not be stored and went to the dead-letter file`,
      severity: "high",
      group_by: "store",
      group_value: "events",
      count: newlyDead,
      details: { dead_lettered_total: now.deadLettered },
      cooldownMs: HOUR,
    });
  }
  return out;
}

/** An enforcement target whose sync failed: one alert per target per hour while it keeps failing. */
export function enforcementFailingAlert(targetId: string, name: string, error: string): NewAlert {
  return {
    source: "system",
    rule_name: "system:enforcement_failing",
    title: `Enforcement target ${name} is failing: ${error}`,
    severity: "high",
    group_by: "target",
    group_value: targetId,
    details: { target_id: targetId, error },
    cooldownMs: HOUR,
  };
}

export interface SystemWatcher {
  stop(): void;
}

/** Polls the snapshot every `intervalMs` and raises what `systemAlerts` finds. */
export function startSystemWatcher(o: {
  snapshot: () => SystemSnapshot;
  raise: (a: NewAlert) => Promise<unknown>;
  intervalMs?: number;
  log: { error(obj: object, msg: string): void };
}): SystemWatcher {
  let before: SystemSnapshot | null = null;
  const timer = setInterval(() => {
    const now = o.snapshot();
    for (const a of systemAlerts(now, before)) {
      o.raise(a).catch((err: unknown) => o.log.error({ err, rule: a.rule_name }, "system alert failed"));
    }
    before = now;
  }, o.intervalMs ?? 10_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
