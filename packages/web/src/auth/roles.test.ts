import { describe, expect, it } from "vitest";
import { roleAtLeast } from "./roles.js";

describe("roleAtLeast", () => {
  it("orders admin ⊃ supervisor ⊃ analyst ⊃ audit, and refuses no user", () => {
    expect(roleAtLeast("supervisor", "analyst")).toBe(true);
    expect(roleAtLeast("supervisor", "admin")).toBe(false);
    expect(roleAtLeast("admin", "supervisor")).toBe(true);
    expect(roleAtLeast("audit", "analyst")).toBe(false);
    expect(roleAtLeast(undefined, "audit")).toBe(false);
  });
});
