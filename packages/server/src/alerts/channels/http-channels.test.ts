import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { criticalAlert } from "./fixtures.js";
import { parseAllowlist } from "./outbound-guard.js";
import { sendNotification } from "./send.js";
import type { Channel } from "./types.js";

interface Received {
  path: string;
  headers: IncomingMessage["headers"];
  raw: string;
}

let server: Server;
let base = "";
const received: Received[] = [];
/** Status codes to answer, per path, in order; 200 once the list is used up. */
const script = new Map<string, number[]>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "";
      received.push({ path, headers: req.headers, raw: Buffer.concat(chunks).toString("utf8") });
      const code = script.get(path)?.shift() ?? 200;
      res.writeHead(code).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const allow = parseAllowlist("127.0.0.1");
const fast = { allow, baseDelayMs: 20, timeoutMs: 2000 };
const hits = (path: string) => received.filter((r) => r.path === path);

function verify(secret: string, r: Received): boolean {
  const expected = `sha256=${createHmac("sha256", secret).update(r.raw).digest("hex")}`;
  return r.headers["x-vigil-signature"] === expected;
}

describe("slack channel", () => {
  it("posts a readable message with severity, rule, group value, count and link", async () => {
    const ch: Channel = { id: "s", name: "soc", type: "slack", config: { url: `${base}/slack` } };
    const res = await sendNotification(ch, criticalAlert, fast);
    expect(res).toEqual({ ok: true, attempts: 1 });
    const [hit] = hits("/slack");
    const body = JSON.parse(hit?.raw ?? "{}") as { text: string; blocks: { type: string }[] };
    expect(body.text).toContain("[CRITICAL]");
    expect(body.text).toContain("&lt;script&gt;");
    expect(body.blocks.map((b) => b.type)).toEqual(["header", "section", "section", "actions"]);
    const raw = hit?.raw ?? "";
    for (const s of ["CRITICAL", "fw-drops &amp; scans", "203.0.113.7", "*Count*\\n25", criticalAlert.link])
      expect(raw).toContain(s);
  });
});

describe("webhook channel", () => {
  it("posts JSON signed with an HMAC-SHA256 of the raw body that the receiver can verify", async () => {
    const ch: Channel = {
      id: "w",
      name: "hook",
      type: "webhook",
      config: { url: `${base}/hook`, secret: "s3cret" },
    };
    expect(await sendNotification(ch, criticalAlert, fast)).toEqual({ ok: true, attempts: 1 });
    const [hit] = hits("/hook");
    expect(hit && verify("s3cret", hit)).toBe(true);
    expect(hit && verify("wrong", hit)).toBe(false);
    expect(hit?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(hit?.raw ?? "{}")).toEqual({ type: "alert", alert: criticalAlert });
  });

  it("retries a 500 with backoff and succeeds on the third try", async () => {
    script.set("/flaky", [500, 503]);
    const ch: Channel = {
      id: "w",
      name: "hook",
      type: "webhook",
      config: { url: `${base}/flaky`, secret: "k" },
    };
    const t0 = Date.now();
    expect(await sendNotification(ch, criticalAlert, fast)).toEqual({ ok: true, attempts: 3 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(20 + 40 - 5);
    expect(hits("/flaky")).toHaveLength(3);
    expect(hits("/flaky").every((h) => verify("k", h))).toBe(true);
  });

  it("reports the final failure with its reason after three tries", async () => {
    script.set("/down", [500, 500, 502]);
    const ch: Channel = {
      id: "w",
      name: "hook",
      type: "webhook",
      config: { url: `${base}/down`, secret: "k" },
    };
    const res = await sendNotification(ch, criticalAlert, fast);
    expect(res).toMatchObject({ ok: false, attempts: 3 });
    expect(res.error).toMatch(/HTTP 502/);
  });

  it("does not retry a 4xx answer: the receiver refused the call", async () => {
    script.set("/gone", [404]);
    const ch: Channel = {
      id: "w",
      name: "hook",
      type: "webhook",
      config: { url: `${base}/gone`, secret: "k" },
    };
    expect(await sendNotification(ch, criticalAlert, fast)).toMatchObject({ ok: false, attempts: 1 });
  });

  it("refuses private, loopback and metadata destinations without trying to connect", async () => {
    const none = { ...fast, allow: parseAllowlist("") };
    for (const url of [`${base}/x`, "http://169.254.169.254/latest", "http://10.0.0.1/", "http://[::1]:9/"]) {
      const ch: Channel = { id: "w", name: "hook", type: "webhook", config: { url, secret: "k" } };
      const res = await sendNotification(ch, criticalAlert, none);
      expect(res, url).toMatchObject({ ok: false, attempts: 1 });
      expect(res.error, url).toMatch(/not a public address/);
    }
    expect(hits("/x")).toHaveLength(0);
  });

  it("checks the address a host name resolves to, and honours allow-listed hosts and CIDRs", async () => {
    const port = (server.address() as AddressInfo).port;
    const ch: Channel = {
      id: "w",
      name: "hook",
      type: "webhook",
      config: { url: `http://localhost:${port}/named`, secret: "k" },
    };
    const refused = await sendNotification(ch, criticalAlert, {
      ...fast,
      allow: parseAllowlist("10.0.0.0/8"),
    });
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/non-public/);
    expect(hits("/named")).toHaveLength(0);
    const byCidr = await sendNotification(ch, criticalAlert, {
      ...fast,
      allow: parseAllowlist("127.0.0.0/8, ::1/128"),
    });
    expect(byCidr.ok).toBe(true);
    const byHost = await sendNotification(ch, criticalAlert, {
      ...fast,
      allow: parseAllowlist(" LOCALHOST "),
    });
    expect(byHost.ok).toBe(true);
    expect(hits("/named")).toHaveLength(2);
  });

  it("reads the allow-list from VIGIL_WEBHOOK_ALLOWLIST when none is given", async () => {
    const before = process.env.VIGIL_WEBHOOK_ALLOWLIST;
    process.env.VIGIL_WEBHOOK_ALLOWLIST = "example.org,127.0.0.1/32";
    try {
      const ch: Channel = {
        id: "w",
        name: "hook",
        type: "webhook",
        config: { url: `${base}/env`, secret: "k" },
      };
      expect(await sendNotification(ch, criticalAlert, { baseDelayMs: 10 })).toEqual({
        ok: true,
        attempts: 1,
      });
    } finally {
      if (before === undefined) delete process.env.VIGIL_WEBHOOK_ALLOWLIST;
      else process.env.VIGIL_WEBHOOK_ALLOWLIST = before;
    }
  });
});
