import type { ProviderName, ProviderVerdict, Tier } from "./providers/provider.js";
import { KNOWN_BENIGN } from "./providers/provider-read.js";

/**
 * The aggregator's arithmetic, pure: provider verdicts → one 0–100 score, its level and what backs
 * it, and the tier rule deciding which providers are worth spending quota on next. The formula and a
 * worked example are in docs/THREAT-INTEL.md; keep the two in step.
 */

export type ThreatLevel = "critical" | "high" | "medium" | "low" | "minimal";

export interface TieredVerdict {
  provider: ProviderName;
  tier: Tier;
  verdict: ProviderVerdict;
  /**
   * How far this answer is trusted, in (0, 1]. Defaults to `PROVIDER_WEIGHTS`; a provider that
   * knows more about one answer overrides it (AbuseIPDB: 0.9 with 5+ distinct reporters).
   */
  weight?: number;
}

export interface ThreatScore {
  aggregated_score: number;
  threat_level: ThreatLevel;
  is_malicious: boolean;
  /** Deduplicated (case-insensitive), in the order the verdicts gave them. */
  categories: string[];
  /** Providers that had something to say: a positive score or known-benign evidence. */
  sources: ProviderName[];
  is_tor: boolean;
  /** 0–100: the share of the answering providers' weight that backs the score. */
  confidence: number;
}

/** Reference 1.12's w per provider; InternetDB (no proposal there) is context only, so it is low. */
export const PROVIDER_WEIGHTS: Record<ProviderName, number> = {
  abuseipdb: 0.6,
  crowdsec: 0.6,
  greynoise: 0.7,
  otx: 0.5,
  virustotal: 0.8,
  criminalip: 0.6,
  pulsedive: 0.5,
  threatfox: 0.9,
  urlhaus: 0.7,
  ipsum: 0.5,
  internetdb: 0.3,
};

/** Share of the score taken from the strongest single weighted answer; the rest is the weighted mean. */
export const MAX_SHARE = 0.6;
/** Known-benign evidence (whitelists, RIOT, CrowdSec "safe") caps the score here: "minimal"/"low" edge. */
export const BENIGN_CAP = 20;
/** Same as the GeoZone `threat_score_threshold` default, so "malicious" and "would be banned" agree. */
export const MALICIOUS_AT = 50;
/** The tier rule: tier 2 when the score after tier 1 is above this… */
export const TIER_2_ABOVE = 30;
/** …and tier 3 when the score after tiers 1 and 2 is above this. */
export const TIER_3_ABOVE = 60;

export function threatLevel(score: number): ThreatLevel {
  if (score >= 80) return "critical";
  if (score >= 60) return "high";
  if (score >= 40) return "medium";
  if (score >= 20) return "low";
  return "minimal";
}

function weightOf(v: TieredVerdict): number {
  const own = v.verdict.status === "ok" ? v.verdict.weight : undefined;
  const w = v.weight ?? own ?? PROVIDER_WEIGHTS[v.provider];
  return Number.isFinite(w) && w > 0 ? Math.min(1, w) : PROVIDER_WEIGHTS[v.provider];
}

function clamp(n: number): number {
  return Math.max(0, Math.min(100, n));
}

export function aggregate(verdicts: readonly TieredVerdict[]): ThreatScore {
  let best = 0;
  let weightedSum = 0;
  let evidenceWeight = 0;
  let answeredWeight = 0;
  let backingWeight = 0;
  let benign = false;
  let isTor = false;
  const categories: string[] = [];
  const seenCategories = new Set<string>();
  const sources: ProviderName[] = [];
  for (const v of verdicts) {
    const verdict = v.verdict;
    // Errors, spent quotas (and unconfigured or skipped providers, which never reach here as
    // verdicts) did not answer: they change neither the score nor the confidence.
    if (verdict.status !== "ok" && verdict.status !== "not_found") continue;
    const w = weightOf(v);
    answeredWeight += w;
    if (verdict.status === "not_found") continue;
    if (verdict.is_tor) isTor = true;
    const isBenign = verdict.categories.includes(KNOWN_BENIGN);
    const s = clamp(verdict.score);
    // An "ok" with score 0 and no benign mark (InternetDB listing only ports, AbuseIPDB with no
    // reports) found nothing against the IP: like not_found, it lowers confidence, not the score.
    if (s === 0 && !isBenign) continue;
    backingWeight += w;
    if (!sources.includes(v.provider)) sources.push(v.provider);
    if (isBenign) benign = true;
    if (s > 0) {
      best = Math.max(best, s * w);
      weightedSum += s * w;
      evidenceWeight += w;
    }
    for (const c of verdict.categories) {
      const key = c.toLowerCase();
      if (c === KNOWN_BENIGN || seenCategories.has(key)) continue;
      seenCategories.add(key);
      categories.push(c);
    }
  }
  const mean = evidenceWeight > 0 ? weightedSum / evidenceWeight : 0;
  let score = Math.round(MAX_SHARE * best + (1 - MAX_SHARE) * mean);
  if (benign) score = Math.min(score, BENIGN_CAP);
  score = clamp(score);
  return {
    aggregated_score: score,
    threat_level: threatLevel(score),
    is_malicious: score >= MALICIOUS_AT,
    categories,
    sources,
    is_tor: isTor,
    confidence: answeredWeight > 0 ? Math.round((100 * backingWeight) / answeredWeight) : 0,
  };
}

/**
 * The tier rule, one step at a time so scarce quota is spent on the freshest score: nothing asked →
 * tier 1; after tier 1, tier 2 when the score is above 30; after tier 2, tier 3 when the score
 * (tiers 1 and 2 together) is above 60. null = stop.
 */
export function nextTier(lastAsked: Tier | null, scoreSoFar: number): Tier | null {
  if (lastAsked === null) return 1;
  if (lastAsked === 1) return scoreSoFar > TIER_2_ABOVE ? 2 : null;
  if (lastAsked === 2) return scoreSoFar > TIER_3_ABOVE ? 3 : null;
  return null;
}
