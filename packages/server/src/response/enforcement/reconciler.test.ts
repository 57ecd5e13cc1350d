import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openTestStateStore, type TestStateStore } from "../../storage/state-test-support.js";
import { type FakeXgs, startFakeXgs } from "../../test-support/fake-xgs.js";
import type { Ban } from "../types.js";
import { createEnforcement, type Enforcement } from "./reconciler.js";
import type { TargetStatus } from "./target-repo.js";
import { signBody } from "./webhook-target.js";
import { GROUP_PERMANENT, GROUP_TEMPORARY } from "./xgs-client.js";

const SECRET = Buffer.from("0123456789abcdef0123456789abcdef");
const quiet = { info() {}, warn() {} };

describe("enforcement reconciler (PGlite bans → fake XGS, webhook)", () => {
  let t: TestStateStore;
  let fw: FakeXgs;
  let enf: Enforcement;
  const statuses: { id: string; status: TargetStatus }[] = [];

  async function ban(
    ip: string,
    status: "active" | "permanent" | "expired",
    expiresInMs: number | null = 3600_000,
  ) {
    const now = new Date();
    const expires_at =
      status === "permanent" || expiresInMs === null ? null : new Date(now.getTime() + expiresInMs);
    await t.store.db
      .insertInto("bans")
      .values({ ip, status, first_ban: now, last_ban: now, expires_at, source: "manual" })
      .onConflict((oc) =>
        oc.column("ip").doUpdateSet({ status, expires_at, version: sql`nextval('bans_version_seq')` }),
      )
      .execute();
  }

  beforeAll(async () => {
    t = await openTestStateStore();
    fw = await startFakeXgs({ username: "api", password: "fw-pass" });
    enf = createEnforcement({
      db: t.store.db,
      secretKey: SECRET,
      log: quiet,
      onStatus: (id, status) => statuses.push({ id, status }),
      allowPrivate: true,
      retryBaseMs: 20,
      maxRetryMs: 100,
      requestTimeoutMs: 2000,
      debounceMs: 200,
    });
  });
  afterEach(() => {
    fw.fail = null;
  });
  afterAll(async () => {
    await enf.stop();
    await fw.close();
    await t.dispose();
  });

  it("pushes exactly the active and permanent bans into the right groups, never touching other objects", async () => {
    fw.groups.set("Admins", { name: "Admins", description: "", family: "IPv4", hosts: [] });
    fw.hosts.set("Mail_server", {
      name: "Mail_server",
      family: "IPv4",
      hostType: "IP",
      address: "10.0.0.25",
      groups: ["Admins"],
    });
    // A stale VGX_ object from an earlier life of this firewall: it must go.
    fw.hosts.set("VGX_192_0_2_99", {
      name: "VGX_192_0_2_99",
      family: "IPv4",
      hostType: "IP",
      address: "192.0.2.99",
      groups: [],
    });
    await ban("203.0.113.1", "active");
    await ban("2001:db8::7", "active");
    await ban("198.51.100.5", "permanent");
    await ban("203.0.113.2", "expired", -1000);
    await ban("203.0.113.3", "active", -1000); // past its expiry, not yet swept

    const target = await enf.targets.create({
      name: "hq-fw",
      type: "sophos_xgs",
      config: { url: fw.url, username: "api", password: "fw-pass", verify_tls: false },
    });
    const status = await enf.syncNow(target.id);
    expect(status).toMatchObject({ state: "ok", last_error: null, in_sync: 3, pending: 0 });
    expect(fw.members(GROUP_TEMPORARY)).toEqual(["VGX_2001_db8__7", "VGX_203_0_113_1"]);
    expect(fw.members(GROUP_PERMANENT)).toEqual(["VGX_198_51_100_5"]);
    expect(fw.hosts.get("Mail_server")).toMatchObject({ address: "10.0.0.25", groups: ["Admins"] });
    expect(fw.hosts.has("VGX_192_0_2_99")).toBe(false);
    expect(statuses.at(-1)).toMatchObject({ id: target.id, status: { state: "ok" } });

    // Idempotent: a second pass changes nothing on the firewall.
    const before = JSON.stringify([...fw.hosts.entries()]);
    await enf.syncNow(target.id);
    expect(JSON.stringify([...fw.hosts.entries()])).toBe(before);
  });

  it("removes an unbanned IP and moves a ban made permanent, on notifyChange (debounced)", async () => {
    const [target] = await enf.targets.list();
    if (!target) throw new Error("no target");
    await ban("203.0.113.1", "expired", -1);
    await ban("2001:db8::7", "permanent");
    const seen = fw.requests;
    enf.notifyChange();
    enf.notifyChange();
    enf.notifyChange();
    await waitFor(() => fw.members(GROUP_PERMANENT).length === 2 && !fw.hosts.has("VGX_203_0_113_1"));
    expect(fw.members(GROUP_TEMPORARY)).toEqual([]);
    expect(fw.members(GROUP_PERMANENT)).toEqual(["VGX_198_51_100_5", "VGX_2001_db8__7"]);
    expect(fw.hosts.has("VGX_203_0_113_1")).toBe(false);
    // Three notifications coalesced into one sync: groups + hosts + update + remove = 4 requests.
    await new Promise((r) => setTimeout(r, 300));
    expect(fw.requests - seen).toBe(4);
  });

  it("a single ban reaches the firewall well under a second (leading edge), a burst costs few syncs", async () => {
    // With the default 1 s coalescing window: the first change must not wait for it.
    const quick = createEnforcement({ db: t.store.db, secretKey: SECRET, log: quiet, debounceMs: 1000 });
    const ips = ["192.0.2.10", ...Array.from({ length: 20 }, (_, i) => `192.0.2.${100 + i}`)];
    try {
      await ban("192.0.2.10", "active");
      const t0 = performance.now();
      quick.notifyChange();
      await waitFor(() => fw.hosts.has("VGX_192_0_2_10"), 2000);
      const ms = performance.now() - t0;
      console.log(`notifyChange → fake XGS holds VGX_192_0_2_10: ${ms.toFixed(1)} ms`);
      // A trailing-edge-only sync would land after the 1 s window; the leading edge lands well before it.
      expect(ms).toBeLessThan(1000);

      // 20 bans, one every 10 ms, each notified: one sync now, the rest coalesced at the window's end.
      await new Promise((r) => setTimeout(r, 1100));
      const seen = fw.requests;
      for (const ip of ips.slice(1)) {
        await ban(ip, "active");
        quick.notifyChange();
        await new Promise((r) => setTimeout(r, 10));
      }
      await waitFor(() => ips.every((ip) => fw.hosts.has(`VGX_${ip.replace(/\./g, "_")}`)), 3000);
      await new Promise((r) => setTimeout(r, 1200)); // any trailing sync included
      // A sync that adds hosts is 3 requests (groups, hosts, add): 20 notifications cost at most 2 syncs.
      expect(fw.requests - seen).toBeLessThanOrEqual(6);
    } finally {
      await quick.stop();
      for (const ip of ips) await ban(ip, "expired", -1);
      const [target] = await enf.targets.list();
      if (target) await enf.syncNow(target.id);
    }
  });

  it("reports a dead firewall as failing with the reason, retries with backoff, then converges", async () => {
    const [target] = await enf.targets.list();
    if (!target) throw new Error("no target");
    fw.fail = { mode: "down" };
    await ban("192.0.2.50", "active");
    const failed = await enf.syncNow(target.id);
    expect(failed?.state).toBe("failing");
    expect(failed?.last_error).toMatch(/socket hang up|ECONNRESET/);
    expect(failed?.pending).toBe(3);
    const attempts = fw.requests;
    await waitFor(() => fw.requests >= attempts + 2); // retried on its own
    fw.fail = null;
    await waitFor(() => fw.hosts.has("VGX_192_0_2_50"));
    await waitFor(async () => (await enf.targets.get(target.id)).status.state === "ok");
    const view = await enf.targets.get(target.id);
    expect(view.status).toMatchObject({ state: "ok", last_error: null, in_sync: 3 });
  });

  it("a wrong password is reported, and does not hold up another target", async () => {
    const fw2 = await startFakeXgs({ username: "api", password: "other" });
    try {
      const bad = await enf.targets.create({
        name: "branch-fw",
        type: "sophos_xgs",
        config: { url: fw2.url, username: "api", password: "wrong", verify_tls: true },
      });
      const status = await enf.syncNow(bad.id);
      expect(status).toMatchObject({ state: "failing" });
      expect(status?.last_error).toMatch(/Authentication Failure/);
      expect(fw2.hosts.size).toBe(0);
      await enf.targets.update(bad.id, {
        name: "branch-fw",
        type: "sophos_xgs",
        enabled: false,
        config: {
          url: fw2.url,
          username: "api",
          password: "********",
        },
      });
    } finally {
      await fw2.close();
    }
  });

  it("stores target secrets sealed, never in clear text", async () => {
    const rows = await t.store.db.selectFrom("enforcement_targets").select(["name", "config"]).execute();
    const text = JSON.stringify(rows);
    expect(text).not.toContain("fw-pass");
    expect(text).not.toContain('"wrong"');
    expect(text).toMatch(/"password":"v1:/);
    const views = await enf.targets.list();
    expect(views.map((v) => v.config.password)).toEqual(["********", "********"]);
  });

  it("posts signed ban and unban messages to a webhook, catching up after it was down", async () => {
    const got: { type: string; ip: string; valid: boolean }[] = [];
    let up = false;
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        if (!up) return void res.writeHead(503).end();
        const body = Buffer.concat(chunks).toString("utf8");
        const msg = JSON.parse(body) as { type: string; ban: Ban };
        const valid = req.headers["x-vigil-signature"] === signBody("hook-secret-123", body);
        got.push({ type: msg.type, ip: msg.ban.ip, valid });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const hook = await enf.targets.create({
        name: "soar",
        type: "webhook",
        config: { url, secret: "hook-secret-123" },
      });
      expect(hook.config).toEqual({ url, secret: "********" });
      const down = await enf.syncNow(hook.id);
      expect(down).toMatchObject({ state: "failing", last_error: expect.stringMatching(/HTTP 503/) });
      up = true;
      await waitFor(() => got.length === 3);
      expect(got.map((g) => `${g.type} ${g.ip}`).sort()).toEqual([
        "ban 192.0.2.50",
        "ban 198.51.100.5",
        "ban 2001:db8::7",
      ]);
      expect(got.every((g) => g.valid)).toBe(true);

      await ban("192.0.2.50", "expired", -1);
      await enf.syncNow(hook.id);
      expect(got.at(-1)).toEqual({ type: "unban", ip: "192.0.2.50", valid: true });
      await enf.syncNow(hook.id);
      expect(got).toHaveLength(4); // nothing new to say
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

async function waitFor(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
