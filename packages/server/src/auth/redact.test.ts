import { describe, expect, it } from "vitest";
import { REDACTED, redactSecrets } from "./redact.js";

describe("audit redaction", () => {
  it("hides secret-named fields at any depth and keeps the rest", () => {
    const out = redactSecrets({
      name: "ops",
      config: { host: "smtp.example.com", password: "hunter2", nested: [{ api_key: "k" }] },
      new_password: "x",
    });
    expect(out).toEqual({
      name: "ops",
      config: { host: "smtp.example.com", password: REDACTED, nested: [{ api_key: REDACTED }] },
      new_password: REDACTED,
    });
  });

  it("hides a Slack webhook URL, which is a credential by itself, but not other URLs", () => {
    const out = redactSecrets({
      slack: { url: "https://hooks.slack.com/services/T000/B000/XXXXXXXX" },
      webhook: { url: "https://siem.example.com/hook" },
    });
    expect(out).toEqual({ slack: { url: REDACTED }, webhook: { url: "https://siem.example.com/hook" } });
  });

  it("hides the user:password written inside any URL, keeping the rest of it", () => {
    const out = redactSecrets({
      config: { url: "https://fw-admin:S3cret!@xgs.example.com:4444/webconsole/APIController" },
      feed: "see http://u@feeds.example.com/a.txt and ftp://x:y@host/",
      plain: "https://feeds.example.com/list.txt?token=abc",
    });
    expect(out).toEqual({
      config: { url: `https://${REDACTED}@xgs.example.com:4444/webconsole/APIController` },
      feed: `see http://${REDACTED}@feeds.example.com/a.txt and ftp://${REDACTED}@host/`,
      plain: "https://feeds.example.com/list.txt?token=abc",
    });
  });
});
