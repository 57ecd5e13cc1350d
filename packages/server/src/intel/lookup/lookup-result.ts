import type { ProviderName, Tier } from "../providers/provider.js";
import type { ThreatLevel } from "../threat-score.js";

/**
 * What a lookup answers (issue 10's shape): the aggregated score and one row per provider, including
 * the ones that were not asked, so an analyst sees why a provider said nothing.
 */
export type ProviderRowStatus = "ok" | "not_found" | "error" | "quota" | "not_configured" | "skipped";

export interface ProviderRow {
  name: ProviderName;
  tier: Tier;
  status: ProviderRowStatus;
  /** The provider's own 0–100 score when it answered "ok"; null otherwise. */
  score: number | null;
  detail: string;
  /** When it was asked (ISO); null when it was not (not configured, skipped, backed off). */
  checked_at: string | null;
}

export interface ThreatLookupResult {
  ip: string;
  aggregated_score: number;
  threat_level: ThreatLevel;
  is_malicious: boolean;
  categories: string[];
  sources: ProviderName[];
  is_tor: boolean;
  /** 0–100: how much of the answering providers' weight backs the score (threat-score.ts). */
  confidence: number;
  country: string | null;
  asn: number | null;
  checked_at: string;
  /** True when served from the cache without asking any provider. */
  cached: boolean;
  providers: ProviderRow[];
}
