import { describe, expect, it } from "vitest";
import { countryName, formatCount, formatEndpoint } from "./format.js";

describe("display helpers", () => {
  it("writes endpoints as ip:port, bracketing IPv6", () => {
    expect(formatEndpoint("10.0.0.1", 443)).toBe("10.0.0.1:443");
    expect(formatEndpoint("2001:db8::1", 443)).toBe("[2001:db8::1]:443");
    expect(formatEndpoint("10.0.0.1", 0)).toBe("10.0.0.1");
    expect(formatEndpoint("", 80)).toBe("");
  });

  it("names countries from their ISO code, keeping anything else as given", () => {
    expect(countryName("DE")).toBe("Germany");
    expect(countryName("")).toBe("");
    expect(countryName("XYZ")).toBe("XYZ");
  });

  it("groups thousands", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
  });
});
