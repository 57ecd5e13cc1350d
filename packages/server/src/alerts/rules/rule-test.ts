import { runBacktest } from "../../detection/backtest.js";
import type { EventStore } from "../../storage/event-store.js";
import type { AlertRuleTestResult } from "../types.js";
import { type RuleLike, ruleScenario, type SitesOf } from "./rule-scenario.js";

/**
 * What a rule would have raised over stored events in [from, to): the rule's scenario through a fresh
 * engine on event time (the scenario backtest), then the rule's cooldown applied per group value the
 * way the alert service applies it live: a firing less than `cooldown` after the last alert for the
 * same group value is folded into that alert, not counted as a new one. Acts on nothing.
 */
export const DEFAULT_TEST_RANGE_MS = 24 * 3_600_000;
export const MAX_TEST_RANGE_MS = 31 * 86_400_000;
const MAX_FIRINGS = 1000;

export interface RuleTestOptions {
  eventStore: EventStore;
  rule: RuleLike & { id?: string };
  cooldownMs: number;
  from: number;
  to: number;
  /** The sites of a client, for a client's rule (see ruleFilter). */
  sitesOf: SitesOf;
  /** Only this site's events (a site-scoped API key). */
  site?: string;
  maxEvents?: number;
}

export async function testRule(o: RuleTestOptions): Promise<AlertRuleTestResult> {
  const scenario = ruleScenario({ ...o.rule, id: o.rule.id ?? "preview", enabled: true }, o.sitesOf);
  const result = await runBacktest({
    store: o.eventStore,
    scenario,
    from: o.from,
    to: o.to,
    ...(o.site !== undefined ? { site: o.site } : {}),
    ...(o.maxEvents !== undefined ? { maxEvents: o.maxEvents } : {}),
  });

  const lastAlert = new Map<string, number>();
  const firings: AlertRuleTestResult["firings"] = [];
  const start = result.buckets.length > 0 ? Date.parse(result.buckets[0]?.t ?? "") : o.from;
  const bucketMs = result.bucket_seconds * 1000;
  const perBucket = new Array<number>(result.buckets.length).fill(0);
  // Detections arrive in event-time order (the backtest reads events in time order).
  for (const d of result.detections) {
    const prev = lastAlert.get(d.value);
    if (prev !== undefined && d.last_seen - prev < o.cooldownMs) continue;
    lastAlert.set(d.value, d.last_seen);
    const i = Math.min(perBucket.length - 1, Math.max(0, Math.floor((d.last_seen - start) / bucketMs)));
    perBucket[i] = (perBucket[i] ?? 0) + 1;
    if (firings.length < MAX_FIRINGS)
      firings.push({
        group_value: d.value,
        count: d.count,
        at: new Date(d.last_seen).toISOString(),
        site: d.site,
      });
  }

  return {
    scanned: result.scanned,
    matched: result.matched,
    capped: result.capped,
    scanned_until: result.scanned_until,
    bucket_seconds: result.bucket_seconds,
    buckets: result.buckets.map((b, i) => ({ t: b.t, events: b.events, firings: perBucket[i] ?? 0 })),
    firings,
  };
}
