import { describe, expect, it } from "vitest";
import { type ClaimRules, mapClaims } from "./claims.js";

const rules: ClaimRules = {
  roleClaim: "groups",
  clientClaim: "vigil_client",
  roleMap: { "soc-admins": "admin", analysts: "analyst", auditors: "audit" },
  defaultRole: null,
};

describe("claims → role and client", () => {
  it("takes the highest role any group maps to; no client claim means operator staff", () => {
    const m = mapClaims({ sub: "1", groups: ["auditors", "analysts", "sales"], email: "a@x.test" }, rules);
    expect(m).toEqual({ ok: true, role: "analyst", client: null, username: "a@x.test", email: "a@x.test" });
  });

  it("without a map, the claim names the role itself", () => {
    const m = mapClaims({ sub: "1", groups: "admin", preferred_username: "ann" }, { ...rules, roleMap: {} });
    expect(m).toMatchObject({ ok: true, role: "admin", username: "ann" });
    expect(mapClaims({ sub: "1", groups: "root" }, { ...rules, roleMap: {} }).ok).toBe(false);
  });

  it("falls back to the default role, or refuses without one", () => {
    expect(mapClaims({ sub: "1", groups: ["sales"] }, rules)).toEqual({
      ok: false,
      reason: "no Vigil role maps from the 'groups' claim",
    });
    expect(mapClaims({ sub: "1" }, { ...rules, defaultRole: "audit" })).toMatchObject({
      ok: true,
      role: "audit",
    });
  });

  it("reads the client claim, and refuses more than one client", () => {
    const base = { sub: "1", groups: "analysts" };
    expect(mapClaims({ ...base, vigil_client: "acme" }, rules)).toMatchObject({ client: "acme" });
    expect(mapClaims({ ...base, vigil_client: "" }, rules)).toMatchObject({ client: null });
    expect(mapClaims({ ...base, vigil_client: ["a", "b"] }, rules).ok).toBe(false);
  });
});
