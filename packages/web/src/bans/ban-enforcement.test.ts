import { describe, expect, it } from "vitest";
import { ApiError } from "../api/problem.js";
import type { BanEnforcement } from "../api/response-types.js";
import { confirmationNeeded, enforcedNowhereText, enforcementLines } from "./ban-enforcement.js";

describe("confirmationNeeded", () => {
  const risk = { kind: "private", detail: "10.0.0.5 is a private address (RFC 1918)" };
  it("reads the risks of a 409 that asks for confirm", () => {
    const e = new ApiError(409, "Conflict", "…", null, { confirm_required: true, risks: [risk] });
    expect(confirmationNeeded(e)).toEqual([risk]);
  });
  it("is null for a refusal, another status or another error", () => {
    expect(
      confirmationNeeded(new ApiError(409, "Conflict", "hard-whitelisted", null, { status: 409 })),
    ).toBeNull();
    expect(confirmationNeeded(new ApiError(400, "Bad", "x", null, { confirm_required: true }))).toBeNull();
    expect(confirmationNeeded(new Error("x"))).toBeNull();
  });
});

describe("enforcedNowhereText", () => {
  const none = { targets_enabled: 0, targets_failing: 0, bouncers: 0, bouncers_live: 0, enforced: false };
  it("says nothing while something enforces bans or before the answer", () => {
    expect(enforcedNowhereText(undefined)).toBeNull();
    expect(enforcedNowhereText({ ...none, targets_enabled: 1, enforced: true })).toBeNull();
  });
  it("names what is missing", () => {
    expect(enforcedNowhereText(none)).toMatch(
      /no bouncer is registered: bans are recorded but enforced nowhere/,
    );
    expect(enforcedNowhereText({ ...none, bouncers: 2 })).toMatch(
      /no bouncer has pulled .* \(2 registered\)/,
    );
  });
});

describe("enforcementLines", () => {
  it("lists targets with their state for the IP, then bouncers by their last pull", () => {
    const e: BanEnforcement = {
      ip: "198.51.100.8",
      in_force: true,
      changed_at: "2026-01-01T00:00:00.000Z",
      targets: [
        {
          id: "1",
          name: "fw",
          type: "sophos_xgs",
          state: "failing",
          target_state: "failing",
          last_sync: null,
          last_error: "timeout",
        },
        {
          id: "2",
          name: "hook",
          type: "webhook",
          state: "synced",
          target_state: "ok",
          last_sync: null,
          last_error: null,
        },
      ],
      bouncers: [
        { id: "3", name: "nginx", last_pull: null, pulled_since_change: false },
        { id: "4", name: "edge", last_pull: "2026-01-01T00:00:05.000Z", pulled_since_change: true },
      ],
    };
    expect(enforcementLines(e).map((l) => [l.name, l.kind, l.state, l.note])).toEqual([
      ["fw", "Sophos XGS", "failing", "timeout"],
      ["hook", "webhook", "synced", ""],
      ["nginx", "bouncer", "pending", "never pulled"],
      ["edge", "bouncer", "synced", ""],
    ]);
  });
});
