import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretBox } from "../../response/enforcement/secret-box.js";
import { openTestStateStore, type TestStateStore } from "../../storage/state-test-support.js";
import { createTestSites } from "../../tenancy/test-sites.js";
import { type ChannelStore, createChannelStore } from "./channel-store.js";
import { sampleAlert } from "./fixtures.js";
import { type ChannelNotifier, createNotifier, type NotifierOptions } from "./notifier.js";
import { parseAllowlist } from "./outbound-guard.js";
import { sendNotification } from "./send.js";
import { type Receiver, signatureValid, startReceiver } from "./test-receiver.js";
import type { ChannelInput, Notification } from "./types.js";

const SECRET = "receiver-shared-secret";
const allow = parseAllowlist("127.0.0.1");
const box = createSecretBox(Buffer.alloc(32, 9));
const warnings: object[] = [];
const log = { warn: (o: object) => warnings.push(o) };

let t: TestStateStore;
let rx: Receiver;
let store: ChannelStore;
let notifier: ChannelNotifier;

function build(extra: Partial<NotifierOptions> = {}): ChannelNotifier {
  return createNotifier({
    db: t.store.db,
    secretBox: box,
    consoleUrl: "https://vigil.example.com/",
    log,
    send: (c, n) => sendNotification(c, n, { allow, baseDelayMs: 20, timeoutMs: 3000 }),
    ...extra,
  });
}

async function channel(name: string, config: Record<string, unknown>, more: Partial<ChannelInput> = {}) {
  return store.create({ name, type: "webhook", config: { secret: SECRET, ...config }, ...more });
}

beforeAll(async () => {
  t = await openTestStateStore();
  rx = await startReceiver();
  notifier = build();
  store = createChannelStore({
    db: t.store.db,
    secretBox: box,
    allow,
    suppressed: () => notifier.suppressedByChannel(),
  });
}, 60_000);
afterAll(async () => {
  await rx.close();
  await t.dispose();
});

describe("notifier", () => {
  it("sends a signed webhook the receiver can verify, with a link to the alert, and records the delivery", async () => {
    const ch = await channel("hook", { url: `${rx.base}/hook` });
    const alert = sampleAlert();
    const out = await notifier.notify(alert, [ch.id]);
    expect(out).toEqual([{ channel_id: ch.id, channel: "hook", status: "sent", attempts: 1 }]);
    const [hit] = rx.hits("/hook");
    expect(hit && signatureValid(SECRET, hit)).toBe(true);
    expect(hit && signatureValid("another-secret-value", hit)).toBe(false);
    const body = JSON.parse(hit?.raw ?? "{}") as { type: string; alert: Notification };
    expect(body.type).toBe("alert");
    expect(body.alert).toMatchObject({
      alert_id: alert.id,
      title: "Firewall drop surge",
      severity: "high",
      rule: "fw-drops",
      group_value: "203.0.113.7",
      count: 25,
      site: "paris",
      link: `https://vigil.example.com/alerts/${alert.id}`,
      summary: "25 matching events for src_ip 203.0.113.7 (threshold 20) on site paris",
    });
    expect(await store.deliveries(ch.id)).toMatchObject([
      { alert_id: alert.id, ok: true, attempts: 1, error: null },
    ]);
    expect((await store.view(ch.id)).last_delivery).toMatchObject({ ok: true, error: null });
  });

  it("lets 20 of a burst of 25 alerts through a 20/min channel and counts the 5 suppressed", async () => {
    let now = 1_000_000;
    const limited = build({ now: () => now, perChannelPerMinute: 20 });
    const ch = await channel("burst", { url: `${rx.base}/burst` });
    const outcomes = (
      await Promise.all(
        Array.from({ length: 25 }, (_, i) => limited.notify(sampleAlert({ id: `burst-${i}` }), [ch.id])),
      )
    ).flat();
    const by = (s: string) => outcomes.filter((o) => o.status === s).length;
    expect({ sent: by("sent"), suppressed: by("suppressed"), failed: by("failed") }).toEqual({
      sent: 20,
      suppressed: 5,
      failed: 0,
    });
    expect(rx.hits("/burst")).toHaveLength(20);
    expect(limited.suppressedByChannel().get(ch.id)).toBe(5);
    // Suppressed sends are not deliveries; the 20 sent are.
    expect(await store.deliveries(ch.id, 100)).toHaveLength(20);
    // The bucket refills at 20/min: one more token after 3 s.
    now += 3000;
    expect((await limited.notify(sampleAlert({ id: "later" }), [ch.id]))[0]?.status).toBe("sent");
    expect((await limited.notify(sampleAlert({ id: "later-2" }), [ch.id]))[0]?.status).toBe("suppressed");
    expect(limited.suppressedByChannel().get(ch.id)).toBe(6);
  });

  it("keeps a failing, a refused and a slow channel from holding back a healthy one; final failures are recorded", async () => {
    rx.script("/down", [500, 500, 500]);
    rx.delay("/slow", 1500);
    const down = await channel("down", { url: `${rx.base}/down` });
    const refused = await channel("refused", { url: "http://127.0.0.1:9/nothing" });
    const slow = await channel("slow", { url: `${rx.base}/slow` });
    const ok = await channel("healthy", { url: `${rx.base}/healthy` });
    const t0 = Date.now();
    const out = await notifier.notify(sampleAlert({ id: "mixed" }), [down.id, refused.id, slow.id, ok.id]);
    const of = (id: string) => out.find((o) => o.channel_id === id);
    expect(of(ok.id)).toMatchObject({ status: "sent", attempts: 1 });
    expect(of(slow.id)).toMatchObject({ status: "sent" });
    expect(of(down.id)).toMatchObject({
      status: "failed",
      attempts: 3,
      error: expect.stringMatching(/HTTP 500/),
    });
    expect(of(refused.id)).toMatchObject({ status: "failed", error: expect.stringMatching(/ECONNREFUSED/) });
    // Not held back: the healthy channel was called before the slow one had answered (a sequential
    // notifier would call it only after the slow answer, 1.5 s after the slow call).
    const healthyAt = rx.hits("/healthy")[0]?.at ?? Infinity;
    const slowCalledAt = rx.hits("/slow")[0]?.at ?? 0;
    expect(healthyAt).toBeLessThan(slowCalledAt + 1500);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1400);

    const view = await store.view(down.id);
    expect(view.failures_24h).toBe(1);
    expect(view.last_delivery).toMatchObject({ ok: false, error: expect.stringMatching(/HTTP 500/) });
    expect(await store.deliveries(down.id)).toMatchObject([{ alert_id: "mixed", ok: false, attempts: 3 }]);
    expect((await store.view(refused.id)).failures_24h).toBe(1);
    expect((await store.view(ok.id)).failures_24h).toBe(0);
    const listed = await store.list();
    expect(listed.find((c) => c.id === down.id)?.failures_24h).toBe(1);
    expect(listed.find((c) => c.id === ok.id)?.last_delivery?.ok).toBe(true);
    // Failures are logged with the host, never the URL path or the secret.
    expect(JSON.stringify(warnings)).not.toContain(SECRET);
  });

  it("routes alerts without channels to enabled channels whose min_severity they reach", async () => {
    const crit = await channel("crit-only", { url: `${rx.base}/crit` }, { min_severity: "critical" });
    const high = await channel("high-up", { url: `${rx.base}/high` }, { min_severity: "high" });
    await channel("no-floor", { url: `${rx.base}/none` });
    await channel("disabled", { url: `${rx.base}/off` }, { min_severity: "info", enabled: false });
    const names = async (severity: "critical" | "high" | "info") =>
      (await notifier.notify(sampleAlert({ id: `route-${severity}`, severity }), undefined))
        .map((o) => o.channel)
        .sort();
    expect(await names("high")).toEqual(["high-up"]);
    expect(await names("critical")).toEqual(["crit-only", "high-up"]);
    expect(await names("info")).toEqual([]);
    expect(rx.hits("/none")).toHaveLength(0);
    expect(rx.hits("/off")).toHaveLength(0);
    expect(crit.id).toBeTruthy();
    expect(high.id).toBeTruthy();
  });

  it("skips disabled channels named explicitly and reports unknown ones, never throwing", async () => {
    const off = await channel("explicit-off", { url: `${rx.base}/explicit-off` }, { enabled: false });
    const unknown = "0190f0e0-0000-7000-8000-0000000000ff";
    const out = await notifier.notify(sampleAlert({ id: "explicit" }), [off.id, unknown]);
    expect(out).toEqual([
      {
        channel_id: unknown,
        channel: "",
        status: "failed",
        attempts: 0,
        error: `unknown channel ${unknown}`,
      },
    ]);
    expect(rx.hits("/explicit-off")).toHaveLength(0);
  });

  it("reports a channel whose secret cannot be opened (server secret changed) as failed", async () => {
    const ch = await channel(
      "sealed-elsewhere",
      { url: `${rx.base}/other-key` },
      { min_severity: "critical" },
    );
    const other = createNotifier({
      db: t.store.db,
      secretBox: createSecretBox(Buffer.alloc(32, 1)),
      consoleUrl: "https://vigil.example.com",
      log,
    });
    const out = await other.notify(sampleAlert({ id: "other-key" }), [ch.id]);
    expect(out[0]).toMatchObject({ status: "failed", error: expect.stringMatching(/cannot be decrypted/) });
    const routed = await other.notify(sampleAlert({ id: "other-key-2", severity: "critical" }), undefined);
    expect(routed.length).toBeGreaterThan(0);
    expect(routed.every((o) => o.status === "failed")).toBe(true);
    expect(rx.hits("/other-key")).toHaveLength(0);
  });
});

describe("notifier: channels of clients", () => {
  it("sends a client's alerts to that client's channels and the operator's, never to another client's", async () => {
    await createTestSites(t.store.db, ["acme-paris"], "acme");
    await createTestSites(t.store.db, ["globex-berlin"], "globex");
    const owners = new Map([
      ["acme-paris", "acme"],
      ["globex-berlin", "globex"],
    ]);
    const scoped = build({ clientOf: (site) => owners.get(site) });
    const hook = (name: string, path: string) => ({
      name,
      type: "webhook" as const,
      min_severity: "info" as const,
      config: { url: `${rx.base}${path}`, secret: SECRET },
    });
    const acme = await store.create(hook("acme-hook", "/acme"), "acme");
    const globex = await store.create(hook("globex-hook", "/globex"), "globex");
    const operator = await store.create(hook("operator-hook", "/operator"));
    const mine = new Set(["acme-hook", "globex-hook", "operator-hook"]);
    let n = 0;
    const heard = async (site: string, ids?: string[]) => {
      n += 1;
      const alert = sampleAlert({
        id: `0190f0e0-0000-7000-8000-0000000c${String(n).padStart(4, "0")}`,
        site,
        severity: "info",
      });
      return (await scoped.notify(alert, ids))
        .filter((o) => mine.has(o.channel))
        .map((o) => `${o.channel}:${o.status}`)
        .sort();
    };

    expect(await heard("acme-paris")).toEqual(["acme-hook:sent", "operator-hook:sent"]);
    expect(await heard("globex-berlin")).toEqual(["globex-hook:sent", "operator-hook:sent"]);
    // Vigil's own alerts (no site) and alerts of a site no client owns: the operator's channels only.
    expect(await heard("")).toEqual(["operator-hook:sent"]);
    expect(await heard("unregistered")).toEqual(["operator-hook:sent"]);
    // Named explicitly (a rule's or an escalation's channels): still only the channels that may hear it.
    expect(await heard("acme-paris", [acme.id, globex.id, operator.id])).toEqual([
      "acme-hook:sent",
      "operator-hook:sent",
    ]);
    const sites = (path: string) =>
      rx.hits(path).map((h) => (JSON.parse(h.raw) as { alert: Notification }).alert.site);
    expect(sites("/globex")).toEqual(["globex-berlin"]);
    expect(sites("/acme")).toEqual(["acme-paris", "acme-paris"]);
    expect(sites("/operator")).toHaveLength(5);
    // A notifier told of no client (the default) keeps client channels silent.
    const unscoped = build();
    const out = await unscoped.notify(
      sampleAlert({ id: "0190f0e0-0000-7000-8000-0000000cffff", site: "acme-paris", severity: "info" }),
      undefined,
    );
    expect(out.map((o) => o.channel)).not.toContain("acme-hook");
  });
});
