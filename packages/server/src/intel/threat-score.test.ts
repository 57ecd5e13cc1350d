import { describe, expect, it } from "vitest";
import { internetdb } from "./providers/internetdb.js";
import { otx } from "./providers/otx.js";
import type { ProviderVerdict } from "./providers/provider.js";
import { aggregate, nextTier, type TieredVerdict, threatLevel } from "./threat-score.js";

const ok = (
  score: number,
  categories: string[] = [],
  extra: Partial<ProviderVerdict> = {},
): ProviderVerdict => ({ status: "ok", score, categories, detail: "", ...extra }) as ProviderVerdict;
const notFound: ProviderVerdict = { status: "not_found", detail: "" };

/** Runs the tier rule over scripted answers per tier, as the lookup service will. */
function lookup(byTier: Record<1 | 2 | 3, TieredVerdict[]>) {
  const asked: TieredVerdict[] = [];
  const tiers: number[] = [];
  let tier = nextTier(null, 0);
  while (tier !== null) {
    tiers.push(tier);
    asked.push(...byTier[tier]);
    tier = nextTier(tier, aggregate(asked).aggregated_score);
  }
  return { tiers, result: aggregate(asked) };
}

describe("aggregate", () => {
  it("scores OTX in many pulses plus AbuseIPDB at 100 at least 50", () => {
    const otxMany = otx.read(
      200,
      JSON.stringify({ pulse_info: { count: 50, pulses: [] }, validation: [] }),
      {},
    );
    const r = aggregate([
      { provider: "otx", tier: 1, verdict: otxMany },
      { provider: "abuseipdb", tier: 2, verdict: ok(100, ["Brute-Force", "SSH"]) },
    ]);
    // max(100·0.5, 100·0.6) = 60; weighted mean 100 → 0.6·60 + 0.4·100 = 76.
    expect(r.aggregated_score).toBe(76);
    expect(r.aggregated_score).toBeGreaterThanOrEqual(50);
    expect(r).toMatchObject({ threat_level: "high", is_malicious: true, sources: ["otx", "abuseipdb"] });
    expect(r.confidence).toBe(100);
  });

  it("keeps a clean IP below 30 and asks no tier 2 or 3", () => {
    const { tiers, result } = lookup({
      1: [
        { provider: "ipsum", tier: 1, verdict: notFound },
        {
          provider: "otx",
          tier: 1,
          verdict: otx.read(200, '{"pulse_info":{"count":0},"validation":[]}', {}),
        },
        { provider: "threatfox", tier: 1, verdict: notFound },
        { provider: "urlhaus", tier: 1, verdict: notFound },
        {
          provider: "internetdb",
          tier: 1,
          verdict: internetdb.read(404, '{"detail":"No information available"}', {}),
        },
      ],
      2: [{ provider: "abuseipdb", tier: 2, verdict: ok(100) }],
      3: [{ provider: "virustotal", tier: 3, verdict: ok(100) }],
    });
    expect(tiers).toEqual([1]);
    expect(result).toEqual({
      aggregated_score: 0,
      threat_level: "minimal",
      is_malicious: false,
      categories: [],
      sources: [],
      is_tor: false,
      confidence: 0,
    });
  });

  it("climbs the tiers as the score rises", () => {
    const { tiers, result } = lookup({
      1: [
        { provider: "threatfox", tier: 1, verdict: ok(75, ["botnet_cc"]) },
        { provider: "otx", tier: 1, verdict: notFound },
      ],
      2: [{ provider: "abuseipdb", tier: 2, verdict: ok(100, ["botnet_cc", "Port Scan"]) }],
      3: [{ provider: "virustotal", tier: 3, verdict: ok(90) }],
    });
    expect(tiers).toEqual([1, 2, 3]);
    expect(result.categories).toEqual(["botnet_cc", "Port Scan"]);
    // After tier 1: 0.6·67.5 + 0.4·75 = 71 (> 30); after tier 2: 75 (> 60); all three: 78.
    expect(result).toMatchObject({ aggregated_score: 78, threat_level: "high" });
  });

  it("reproduces the worked example of docs/THREAT-INTEL.md", () => {
    const tier1: TieredVerdict[] = [
      { provider: "threatfox", tier: 1, verdict: ok(75, ["botnet_cc"]) },
      { provider: "ipsum", tier: 1, verdict: notFound },
      { provider: "urlhaus", tier: 1, verdict: notFound },
      { provider: "internetdb", tier: 1, verdict: notFound },
    ];
    const otxNone: TieredVerdict = { provider: "otx", tier: 1, verdict: notFound };
    const rest: TieredVerdict[] = [
      { provider: "abuseipdb", tier: 2, verdict: ok(100) },
      { provider: "virustotal", tier: 3, verdict: ok(90) },
    ];
    expect(aggregate([...tier1, otxNone]).aggregated_score).toBe(71);
    expect(aggregate([...tier1, otxNone, ...rest.slice(0, 1)]).aggregated_score).toBe(75);
    expect(aggregate([...tier1, otxNone, ...rest])).toMatchObject({ aggregated_score: 78, confidence: 53 });
    const otxMany: TieredVerdict = { provider: "otx", tier: 1, verdict: ok(100) };
    expect(aggregate([...tier1, otxMany, ...rest])).toMatchObject({ aggregated_score: 79, confidence: 65 });
  });

  it("lets a provider that found nothing lower confidence, not the score", () => {
    const alone = aggregate([{ provider: "threatfox", tier: 1, verdict: ok(75) }]);
    const withMisses = aggregate([
      { provider: "threatfox", tier: 1, verdict: ok(75) },
      { provider: "otx", tier: 1, verdict: notFound },
      { provider: "internetdb", tier: 1, verdict: ok(0, [], { is_tor: false }) },
    ]);
    expect(withMisses.aggregated_score).toBe(alone.aggregated_score);
    expect(alone.confidence).toBe(100);
    // 0.9 of 0.9 + 0.5 + 0.3 answering weight.
    expect(withMisses.confidence).toBe(53);
  });

  it("ignores errors and spent quotas entirely", () => {
    const r = aggregate([
      { provider: "threatfox", tier: 1, verdict: ok(75) },
      { provider: "otx", tier: 1, verdict: { status: "error", detail: "HTTP 502" } },
      { provider: "urlhaus", tier: 1, verdict: { status: "quota", detail: "429", retryAfterS: 60 } },
    ]);
    expect(r).toMatchObject({ aggregated_score: 71, confidence: 100 });
  });

  it("caps the score on known-benign evidence and reports Tor", () => {
    const r = aggregate([
      { provider: "ipsum", tier: 1, verdict: ok(100, ["blocklisted"]) },
      { provider: "otx", tier: 1, verdict: ok(0, ["known_benign"]) },
      { provider: "internetdb", tier: 1, verdict: ok(20, ["tor"], { is_tor: true }) },
    ]);
    expect(r.aggregated_score).toBe(20);
    expect(r.categories).toEqual(["blocklisted", "tor"]);
    expect(r.sources).toEqual(["ipsum", "otx", "internetdb"]);
    expect(r.is_tor).toBe(true);
  });

  it("honours a per-answer weight", () => {
    const at = (weight: number) =>
      aggregate([{ provider: "abuseipdb", tier: 2, verdict: ok(100), weight }]).aggregated_score;
    expect(at(0.9)).toBe(94);
    expect(at(0.6)).toBe(76);
  });
});

describe("threatLevel and nextTier", () => {
  it("cuts levels at 80, 60, 40 and 20", () => {
    expect([100, 80, 79, 60, 59, 40, 39, 20, 19, 0].map(threatLevel)).toEqual([
      "critical",
      "critical",
      "high",
      "high",
      "medium",
      "medium",
      "low",
      "low",
      "minimal",
      "minimal",
    ]);
  });

  it("asks tier 1 always, tier 2 above 30, tier 3 above 60", () => {
    expect(nextTier(null, 0)).toBe(1);
    expect(nextTier(1, 30)).toBeNull();
    expect(nextTier(1, 31)).toBe(2);
    expect(nextTier(2, 60)).toBeNull();
    expect(nextTier(2, 61)).toBe(3);
    expect(nextTier(3, 100)).toBeNull();
  });
});
