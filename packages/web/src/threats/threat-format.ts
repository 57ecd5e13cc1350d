/** Pure display helpers for threat scores, provider rows and the ban tier preview. */
import type { Ban } from "../api/response-types.js";
import { tierLabel } from "../bans/ban-format.js";
import type { ProviderRowStatus, ThreatLevel, ThreatProviderStatus } from "./threat-types.js";

export const LEVEL_COLOR: Record<ThreatLevel, string> = {
  critical: "red",
  high: "orange",
  medium: "yellow",
  low: "blue",
  minimal: "gray",
};

export const ROW_STATUS_COLOR: Record<ProviderRowStatus, string> = {
  ok: "green",
  not_found: "gray",
  error: "red",
  quota: "orange",
  not_configured: "dark",
  skipped: "gray",
};

/** "not configured" rather than "not_configured". */
export function statusLabel(status: string): string {
  return status.replace(/_/g, " ");
}

/** Share of today's quota used, 0–100; null when the provider publishes no limit. */
export function quotaPercent(p: Pick<ThreatProviderStatus, "used_today" | "daily_limit">): number | null {
  if (p.daily_limit === null || p.daily_limit <= 0) return null;
  return Math.min(100, Math.round((p.used_today / p.daily_limit) * 100));
}

export function quotaColor(percent: number | null): string {
  if (percent === null) return "teal";
  return percent >= 90 ? "red" : percent >= 70 ? "orange" : "teal";
}

/** Tiers the server escalates through: 4 h, 24 h, 7 d, then permanent (response/ban-policy.ts tierFor). */
const PERMANENT_TIER = 3;

export interface TierPreview {
  /** True when a ban is in force now: a new one would only restate it. */
  banned: boolean;
  tier: number;
  duration: string;
  text: string;
}

/**
 * What a manual ban without a duration would do: the tier is the number of earlier bans (capped),
 * as the server decides it. `ban` is the IP's ban record, or null when it was never banned.
 */
export function tierPreview(
  ban: Pick<Ban, "status" | "ban_count" | "expires_at" | "current_tier"> | null,
  now: number,
): TierPreview {
  const inForce =
    ban !== null &&
    (ban.status === "permanent" ||
      (ban.status === "active" && (ban.expires_at === null || Date.parse(ban.expires_at) > now)));
  const tier = Math.min(Math.max(0, ban?.ban_count ?? 0), PERMANENT_TIER);
  const duration = tierLabel(tier);
  if (inForce && ban)
    return {
      banned: true,
      tier: ban.current_tier,
      duration: tierLabel(ban.current_tier),
      text: `Banned now at tier ${ban.current_tier} (${tierLabel(ban.current_tier)}); banning again escalates to tier ${tier}, ${duration}`,
    };
  return {
    banned: false,
    tier,
    duration,
    text:
      tier === 0
        ? `First ban: would be tier 0, duration ${duration}`
        : `Banned ${ban?.ban_count ?? 0} time(s) before: would be tier ${tier}, duration ${duration}`,
  };
}
