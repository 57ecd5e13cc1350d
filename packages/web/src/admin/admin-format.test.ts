import { describe, expect, it } from "vitest";
import { formatTime } from "../format.js";
import {
  changedFields,
  clientFromSelect,
  clientLabel,
  clientOf,
  clientToSelect,
  isStaff,
  nameProblem,
  optionalText,
  reportsMfa,
  STAFF_LABEL,
  sitesOfClient,
  timeOrNever,
} from "./admin-format.js";
import type { AdminSite, AdminUser } from "./admin-types.js";

const user = (extra: Partial<AdminUser> = {}): AdminUser => ({
  id: "u1",
  username: "alice",
  role: "analyst",
  email: null,
  is_active: true,
  last_login: null,
  created_at: new Date().toISOString(),
  ...extra,
});

const site = (name: string, client: string): AdminSite => ({
  name,
  client,
  description: null,
  created_at: new Date().toISOString(),
  event_count: 0,
  first_event: null,
  last_event: null,
  source_count: 0,
});

describe("settings labels", () => {
  it("names operator staff, and a missing time 'never'", () => {
    expect(clientLabel(null)).toBe(STAFF_LABEL);
    expect(clientLabel(undefined)).toBe(STAFF_LABEL);
    expect(clientLabel("acme")).toBe("acme");
    const now = new Date().toISOString();
    expect(timeOrNever(now)).toBe(formatTime(now));
    expect(timeOrNever(null)).toBe("never");
  });

  it("shows the MFA column only when the server reports MFA", () => {
    expect(reportsMfa([user(), user()])).toBe(false);
    expect(reportsMfa([user(), user({ mfa_enabled: false })])).toBe(true);
    expect(reportsMfa([])).toBe(false);
  });

  it("tells staff from a client's users, older sessions counting as staff", () => {
    expect(isStaff({ role: "admin" })).toBe(true);
    expect(isStaff({ role: "admin", client: null })).toBe(true);
    expect(isStaff({ role: "admin", client: "acme" })).toBe(false);
    expect(isStaff(null)).toBe(false);
    expect(clientOf({ role: "admin", client: "acme" })).toBe("acme");
    expect(clientOf({ role: "admin" })).toBeNull();
    expect(clientOf(null)).toBeNull();
  });
});

describe("settings forms", () => {
  it("checks names as the server does", () => {
    expect(nameProblem("")).toBeNull();
    expect(nameProblem("paris-1.dc_2")).toBeNull();
    expect(nameProblem("Paris")).toMatch(/Lowercase/);
    expect(nameProblem("-paris")).toMatch(/starting with/);
    expect(nameProblem("a".repeat(65))).toBe("At most 64 characters");
  });

  it("carries staff through a select and back", () => {
    expect(clientFromSelect(clientToSelect(null))).toBeNull();
    expect(clientFromSelect(clientToSelect("acme"))).toBe("acme");
    expect(clientFromSelect(null)).toBeNull();
    // The stand-in for staff is not a name a client could have.
    expect(nameProblem(clientToSelect(null))).not.toBeNull();
  });

  it("sends only what an edit changed", () => {
    const before = { role: "analyst", client: null as string | null, email: "" };
    expect(changedFields(before, { ...before })).toEqual({});
    expect(changedFields(before, { ...before, client: "acme" })).toEqual({ client: "acme" });
    expect(changedFields(before, { role: "admin", client: null, email: "a@b.c" })).toEqual({
      role: "admin",
      email: "a@b.c",
    });
  });

  it("sends an empty optional text as null", () => {
    expect(optionalText("  ")).toBeNull();
    expect(optionalText(" Paris office ")).toBe("Paris office");
  });

  it("filters sites by client, null meaning all", () => {
    const all = [site("a", "acme"), site("b", "globex"), site("c", "acme")];
    expect(sitesOfClient(all, null).map((s) => s.name)).toEqual(["a", "b", "c"]);
    expect(sitesOfClient(all, "acme").map((s) => s.name)).toEqual(["a", "c"]);
    expect(sitesOfClient(all, "none")).toEqual([]);
  });
});
