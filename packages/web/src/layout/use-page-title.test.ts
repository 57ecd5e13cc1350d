import { describe, expect, it } from "vitest";
import { pageTitle } from "./use-page-title.js";

describe("pageTitle", () => {
  it("puts the page first and the product last", () => {
    expect(pageTitle("Alerts")).toBe("Alerts · Vigil");
    expect(pageTitle("Alert 25 drops from 198.51.100.4")).toBe("Alert 25 drops from 198.51.100.4 · Vigil");
  });
  it("is the product alone while a page has no title yet", () => {
    expect(pageTitle(null)).toBe("Vigil");
    expect(pageTitle("")).toBe("Vigil");
  });
});
