import type { Detection } from "../detection/types.js";
import type { GeoblockRule } from "./geo-store.js";
import { internalAddress, ownNetworkHolding } from "./internal-address.js";
import {
  type Ban,
  type GeoZone,
  type GeoZoneConfig,
  type PendingBan,
  TIER_DURATIONS_MS,
  type WhitelistEntry,
} from "./types.js";

/**
 * The ban policy: what to do with one detection, as pure data in → data out. The path follows the
 * issue (and the seed's Detect2Ban "Verify → TI check → BAN"):
 *
 *   whitelist (hard: nothing; monitor: log only; soft: score reduced, alert_only → alert)
 *   → already banned (nothing: repeats of one attack never double-escalate)
 *   → immunity (an analyst's unban with immune_until: log only)
 *   → internal address (private, loopback, link-local, multicast, own networks: alert, unless the
 *      scenario sets ban_internal)
 *   → unregistered sender (events not from a registered source or authenticated channel: pending
 *      approval "unverified_sender", unless the operator allows such bans)
 *   → geoblocking rule for the country (block: ban at once; allow: alert, never an automatic ban)
 *   → GeoZone (hostile: ban at once; authorized: needs waf_threshold_zone events and a reputation
 *      ≥ threat_score_threshold, else pending approval "country_policy"; neutral: standard)
 *   → validate_threat (neutral zone: a low reputation turns the ban into an alert, as the seed skips it)
 *   → false-positive guard (rule + URI + host hit by many distinct IPs: pending "false_positive")
 *   → ban at the next tier.
 *
 * Choices where the spec is silent (documented for the console and the docs):
 * - Tier = number of earlier bans (`ban_count`), capped at 3: 4 h, 24 h, 7 d, then permanent.
 * - A scenario's own `duration` replaces only the tier-0 duration: recidivists still escalate.
 * - Hostile countries skip the false-positive guard: "immediate" is what the admin asked for there.
 * - Geoblocking rules are an admin's explicit word on one country, so they come before (and
 *   override) the GeoZone classification and apply even when GeoZone is disabled:
 *   `block` bans on the first detection of a ban scenario (no zone threshold, no reputation gate, no
 *   approval, no false-positive guard; the reason names the rule); `allow` turns every automatic ban
 *   into an alert "country allowed by geoblocking rule". Neither touches whitelists (checked first),
 *   alert-only scenarios, current bans or immunity, and manual bans ignore both.
 * - `conditional` (a seed status) is never produced: see docs/DETECTION-AND-BANS.md. A row with that
 *   status is not in force (not enforced, not counted as banned), so a detection bans it again.
 */

export interface PolicyContext {
  /** Whitelist entries whose IP/CIDR covers the detection's IP (expired or inactive ones are skipped here). */
  whitelist: WhitelistEntry[];
  currentBan: Ban | null;
  geo: GeoZoneConfig;
  /** ISO country code of the IP ("" when unknown). */
  country: string;
  /** The geoblocking rule for `country`, if an admin set one. */
  geoblock?: Pick<GeoblockRule, "country" | "action" | "reason"> | null | undefined;
  reputation?: { score: number; sources: string[] } | undefined;
  /** Distinct IPs that hit the same (rule, uri, hostname) recently (see fp-guard.ts). */
  fpGuard: { distinctIps: number };
  /** Distinct IPs from which the guard holds bans for approval (default 5). */
  fpThreshold?: number;
  /**
   * The operator's own networks (setting `bans.own_networks`, plus registered source addresses):
   * never banned automatically unless the scenario sets `ban_internal`.
   */
  ownNetworks?: readonly string[];
  /** Ban on detections from unregistered senders without asking (setting, off by default). */
  banUnregistered?: boolean;
  now: number;
}

export type BanDecision = {
  kind: "ban";
  tier: number;
  /** null = permanent. */
  duration_ms: number | null;
  status: "active" | "permanent";
  geo_zone: GeoZone;
  threat_score: number;
  reason: string;
};
export type PendingDecision = {
  kind: "pending";
  pending_type: PendingBan["pending_type"];
  geo_zone: GeoZone;
  threat_score: number;
  reason: string;
};
export type Decision =
  | BanDecision
  | PendingDecision
  | { kind: "alert"; geo_zone: GeoZone; threat_score: number; reason: string }
  | { kind: "log_only"; reason: string }
  | { kind: "ignore"; reason: string };

export const DEFAULT_FP_THRESHOLD = 5;
export const PERMANENT_TIER = TIER_DURATIONS_MS.length;

export function zoneOf(geo: GeoZoneConfig, country: string): GeoZone {
  if (!geo.enabled) return "neutral";
  const cc = country.toUpperCase();
  if (cc && geo.hostile_countries.some((c) => c.toUpperCase() === cc)) return "hostile";
  if (cc && geo.authorized_countries.some((c) => c.toUpperCase() === cc)) return "authorized";
  return geo.default_policy;
}

export function isActiveBan(ban: Ban | null, now: number): boolean {
  if (!ban) return false;
  if (ban.status === "permanent") return true;
  if (ban.status !== "active") return false;
  return ban.expires_at === null || Date.parse(ban.expires_at) > now;
}

/** The tier a new ban lands on after `banCount` earlier bans, and its duration. */
export function tierFor(
  banCount: number,
  scenarioDurationMs?: number,
): { tier: number; duration_ms: number | null } {
  const tier = Math.min(Math.max(0, banCount), PERMANENT_TIER);
  if (tier >= PERMANENT_TIER) return { tier, duration_ms: null };
  const base = TIER_DURATIONS_MS[tier] ?? null;
  return { tier, duration_ms: tier === 0 && scenarioDurationMs ? scenarioDurationMs : base };
}

export function liveEntries(entries: WhitelistEntry[], now: number): WhitelistEntry[] {
  return entries.filter((e) => e.is_active && (e.expires_at === null || Date.parse(e.expires_at) > now));
}

export function decide(detection: Detection, ctx: PolicyContext): Decision {
  const { now } = ctx;
  const ip = detection.value;
  const entries = liveEntries(ctx.whitelist, now);

  const hard = entries.find((e) => e.type === "hard");
  if (hard) return { kind: "ignore", reason: `${ip} is hard-whitelisted (${hard.ip}: ${hard.reason})` };
  const monitor = entries.find((e) => e.type === "monitor");
  if (monitor)
    return { kind: "log_only", reason: `${ip} is whitelisted for monitoring only (${monitor.ip})` };

  const zone = zoneOf(ctx.geo, ctx.country);
  // Soft entries reduce the reputation score by their percentage (the strongest entry wins).
  const soft = entries.filter((e) => e.type === "soft");
  const reduction = Math.min(100, Math.max(0, ...soft.map((e) => e.score_modifier), 0));
  const rawScore = ctx.reputation?.score ?? 0;
  const score = Math.round((rawScore * (100 - reduction)) / 100);
  const alertOnly = soft.find((e) => e.alert_only);

  if (detection.action === "alert")
    return {
      kind: "alert",
      geo_zone: zone,
      threat_score: score,
      reason: `scenario ${detection.scenario} alerts only`,
    };
  if (alertOnly) {
    return {
      kind: "alert",
      geo_zone: zone,
      threat_score: score,
      reason: `${ip} is soft-whitelisted with alert only (${alertOnly.ip})`,
    };
  }

  if (isActiveBan(ctx.currentBan, now)) return { kind: "ignore", reason: `${ip} is already banned` };
  const immune = ctx.currentBan?.immune_until;
  if (immune && Date.parse(immune) > now)
    return { kind: "log_only", reason: `${ip} is immune until ${immune}` };

  const why = `${detection.scenario}: ${detection.count} events in ${Math.round(detection.windowMs / 1000)}s`;
  // Nothing below may ban an address of ours, nor act on a sender's word alone: not even a geoblock.
  const internal = detection.ban_internal ? null : internalReason(ip, ctx.ownNetworks ?? []);
  if (internal)
    return {
      kind: "alert",
      geo_zone: zone,
      threat_score: score,
      reason: `${why}; ${internal}: not banned automatically (the scenario does not set ban_internal)`,
    };
  if (!detection.trusted && !ctx.banUnregistered)
    return {
      kind: "pending",
      pending_type: "unverified_sender",
      geo_zone: zone,
      threat_score: score,
      reason: `${why}; reported by ${senderText(detection)}, which is not a registered source, and such a line can be forged: approval needed`,
    };

  const rule = ctx.geoblock;
  if (rule && rule.country.toUpperCase() === ctx.country.toUpperCase()) {
    const named = `geoblocking rule ${rule.action} ${rule.country.toUpperCase()}${rule.reason ? ` (${rule.reason})` : ""}`;
    if (rule.action === "allow")
      return {
        kind: "alert",
        geo_zone: zone,
        threat_score: score,
        reason: `country allowed by geoblocking rule: ${named}; ${detection.scenario} not banned`,
      };
    return banDecision(
      detection,
      ctx.currentBan?.ban_count ?? 0,
      zone,
      score,
      `${named}: ${detection.scenario}, ${detection.count} events in ${Math.round(detection.windowMs / 1000)}s`,
    );
  }

  const softNote = reduction > 0 ? ` (score reduced ${reduction}% by soft whitelist)` : "";

  if (zone === "authorized") {
    const needed = ctx.geo.waf_threshold_zone;
    if (detection.count < needed) {
      return {
        kind: "alert",
        geo_zone: zone,
        threat_score: score,
        reason: `${why}; below the authorized-zone threshold of ${needed} events (${ctx.country})`,
      };
    }
    if (score < ctx.geo.threat_score_threshold) {
      return {
        kind: "pending",
        pending_type: "country_policy",
        geo_zone: zone,
        threat_score: score,
        reason: `${why}; ${ctx.country} is an authorized country and the threat score ${score}${softNote} is below ${ctx.geo.threat_score_threshold}: approval needed`,
      };
    }
  } else if (zone === "neutral" && (detection.validate_threat || reduction > 0)) {
    // validate_threat (or a soft entry, whose only effect is on the score) gates the ban on reputation.
    if (score < ctx.geo.threat_score_threshold) {
      return {
        kind: "alert",
        geo_zone: zone,
        threat_score: score,
        reason: `${why}; threat score ${score}${softNote} below ${ctx.geo.threat_score_threshold}, not banned`,
      };
    }
  }

  const fpThreshold = ctx.fpThreshold ?? DEFAULT_FP_THRESHOLD;
  if (zone !== "hostile" && ctx.fpGuard.distinctIps >= fpThreshold) {
    return {
      kind: "pending",
      pending_type: "false_positive",
      geo_zone: zone,
      threat_score: score,
      reason: `${why}; possible false positive: rule ${detection.rule_id || detection.scenario} on ${detection.hostname}${detection.url} hit by ${ctx.fpGuard.distinctIps} distinct IPs`,
    };
  }

  return banDecision(
    detection,
    ctx.currentBan?.ban_count ?? 0,
    zone,
    score,
    `${why}${zone === "hostile" ? ` from hostile country ${ctx.country}` : ""}`,
  );
}

/** Why `ip` is ours rather than an attacker's (a special-purpose range or an own network), or null. */
export function internalReason(ip: string, ownNetworks: readonly string[]): string | null {
  const special = internalAddress(ip);
  if (special) return special;
  const own = ownNetworkHolding(ip, ownNetworks);
  return own ? `${ip} is in your own network ${own}` : null;
}

function senderText(d: Pick<Detection, "sender" | "channel">): string {
  const who = d.sender || "an unknown sender";
  return d.channel ? `${who} over ${d.channel.toUpperCase()}` : who;
}

export function banDecision(
  detection: Pick<Detection, "durationMs">,
  banCount: number,
  zone: GeoZone,
  score: number,
  reason: string,
): BanDecision {
  const { tier, duration_ms } = tierFor(banCount, detection.durationMs);
  return {
    kind: "ban",
    tier,
    duration_ms,
    status: duration_ms === null ? "permanent" : "active",
    geo_zone: zone,
    threat_score: score,
    reason,
  };
}
