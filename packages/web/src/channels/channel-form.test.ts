import { describe, expect, it } from "vitest";
import {
  applyPreset,
  channelToForm,
  EMPTY_CHANNEL_FORM,
  formToChannelInput,
  SMTP_PRESETS,
  secretPlaceholder,
  splitAddresses,
} from "./channel-form.js";
import type { ChannelView } from "./channel-types.js";

const view = (over: Partial<ChannelView>): ChannelView => ({
  id: "c1",
  name: "SOC mail",
  type: "email",
  enabled: true,
  min_severity: "high",
  client: null,
  config: {},
  secrets_set: [],
  last_delivery: null,
  failures_24h: 0,
  suppressed: 0,
  created_at: "2024-05-01T00:00:00Z",
  updated_at: "2024-05-01T00:00:00Z",
  ...over,
});

describe("channel form", () => {
  it("keeps a stored SMTP password by leaving the empty field out of the PUT body", () => {
    const stored = view({
      config: {
        host: "smtp.office365.com",
        port: 587,
        secure: false,
        starttls: true,
        username: "soc@x.com",
        from: "soc@x.com",
        to: ["a@x.com", "b@x.com"],
      },
      secrets_set: ["password"],
    });
    const form = channelToForm(stored);
    expect(form.password).toBe("");
    expect(form.to).toBe("a@x.com\nb@x.com");
    const body = formToChannelInput(form);
    expect(body.config).not.toHaveProperty("password");
    expect(body.config).toMatchObject({
      host: "smtp.office365.com",
      port: 587,
      starttls: true,
      to: ["a@x.com", "b@x.com"],
    });
    expect(secretPlaceholder(stored.secrets_set, "password", "")).toContain("set");
    expect(secretPlaceholder([], "password", "app password")).toBe("app password");
  });

  it("sends a new secret when one is typed", () => {
    const body = formToChannelInput({
      ...EMPTY_CHANNEL_FORM,
      type: "webhook",
      name: "hook",
      url: "https://h.example/x",
      secret: "0123456789abcdef",
    });
    expect(body).toEqual({
      name: "hook",
      type: "webhook",
      enabled: true,
      min_severity: null,
      config: { url: "https://h.example/x", secret: "0123456789abcdef" },
    });
  });

  it("never shows a stored Slack URL (it carries the token) and keeps it when left empty", () => {
    const form = channelToForm(view({ type: "slack", config: {}, secrets_set: ["url"] }));
    expect(form.url).toBe("");
    expect(formToChannelInput(form).config).toEqual({});
  });

  it("fills Office 365 and Gmail as STARTTLS on 587", () => {
    for (const preset of SMTP_PRESETS) {
      const form = applyPreset(EMPTY_CHANNEL_FORM, preset);
      expect(form.port).toBe(587);
      expect(form.starttls).toBe(true);
      expect(form.secure).toBe(false);
    }
    expect(SMTP_PRESETS.map((p) => p.host)).toEqual(["smtp.office365.com", "smtp.gmail.com"]);
  });

  it("reads recipients separated by lines, commas or semicolons", () => {
    expect(splitAddresses("a@x.com, b@x.com;\n c@x.com\n\n")).toEqual(["a@x.com", "b@x.com", "c@x.com"]);
  });
});
