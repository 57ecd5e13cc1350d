import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseUrl } from "../../storage/state-test-support.js";
import { type BouncerTestApp, liftBan, openBouncerTestApp, putBan } from "./bouncer-test-support.js";

interface Decision {
  id: number;
  origin: string;
  type: string;
  scope: string;
  value: string;
  duration: string;
  scenario: string;
  uuid: string;
}
interface Stream {
  new: Decision[] | null;
  deleted: Decision[] | null;
}

/** Go duration text back to ms (enough of time.ParseDuration for what Vigil writes). */
function durationMs(text: string): number {
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/([\d.]+)(ms|h|m|s)/g)) {
    ms += Number(n) * (unit === "h" ? 3600_000 : unit === "m" ? 60_000 : unit === "s" ? 1000 : 1);
  }
  return text.startsWith("-") ? -ms : ms;
}

// PGlite always; a PostgreSQL server too when VIGIL_TEST_DATABASE_URL is set (CI).
const backends = testDatabaseUrl ? (["pglite", "pg"] as const) : (["pglite"] as const);

describe.each(backends)("CrowdSec bouncer API on %s", (backend) => {
  let t: BouncerTestApp;
  beforeAll(async () => {
    // fullSyncMs 0: every pull also compares all bans (exercises the catch-up path on each call);
    // liveMaxAgeMs 0: live queries see a ban written just before them.
    t = await openBouncerTestApp({ decisionLog: { fullSyncMs: 0 }, liveMaxAgeMs: 0 }, backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function createBouncer(name: string): Promise<{ id: string; key: string }> {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/bouncers",
      headers: t.admin,
      payload: { name },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json() as { id: string; name: string; api_key: string };
    return { id: body.id, key: body.api_key };
  }

  async function stream(key: string, query = ""): Promise<Stream> {
    const res = await t.app.inject({
      method: "GET",
      url: `/v1/decisions/stream${query}`,
      headers: { "x-api-key": key, "user-agent": "crowdsec-firewall-bouncer/v0.0.25" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/application\/json/);
    return res.json() as Stream;
  }

  const values = (list: Decision[] | null) => (list ?? []).map((d) => d.value).sort();

  describe("CrowdSec bouncer API: keys", () => {
    it("refuses a missing, wrong or revoked key with CrowdSec's 403", async () => {
      const { id, key } = await createBouncer("edge-fw");
      for (const headers of [{}, { "x-api-key": "nope" }]) {
        const res = await t.app.inject({ method: "GET", url: "/v1/decisions/stream?startup=true", headers });
        expect(res.statusCode).toBe(403);
        expect(res.json()).toEqual({ message: "access forbidden" });
      }
      expect(
        (
          await t.app.inject({
            method: "GET",
            url: "/v1/decisions?ip=1.2.3.4",
            headers: { "x-api-key": key },
          })
        ).statusCode,
      ).toBe(200);
      // Usage metrics (recent bouncers send them): accepted with the key, refused without.
      const metrics = {
        method: "POST",
        url: "/v1/usage-metrics",
        payload: { remediation_components: [] },
      } as const;
      expect((await t.app.inject({ ...metrics, headers: { "x-api-key": key } })).statusCode).toBe(201);
      expect((await t.app.inject({ ...metrics, headers: { "x-api-key": "nope" } })).statusCode).toBe(403);
      expect(
        (await t.app.inject({ method: "DELETE", url: `/api/v1/bouncers/${id}`, headers: t.admin }))
          .statusCode,
      ).toBe(204);
      const after = await t.app.inject({
        method: "GET",
        url: "/v1/decisions/stream",
        headers: { "x-api-key": key },
      });
      expect(after.statusCode).toBe(403);
    });

    it("lists bouncers with last pull, address and User-Agent, never the key; admins create, audit reads", async () => {
      const { key } = await createBouncer("lister");
      const denied = await t.app.inject({
        method: "POST",
        url: "/api/v1/bouncers",
        headers: t.audit,
        payload: { name: "x" },
      });
      expect(denied.statusCode).toBe(403);
      const dup = await t.app.inject({
        method: "POST",
        url: "/api/v1/bouncers",
        headers: t.admin,
        payload: { name: "lister" },
      });
      expect(dup.statusCode).toBe(409);
      await stream(key, "?startup=true");
      const res = await t.app.inject({ method: "GET", url: "/api/v1/bouncers", headers: t.audit });
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(key);
      const item = (res.json() as { items: Record<string, unknown>[] }).items.find(
        (b) => b.name === "lister",
      );
      expect(item?.version).toBe("crowdsec-firewall-bouncer/v0.0.25");
      expect(item?.ip_address).toBe("127.0.0.1");
      expect(Date.now() - Date.parse(String(item?.last_pull))).toBeLessThan(10_000);
    });
  });

  describe("CrowdSec bouncer API: the decision stream", () => {
    it("sends every active ban at startup, then only what changed, with null for nothing", async () => {
      await putBan(t.db, "203.0.113.10");
      await putBan(t.db, "203.0.113.11", { status: "permanent", expiresInMs: null });
      await putBan(t.db, "203.0.113.12", { status: "pending_approval" });
      const { key } = await createBouncer("stream-1");

      const first = await stream(key, "?startup=true");
      expect(values(first.new)).toEqual(["203.0.113.10", "203.0.113.11"]);
      expect(first.deleted).toBeNull();
      const d = first.new?.find((x) => x.value === "203.0.113.10");
      expect(d).toMatchObject({
        origin: "vigil",
        type: "ban",
        scope: "Ip",
        scenario: "vigil/ssh_bruteforce",
      });
      expect(d?.uuid).toMatch(/^[0-9a-f-]{36}$/);
      expect(durationMs(d?.duration ?? "")).toBeGreaterThan(4 * 3600_000 - 60_000);
      expect(durationMs(d?.duration ?? "")).toBeLessThanOrEqual(4 * 3600_000);
      // Permanent: a very long duration (10 years).
      expect(first.new?.find((x) => x.value === "203.0.113.11")?.duration).toBe("87600h0m0s");

      expect(await stream(key)).toEqual({ new: null, deleted: null });

      await putBan(t.db, "198.51.100.7");
      const second = await stream(key, "?startup=false");
      expect(values(second.new)).toEqual(["198.51.100.7"]);
      expect(second.deleted).toBeNull();

      // Unban: the bouncer is told to delete the decision it was sent, by the same id.
      const seenId = d?.id;
      await liftBan(t.db, "203.0.113.10");
      const third = await stream(key);
      expect(third.new).toBeNull();
      expect(third.deleted?.map((x) => [x.id, x.value])).toEqual([[seenId, "203.0.113.10"]]);

      // A re-ban is a new decision with a new id.
      await putBan(t.db, "203.0.113.10", { expiresInMs: 24 * 3600_000 });
      const fourth = await stream(key);
      expect(values(fourth.new)).toEqual(["203.0.113.10"]);
      expect(fourth.new?.[0]?.id).not.toBe(seenId);
      expect(durationMs(fourth.new?.[0]?.duration ?? "")).toBeGreaterThan(23 * 3600_000);
    });

    it("replaces a decision whose ban escalates (deleted old id, new one), and skips one banned and lifted between pulls", async () => {
      const { key } = await createBouncer("stream-2");
      await putBan(t.db, "192.0.2.50");
      const start = await stream(key, "?startup=true");
      const old = start.new?.find((x) => x.value === "192.0.2.50");
      expect(old).toBeDefined();

      await putBan(t.db, "192.0.2.50", { expiresInMs: 7 * 24 * 3600_000 });
      await putBan(t.db, "192.0.2.51");
      await liftBan(t.db, "192.0.2.51");
      const next = await stream(key);
      expect(next.deleted?.map((x) => x.id)).toEqual([old?.id]);
      expect(values(next.new)).toEqual(["192.0.2.50"]);
      expect(durationMs(next.new?.[0]?.duration ?? "")).toBeGreaterThan(6 * 24 * 3600_000);
    });

    it("deletes a ban whose expiry passed even before anything marks it expired", async () => {
      const { key } = await createBouncer("stream-3");
      await putBan(t.db, "192.0.2.80");
      const start = await stream(key, "?startup=true");
      const seen = start.new?.find((x) => x.value === "192.0.2.80");
      // Only the clock moved: no version bump, status still active.
      await t.db
        .updateTable("bans")
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where("ip", "=", "192.0.2.80")
        .execute();
      const next = await stream(key);
      expect(next.deleted?.map((x) => [x.id, x.value])).toEqual([[seen?.id, "192.0.2.80"]]);
      expect(durationMs(next.deleted?.[0]?.duration ?? "")).toBeLessThan(0);
      expect(values((await stream(key, "?startup=true")).new)).not.toContain("192.0.2.80");
    });

    it("catches up with a ban committed with a lower version than one already synced", async () => {
      const { key } = await createBouncer("stream-4");
      await stream(key, "?startup=true");
      await putBan(t.db, "192.0.2.90");
      await t.db.updateTable("bans").set({ version: sql`1` }).where("ip", "=", "192.0.2.90").execute();
      expect(values((await stream(key)).new)).toEqual(["192.0.2.90"]);
    });

    it("counts the duration down between pulls", async () => {
      const { key } = await createBouncer("stream-5");
      await putBan(t.db, "192.0.2.60", { expiresInMs: 3600_000 });
      const pick = (s: Stream) => durationMs(s.new?.find((x) => x.value === "192.0.2.60")?.duration ?? "");
      const a = pick(await stream(key, "?startup=true"));
      await new Promise((r) => setTimeout(r, 30));
      const b = pick(await stream(key, "?startup=true"));
      expect(a).toBeLessThanOrEqual(3600_000);
      expect(b).toBeLessThan(a);
    });

    it("filters by scopes, origins and scenarios as CrowdSec does", async () => {
      const { key } = await createBouncer("stream-6");
      await putBan(t.db, "10.20.0.0/16", { rule: "port_scan" });
      await putBan(t.db, "192.0.2.70", { rule: "waf_attack" });
      const all = (q: string) => stream(key, `?startup=true${q}`).then((s) => values(s.new));
      expect(await all("&scopes=range")).toEqual(["10.20.0.0/16"]);
      expect((await stream(key, "?startup=true&scopes=range")).new?.[0]?.scope).toBe("Range");
      expect(await all("&scopes=ip")).not.toContain("10.20.0.0/16");
      expect(await all("&scopes=ip,range")).toEqual(expect.arrayContaining(["10.20.0.0/16", "192.0.2.70"]));
      expect(await all("&scenarios_containing=waf,scan")).toEqual(["10.20.0.0/16", "192.0.2.70"]);
      expect(await all("&scenarios_not_containing=ssh,scan,escalat")).toEqual(["192.0.2.70"]);
      expect((await stream(key, "?startup=true&origins=crowdsec,cscli")).new).toBeNull();
      expect(await all("&origins=vigil&scenarios_containing=waf")).toEqual(["192.0.2.70"]);
    });

    it("answers a HEAD without moving the bouncer's cursor", async () => {
      const { key } = await createBouncer("stream-7");
      await stream(key, "?startup=true");
      await putBan(t.db, "192.0.2.99");
      const head = await t.app.inject({
        method: "HEAD",
        url: "/v1/decisions/stream",
        headers: { "x-api-key": key },
      });
      expect(head.statusCode).toBe(200);
      expect(values((await stream(key)).new)).toEqual(["192.0.2.99"]);
    });
  });

  describe("CrowdSec bouncer API: live queries", () => {
    it("answers ?ip= with the decisions covering it, or null", async () => {
      const { key } = await createBouncer("live-1");
      await putBan(t.db, "2001:db8::5");
      await putBan(t.db, "10.30.0.0/24", { rule: "port_scan" });
      const get = async (q: string) => {
        const res = await t.app.inject({
          method: "GET",
          url: `/v1/decisions?${q}`,
          headers: { "x-api-key": key },
        });
        return { status: res.statusCode, body: res.body };
      };
      expect(await get("ip=192.0.2.200")).toEqual({ status: 200, body: "null" });
      const v6 = JSON.parse((await get("ip=2001:db8:0:0::5")).body) as Decision[];
      expect(v6.map((d) => d.value)).toEqual(["2001:db8::5"]);
      const inRange = JSON.parse((await get("ip=10.30.0.9")).body) as Decision[];
      expect(inRange.map((d) => [d.value, d.scope])).toEqual([["10.30.0.0/24", "Range"]]);
      const within = JSON.parse((await get("range=10.0.0.0/8&contains=false")).body) as Decision[];
      expect(within.map((d) => d.value)).toContain("10.30.0.0/24");
      expect((await get("ip=10.30.0.9&type=captcha")).body).toBe("null");
      expect((await get("ip=not-an-ip")).status).toBe(400);
      expect((await get("range=10.0.0.0/99")).status).toBe(400);
      const res = await t.app.inject({
        method: "GET",
        url: "/v1/decisions?ip=10.30.0.9",
        headers: { "x-api-key": "bad" },
      });
      expect(res.statusCode).toBe(403);
    });
  });
});
