import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/problem.js";
import type { AlertRule } from "../alert-types.js";
import { formToInput, NEW_RULE_FORM, problemFields, ruleToForm } from "./rule-form.js";

const stored: AlertRule = {
  id: "r1",
  name: "VPN login failures for one user",
  description: "Someone guessing a password",
  enabled: true,
  sites: ["paris"],
  client: null,
  severity: "high",
  channels: ["c1"],
  detection: { filter: { log_type: "VPN", action: "failed" }, threshold: 5, window: "5m", group_by: "user" },
  cooldown: "15m",
  escalation: { after: "30m", channels: ["c2"], users: ["bob"] },
  builtin: true,
  trigger_count: 3,
  last_triggered_at: null,
  created_at: "2024-05-01T00:00:00Z",
  updated_at: "2024-05-01T00:00:00Z",
};

describe("rule editor form", () => {
  it("a stored rule comes back from the form unchanged", () => {
    const result = formToInput(ruleToForm(stored));
    expect(result).toEqual({
      ok: true,
      rule: {
        name: stored.name,
        description: stored.description,
        enabled: true,
        sites: ["paris"],
        severity: "high",
        channels: ["c1"],
        detection: stored.detection,
        cooldown: "15m",
        escalation: { after: "30m", channels: ["c2"], users: ["bob"] },
      },
    });
  });

  it("sends distinct only when set, and no escalation when it is off", () => {
    const result = formToInput({ ...NEW_RULE_FORM, name: "x", distinct: " dst_port " });
    if (!result.ok) throw new Error(result.message);
    expect(result.rule.detection.distinct).toBe("dst_port");
    expect(result.rule.escalation).toBeNull();
    const plain = formToInput({ ...NEW_RULE_FORM, name: "x" });
    expect(plain.ok && "distinct" in plain.rule.detection).toBe(false);
  });

  it("refuses a filter that is not a JSON object before asking the server", () => {
    const bad = formToInput({ ...NEW_RULE_FORM, filterText: '{"log_type": ' });
    expect(bad).toMatchObject({ ok: false, field: "filterText" });
    expect(formToInput({ ...NEW_RULE_FORM, filterText: "[1]" })).toMatchObject({
      ok: false,
      field: "filterText",
    });
  });
});

describe("server problems mapped to the form", () => {
  const problem = (detail: string, fields: string[] = []) =>
    new ApiError(400, "Bad Request", detail, null, {
      detail,
      errors: fields.map((field) => ({ field, message: "is wrong" })),
    });

  it("marks the filter, window or channel the 400 names", () => {
    expect([...problemFields(problem("x", ["body/detection/filter/log_typ"])).keys()]).toEqual([
      "filterText",
    ]);
    expect([...problemFields(problem("x", ["body/detection/window"])).keys()]).toEqual(["window"]);
    expect([...problemFields(problem("x", ["body/channels/1"])).keys()]).toEqual(["channels"]);
    expect([...problemFields(problem("x", ["body/escalation/users/0"])).keys()]).toEqual(["escalationUsers"]);
  });

  it("reads the field from the detail when the problem lists none", () => {
    const fields = problemFields(problem('Invalid alert rule: detection.window: "5x" is not a duration'));
    expect([...fields.entries()]).toEqual([
      ["window", 'Invalid alert rule: detection.window: "5x" is not a duration'],
    ]);
    expect(problemFields(new ApiError(409, "Conflict", "name taken")).size).toBe(0);
  });
});
