import { describe, expect, it } from "vitest";
import { formatGoDuration } from "./go-duration.js";

describe("formatGoDuration (what bouncers parse with Go's time.ParseDuration)", () => {
  it("writes hours, minutes and seconds as Go does, trailing zero units included", () => {
    expect(formatGoDuration(4 * 3600_000)).toBe("4h0m0s");
    expect(formatGoDuration(3 * 3600_000 + 59 * 60_000 + 49_123)).toBe("3h59m49.123s");
    expect(formatGoDuration(61_000)).toBe("1m1s");
    expect(formatGoDuration(59_500)).toBe("59.5s");
    expect(formatGoDuration(1_050)).toBe("1.05s");
    expect(formatGoDuration(7 * 24 * 3600_000)).toBe("168h0m0s");
  });

  it("writes sub-second, zero and negative (already expired) durations", () => {
    expect(formatGoDuration(250)).toBe("250ms");
    expect(formatGoDuration(0)).toBe("0s");
    expect(formatGoDuration(-62_000)).toBe("-1m2s");
    expect(formatGoDuration(-5)).toBe("-5ms");
  });
});
