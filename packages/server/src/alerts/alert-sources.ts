import type { Detection } from "../detection/types.js";
import type { PendingBan } from "../response/types.js";
import type { NewAlert } from "./types.js";

/**
 * Alerts that do not come from alert rules: a scenario whose action is `alert`, and a ban that landed
 * in pending approval (an analyst must decide). Neither names channels, so they go to the channels
 * whose `min_severity` they reach.
 */
/** What every alert born of a detection (scenario or rule) takes from it. */
export function detectionFacts(d: Detection) {
  return {
    site: d.site,
    group_by: d.group_by,
    group_value: d.value,
    count: d.count,
    threshold: d.threshold,
    first_seen: d.first_seen,
    last_seen: d.last_seen,
    event_ids: d.event_ids,
  } satisfies Partial<NewAlert>;
}

export function alertFromDetection(d: Detection): NewAlert {
  return {
    source: "scenario",
    rule_name: d.scenario,
    title: `${d.scenario}: ${d.count} ${d.count === 1 ? "event" : "events"} from ${d.group_by} ${d.value}`,
    severity: d.severity,
    ...detectionFacts(d),
    details: { labels: d.labels, window_ms: d.windowMs, country: d.country, rule_id: d.rule_id, url: d.url },
    // The engine already fires once per continuous attack; this keeps a flapping source to one alert.
    cooldownMs: 15 * 60_000,
  };
}

/**
 * A ban-type detection the ban policy turned into an alert (soft whitelist with alert only, a
 * geoblocking allow rule, a low reputation when threat validation was asked): someone should know.
 */
export function alertFromPolicy(d: Detection, reason: string): NewAlert {
  const a = alertFromDetection(d);
  return { ...a, title: `${a.title} — not banned: ${reason}`, details: { ...a.details, policy: reason } };
}

export function alertFromPendingBan(p: PendingBan): NewAlert {
  const why =
    p.pending_type === "false_positive"
      ? `many sources hit ${p.fp_rule_id || "the same rule"} on ${p.fp_hostname}${p.fp_uri}: possible false positive`
      : p.pending_type === "unverified_sender"
        ? "reported by a sender that is not a registered source"
        : `${p.country || "its country"} is in the ${p.geo_zone} zone`;
  return {
    source: "pending_ban",
    rule_name: "pending_ban",
    title: `Ban of ${p.ip} waits for approval (${why})`,
    severity: "medium",
    group_by: "src_ip",
    group_value: p.ip,
    count: p.event_count,
    first_seen: Date.parse(p.first_event) || Date.now(),
    last_seen: Date.parse(p.last_event) || Date.now(),
    details: {
      pending_id: p.id,
      pending_type: p.pending_type,
      trigger_rule: p.trigger_rule,
      reason: p.reason,
      country: p.country,
      geo_zone: p.geo_zone,
      threat_score: p.threat_score,
    },
    cooldownMs: 60 * 60_000,
  };
}
