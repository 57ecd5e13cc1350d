import { describe, expect, it } from "vitest";
import { validateConfig, validateInput } from "./channel-validation.js";
import { parseAllowlist } from "./outbound-guard.js";

const none = parseAllowlist("");
const mail = {
  host: "smtp.office365.com",
  port: 587,
  from: "Vigil <vigil@example.com>",
  to: ["soc@example.com"],
};

/** The field a refusal names, as the API's problem+json `errors[].field` will show it. */
function refusal(fn: () => unknown): { field: string; message: string } {
  try {
    fn();
  } catch (e) {
    const v = (e as { validation?: { instancePath: string; message: string }[] }).validation?.[0];
    return { field: `body${v?.instancePath ?? ""}`, message: v?.message ?? (e as Error).message };
  }
  throw new Error("expected a refusal");
}

describe("channel config validation", () => {
  it("accepts Office 365 / Gmail style STARTTLS and implicit TLS mail settings, with port defaults", () => {
    expect(validateConfig("email", { ...mail, username: "soc", password: "pw" }, none)).toEqual({
      ...mail,
      secure: false,
      starttls: true,
      username: "soc",
      password: "pw",
    });
    expect(validateConfig("email", { ...mail, port: 465 }, none)).toMatchObject({
      secure: true,
      starttls: false,
    });
  });

  it("refuses bad mail settings, naming the field", () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ ...mail, port: 0 }, "body/config/port", /1 to 65535/],
      [{ ...mail, port: 70000 }, "body/config/port", /1 to 65535/],
      [{ ...mail, secure: "yes" }, "body/config/secure", /true or false/],
      [{ ...mail, secure: true, starttls: true }, "body/config/starttls", /cannot be set with secure/],
      [{ ...mail, from: "not an address" }, "body/config/from", /not an email address/],
      [{ ...mail, to: [] }, "body/config/to", /at least one/],
      [{ ...mail, to: ["a@example.com", "nope"] }, "body/config/to", /"nope" is not an email address/],
      [{ ...mail, password: "pw" }, "body/config/password", /needs a username/],
      [{ ...mail, host: undefined }, "body/config/host", /required/],
      [{ ...mail, tls: true }, "body/config/tls", /not a field of an email channel/],
    ];
    for (const [config, field, message] of cases) {
      const r = refusal(() => validateConfig("email", config, none));
      expect(r.field, JSON.stringify(config)).toBe(field);
      expect(r.message).toMatch(message);
    }
  });

  it("wants a Slack URL over https without credentials, and a webhook secret of 16+ characters", () => {
    expect(validateConfig("slack", { url: "https://hooks.slack.com/services/T/B/x" }, none)).toEqual({
      url: "https://hooks.slack.com/services/T/B/x",
    });
    expect(refusal(() => validateConfig("slack", { url: "http://hooks.slack.com/x" }, none)).message).toMatch(
      /https/,
    );
    const hook = { url: "https://siem.example.com/in", secret: "0123456789abcdef" };
    expect(validateConfig("webhook", hook, none)).toEqual(hook);
    expect(refusal(() => validateConfig("webhook", { ...hook, secret: "short" }, none))).toEqual({
      field: "body/config/secret",
      message: "must be at least 16 characters",
    });
    expect(refusal(() => validateConfig("webhook", { ...hook, url: "ftp://x.example/" }, none)).field).toBe(
      "body/config/url",
    );
    expect(
      refusal(() => validateConfig("webhook", { ...hook, url: "https://u:p@siem.example.com/" }, none))
        .message,
    ).toMatch(/credentials/);
    expect(refusal(() => validateConfig("webhook", { ...hook, extra: 1 }, none)).field).toBe(
      "body/config/extra",
    );
  });

  it("refuses a literal private address at save time unless allow-listed", () => {
    const hook = { url: "http://10.1.2.3/in", secret: "0123456789abcdef" };
    expect(refusal(() => validateConfig("webhook", hook, none)).message).toMatch(/not a public address/);
    expect(validateConfig("webhook", hook, parseAllowlist("10.0.0.0/8"))).toEqual(hook);
    // Host names are judged at send time, on the address actually connected to.
    expect(validateConfig("webhook", { ...hook, url: "http://siem.internal/in" }, none)).toBeTruthy();
  });

  it("checks name and severity floor", () => {
    const ok = { name: "soc", type: "slack" as const, config: {} };
    expect(() => validateInput(ok)).not.toThrow();
    expect(refusal(() => validateInput({ ...ok, name: "" })).field).toBe("body/name");
    expect(refusal(() => validateInput({ ...ok, name: "x".repeat(101) })).field).toBe("body/name");
    expect(refusal(() => validateInput({ ...ok, min_severity: "urgent" as "high" })).field).toBe(
      "body/min_severity",
    );
  });
});
