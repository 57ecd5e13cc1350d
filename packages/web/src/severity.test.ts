import { describe, expect, it } from "vitest";
import { isSeverity, SEVERITY_ORDER, severityColor, severityHex } from "./severity.js";

describe("severity colours", () => {
  it("follows the SOC convention: critical red, high orange, medium yellow, low blue, info gray", () => {
    expect(SEVERITY_ORDER.map(severityColor)).toEqual(["red", "orange", "yellow", "blue", "gray"]);
  });

  it("gives every severity a distinct chart colour", () => {
    expect(new Set(SEVERITY_ORDER.map(severityHex)).size).toBe(SEVERITY_ORDER.length);
  });

  it("falls back to info grey for a value the console does not know", () => {
    expect(isSeverity("warning")).toBe(false);
    expect(severityColor("warning")).toBe("gray");
    expect(severityHex("")).toBe(severityHex("info"));
  });
});
