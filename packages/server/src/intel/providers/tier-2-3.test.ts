import { describe, expect, it } from "vitest";
import { aggregate, BENIGN_CAP } from "../threat-score.js";
import { abuseipdb } from "./abuseipdb.js";
import { fixture } from "./fixtures/recorded.js";
import { greynoise } from "./greynoise.js";
import { TIER_2_3_PROVIDERS } from "./tier-2-3.js";
import { virustotal } from "./virustotal.js";

describe("TIER_2_3_PROVIDERS", () => {
  it("holds the six tier-2 and tier-3 providers, each once, tier 2 first", () => {
    expect(TIER_2_3_PROVIDERS.map((p) => [p.name, p.tier])).toEqual([
      ["abuseipdb", 2],
      ["crowdsec", 2],
      ["greynoise", 2],
      ["virustotal", 3],
      ["pulsedive", 3],
      ["criminalip", 3],
    ]);
  });

  it("never puts a key into a request when there is none", () => {
    for (const p of TIER_2_3_PROVIDERS) {
      const r = p.request("198.51.100.7", null);
      expect(r.method).toBe("GET");
      expect(r.path).toContain("198.51.100.7");
      expect(Object.keys(r.headers)).toEqual(["Accept"]);
      expect(r.path).not.toContain("key=");
    }
  });

  it("every reader survives hostile answers without throwing, as an error", () => {
    const hostile: [number, string][] = [
      [200, ""],
      [200, "{"],
      [200, "null"],
      [200, "42"],
      [200, '"text"'],
      [200, "[1,2]"],
      [200, '{"data":null}'],
      [200, '{"data":{"attributes":{"last_analysis_stats":null}}}'],
      [200, '{"score":null,"issues":7,"reputation":[],"risk":{}}'],
      [500, ""],
      [503, "<html>down</html>"],
      [504, "<!doctype html><title>Gateway Timeout</title>"],
      [418, "\u0000\u0001"],
    ];
    for (const p of TIER_2_3_PROVIDERS) {
      for (const [status, body] of hostile) {
        const v = p.read(status, body, {});
        expect(v.status, `${p.name} ${status} ${JSON.stringify(body)}`).toBe("error");
        expect(v.detail.length).toBeGreaterThan(0);
      }
    }
  });
});

describe("tier-2/3 answers in the aggregate", () => {
  it("an answer's own weight reaches the score (AbuseIPDB with many reporters counts for more)", () => {
    const doc = JSON.parse(fixture("abuseipdb-check.json")) as { data: Record<string, unknown> };
    const answer = (users: number) =>
      abuseipdb.read(200, JSON.stringify({ data: { ...doc.data, numDistinctUsers: users } }), {});
    const score = (users: number) =>
      aggregate([{ provider: "abuseipdb", tier: 2, verdict: answer(users) }]).aggregated_score;
    // One provider alone: 0.6·(100·w) + 0.4·100.
    expect(score(37)).toBe(94);
    expect(score(2)).toBe(76);
  });

  it("GreyNoise RIOT caps the aggregate as known benign", () => {
    const riot = greynoise.read(200, fixture("greynoise-riot.json"), {});
    const vt = virustotal.read(200, fixture("virustotal-ip.json"), {});
    const r = aggregate([
      { provider: "greynoise", tier: 2, verdict: riot },
      { provider: "virustotal", tier: 3, verdict: vt },
    ]);
    expect(r.aggregated_score).toBeLessThanOrEqual(BENIGN_CAP);
  });
});
