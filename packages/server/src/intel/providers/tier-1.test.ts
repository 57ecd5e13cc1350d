import { describe, expect, it } from "vitest";
import { TIER_1_PROVIDERS } from "./tier-1.js";

describe("TIER_1_PROVIDERS", () => {
  it("holds the four per-IP tier-1 providers, each once", () => {
    expect(TIER_1_PROVIDERS.map((p) => p.name)).toEqual(["otx", "threatfox", "urlhaus", "internetdb"]);
    expect(TIER_1_PROVIDERS.every((p) => p.tier === 1)).toBe(true);
  });

  it("every reader survives hostile answers", () => {
    const hostile: [number, string][] = [
      [200, ""],
      [200, "{"],
      [200, "null"],
      [200, '"text"'],
      [200, "[1,2]"],
      [503, "<html>down</html>"],
      [418, "\u0000\u0001"],
    ];
    for (const p of TIER_1_PROVIDERS)
      for (const [status, body] of hostile) expect(p.read(status, body, {}).status).toBe("error");
  });
});
