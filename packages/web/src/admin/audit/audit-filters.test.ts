import { describe, expect, it } from "vitest";
import {
  auditFiltersFromSearch,
  auditFiltersToApi,
  auditFiltersToSearch,
  detailSections,
  hasAuditFilters,
  localToIso,
  NO_AUDIT_FILTERS,
} from "./audit-filters.js";

const pad = (n: number): string => String(n).padStart(2, "0");
/** What a datetime-local input holds for `d` in this process's zone. */
const localInput = (d: Date): string =>
  `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;

describe("audit filters in the URL", () => {
  it("round-trips every filter and leaves empty ones out", () => {
    const now = new Date();
    const filters = {
      user: "alice",
      action: "DELETE /api/v1/api-keys",
      target: "paris",
      from: localInput(new Date(now.getTime() - 3_600_000)),
      to: localInput(now),
    };
    const search = auditFiltersToSearch(filters);
    expect(auditFiltersFromSearch(new URLSearchParams(search.toString()))).toEqual(filters);
    expect(auditFiltersToSearch({ ...NO_AUDIT_FILTERS, target: "  x " }).toString()).toBe("target=x");
    expect(auditFiltersToSearch(NO_AUDIT_FILTERS).toString()).toBe("");
    expect(hasAuditFilters(NO_AUDIT_FILTERS)).toBe(false);
    expect(hasAuditFilters({ ...NO_AUDIT_FILTERS, user: "bob" })).toBe(true);
  });

  it("drops a time the console could not send", () => {
    const f = auditFiltersFromSearch(new URLSearchParams("from=yesterday&to=2026-13-45T99:99&user=bob"));
    expect(f).toEqual({ ...NO_AUDIT_FILTERS, user: "bob" });
  });

  it("sends local times as the instants they are, and the user as the actor", () => {
    const now = new Date();
    now.setSeconds(0, 0);
    const local = localInput(now);
    expect(localToIso(local)).toBe(now.toISOString());
    expect(localToIso("")).toBeNull();
    const api = auditFiltersToApi({ ...NO_AUDIT_FILTERS, user: "alice", action: "POST", from: local });
    expect(Object.fromEntries(api)).toEqual({ actor: "alice", action: "POST", from: now.toISOString() });
  });
});

describe("audit detail sections", () => {
  it("puts before and after first, labels what it knows, keeps the rest under its own key", () => {
    const sections = detailSections({
      error: "Client paris still has 2 sites",
      body: { name: "paris", password: "[redacted]" },
      after: { role: "analyst" },
      before: { role: "admin" },
      extra: 3,
    });
    expect(sections.map((s) => s.label)).toEqual(["Before", "After", "Request", "Refused because", "extra"]);
    expect(sections[2]?.text).toBe(JSON.stringify({ name: "paris", password: "[redacted]" }, null, 2));
    expect(sections[3]?.text).toBe("Client paris still has 2 sites");
  });

  it("shows an empty detail as nothing and a bare value as one section", () => {
    expect(detailSections(null)).toEqual([]);
    expect(detailSections({})).toEqual([]);
    expect(detailSections("text")).toEqual([{ label: "Detail", text: "text" }]);
  });
});
