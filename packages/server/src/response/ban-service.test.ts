import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openTestStateStore, type TestStateStore } from "../storage/state-test-support.js";
import { createTestSites } from "../tenancy/test-sites.js";
import { type BanChange, type BanService, createBanService } from "./ban-service.js";
import { addGeoblock, deleteGeoblock, putGeoZone } from "./geo-store.js";
import { parseIpOrCidr } from "./ip-address.js";
import { detection as baseDetection, geo, T0 } from "./policy-fixtures.js";
import { addWhitelist } from "./whitelist-store.js";

const H = 3600_000;
function range(text: string) {
  const parsed = parseIpOrCidr(text);
  if (!parsed) throw new Error(`bad range ${text}`);
  return parsed;
}
// One URL per IP, so the false-positive guard only trips in the test that means to trip it.
const detection = (over: Parameters<typeof baseDetection>[0] = {}) =>
  baseDetection({ url: `/u/${over.value ?? ""}`, ...over });

describe("ban service (real PGlite)", () => {
  let t: TestStateStore;
  let svc: BanService;
  let now = T0;
  let changes: BanChange[] = [];
  let reputation = 0;
  let n = 0;
  // Each test works on its own IPs so they never see each other's bans.
  const nextIp = () => `198.51.100.${++n}`;

  beforeAll(async () => {
    t = await openTestStateStore();
    await createTestSites(t.store.db, ["paris", "lyon"]);
    svc = createBanService({
      db: t.store.db,
      now: () => now,
      reputation: { score: async () => ({ score: reputation, sources: reputation ? ["feed-a"] : [] }) },
      onChange: (c) => changes.push(c),
    });
  });
  afterAll(async () => {
    await t.dispose();
  });
  beforeEach(() => {
    now = T0;
    changes = [];
    reputation = 0;
  });

  const history = (ip: string) =>
    t.store.db.selectFrom("ban_history").selectAll().where("ip", "=", ip).orderBy("id").execute();

  it("escalates a returning attacker 4 h → 24 h → 7 d → permanent, with a history row each time", async () => {
    const ip = nextIp();
    const durations: (number | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const { ban } = await svc.handleDetection(detection({ value: ip }));
      durations.push(ban?.expires_at ? Date.parse(ban.expires_at) - now : null);
      expect(ban?.ban_count).toBe(i + 1);
      // Still banned: a repeat of the same detection changes nothing.
      expect((await svc.handleDetection(detection({ value: ip }))).decision.kind).toBe("ignore");
      now += 8 * 24 * H; // past even the 7-day ban
    }
    expect(durations).toEqual([4 * H, 24 * H, 7 * 24 * H, null]);
    const rows = await history(ip);
    expect(rows.map((r) => [r.action, r.tier, r.actor])).toEqual([
      ["ban", 0, "detect2ban"],
      ["escalate", 1, "detect2ban"],
      ["escalate", 2, "detect2ban"],
      ["escalate", 3, "detect2ban"],
    ]);
    expect(rows[3]?.status).toBe("permanent");
    expect(changes.filter((c) => c.type === "new_ban")).toHaveLength(4);
  });

  it("bumps the version on every change", async () => {
    const ip = nextIp();
    const v = async () =>
      BigInt(
        (await t.store.db.selectFrom("bans").select("version").where("ip", "=", ip).executeTakeFirstOrThrow())
          .version,
      );
    await svc.manualBan({ ip, reason: "test", actor: "alice" });
    const v1 = await v();
    await svc.unban({ ip, actor: "alice" });
    expect(await v()).toBeGreaterThan(v1);
  });

  it("never acts on a hard-whitelisted range, and refuses a manual ban there (409)", async () => {
    await addWhitelist(t.store.db, { range: range("192.0.2.0/24"), type: "hard", reason: "office" }, "admin");
    const res = await svc.handleDetection(detection({ value: "192.0.2.55" }));
    expect(res.decision.kind).toBe("ignore");
    await expect(svc.manualBan({ ip: "192.0.2.55", reason: "x", actor: "a" })).rejects.toMatchObject({
      status: 409,
    });
    expect(await history("192.0.2.55")).toHaveLength(0);
  });

  it("soft entries alert, monitor entries log, expired entries protect nothing", async () => {
    const db = t.store.db;
    await addWhitelist(
      db,
      { range: range("2001:db8:1::/48"), type: "soft", reason: "cdn", alert_only: true },
      "a",
    );
    await addWhitelist(db, { range: range("2001:db8:2::/48"), type: "monitor", reason: "lab" }, "a");
    await addWhitelist(
      db,
      {
        range: range("2001:db8:3::/48"),
        type: "hard",
        reason: "old",
        expires_at: new Date(T0 - H).toISOString(),
      },
      "a",
    );
    expect((await svc.handleDetection(detection({ value: "2001:db8:1::9" }))).decision.kind).toBe("alert");
    expect((await svc.handleDetection(detection({ value: "2001:DB8:2::9" }))).decision.kind).toBe("log_only");
    const banned = await svc.handleDetection(detection({ value: "2001:db8:3:0::9" }));
    expect(banned.ban?.ip).toBe("2001:db8:3::9");
  });

  it("an unban with immunity keeps detections off the IP until it ends; the next ban is tier 1", async () => {
    const ip = nextIp();
    await svc.handleDetection(detection({ value: ip }));
    const lifted = await svc.unban({ ip, actor: "bob", immunityHours: 2 });
    expect(lifted.status).toBe("expired");
    expect(lifted.immune_until).toBe(new Date(T0 + 2 * H).toISOString());
    expect(changes.at(-1)?.type).toBe("ban_removed");
    now += H;
    expect((await svc.handleDetection(detection({ value: ip }))).decision.kind).toBe("log_only");
    now += 2 * H;
    const again = await svc.handleDetection(detection({ value: ip }));
    expect(again.ban).toMatchObject({ current_tier: 1, ban_count: 2 });
    expect((await history(ip)).map((r) => [r.action, r.actor])).toEqual([
      ["ban", "detect2ban"],
      ["unban", "bob"],
      ["escalate", "detect2ban"],
    ]);
  });

  it("a manual re-ban after unban lands on tier 1 (24 h); a manual duration is honoured", async () => {
    const ip = nextIp();
    const first = await svc.manualBan({ ip, reason: "seen in logs", actor: "carol" });
    expect(first).toMatchObject({ current_tier: 0, status: "active", source: "manual", created_by: "carol" });
    await svc.unban({ ip, actor: "carol" });
    const second = await svc.manualBan({ ip, reason: "back again", actor: "carol" });
    expect(second.current_tier).toBe(1);
    expect(Date.parse(second.expires_at ?? "")).toBe(T0 + 24 * H);
    const perm = await svc.manualBan({ ip: nextIp(), reason: "x", actor: "carol", duration: "permanent" });
    expect(perm).toMatchObject({ status: "permanent", expires_at: null });
  });

  it("authorized country: pending approval (country_policy), approve bans at the right tier", async () => {
    await putGeoZone(t.store.db, geo(), "admin");
    const ip = nextIp();
    const res = await svc.handleDetection(detection({ value: ip, country: "FR" }));
    expect(res.pending).toMatchObject({ pending_type: "country_policy", status: "pending", ip });
    expect(changes.map((c) => c.type)).toEqual(["ban_pending", "ban_updated"]);
    // A repeat updates the open approval instead of opening a second one.
    const again = await svc.handleDetection(detection({ value: ip, country: "FR" }));
    expect(again.pending?.id).toBe(res.pending?.id);
    expect(again.pending?.event_count).toBe(20);
    const ban = await svc.approve(res.pending?.id ?? "", "dave", "confirmed");
    expect(ban).toMatchObject({ ip, status: "active", current_tier: 0, ban_count: 1, created_by: "dave" });
    await expect(svc.approve(res.pending?.id ?? "", "dave")).rejects.toMatchObject({ status: 409 });
    reputation = 90;
    const trusted = await svc.handleDetection(detection({ value: nextIp(), country: "FR" }));
    expect(trusted.ban?.threat_score_at_ban).toBe(90);
    await putGeoZone(t.store.db, geo({ enabled: false }), "admin");
  });

  it("an unregistered sender's detection waits for approval (unverified_sender); approving bans it", async () => {
    const ip = nextIp();
    const res = await svc.handleDetection(detection({ value: ip, trusted: false, sender: "192.0.2.99" }));
    expect(res.ban).toBeUndefined();
    expect(res.pending).toMatchObject({ pending_type: "unverified_sender", status: "pending", ip });
    expect(res.pending?.reason).toContain("192.0.2.99 over UDP");
    const ban = await svc.approve(res.pending?.id ?? "", "dave");
    expect(ban).toMatchObject({ ip, status: "active", current_tier: 0 });
  });

  it("never bans a private address, nor a registered source's own address, automatically", async () => {
    expect((await svc.handleDetection(detection({ value: "10.20.30.40" }))).decision.kind).toBe("alert");
    const own = nextIp();
    await t.store.db
      .insertInto("sources")
      .values({
        id: uuidv7(),
        match_type: "ip",
        match_value: own,
        site: "paris",
        timezone: "UTC",
        registered: true,
      })
      .execute();
    const res = await svc.handleDetection(detection({ value: own }));
    expect(res.decision).toMatchObject({ kind: "alert" });
    expect(res.decision.reason).toContain(`${own} is in your own network ${own}`);
    expect(
      await t.store.db.selectFrom("bans").select("ip").where("ip", "in", ["10.20.30.40", own]).execute(),
    ).toEqual([]);
  });

  it("hostile country: immediate ban even from a single event", async () => {
    await putGeoZone(t.store.db, geo(), "admin");
    const res = await svc.handleDetection(
      detection({ value: nextIp(), country: "KP", count: 1, threshold: 1 }),
    );
    expect(res.ban).toMatchObject({ geo_zone: "hostile", status: "active" });
    await putGeoZone(t.store.db, geo({ enabled: false }), "admin");
  });

  it("geoblocking: a block rule bans on the first event over an approval; an allow rule only alerts", async () => {
    // FR is authorized (would need approval) and KP hostile (would ban at once): the rules override both.
    await putGeoZone(t.store.db, geo(), "admin");
    const block = await addGeoblock(
      t.store.db,
      { country: "fr", action: "block", reason: "no FR customers" },
      "admin",
    );
    const allow = await addGeoblock(t.store.db, { country: "KP", action: "allow", reason: "lab" }, "admin");
    const blocked = nextIp();
    const res = await svc.handleDetection(
      detection({ value: blocked, country: "FR", count: 1, threshold: 1 }),
    );
    expect(res.ban).toMatchObject({ ip: blocked, status: "active", current_tier: 0, geo_zone: "authorized" });
    expect(Date.parse(res.ban?.expires_at ?? "")).toBe(T0 + 4 * H);
    expect(res.ban?.reason).toContain("geoblocking rule block FR (no FR customers)");
    expect(changes.map((c) => c.type)).toEqual(["new_ban"]);

    const allowed = nextIp();
    const alert = await svc.handleDetection(detection({ value: allowed, country: "KP" }));
    expect(alert.decision).toMatchObject({ kind: "alert" });
    expect(alert.decision.reason).toMatch(/^country allowed by geoblocking rule/);
    expect(await history(allowed)).toHaveLength(0);
    // An analyst can still ban it by hand.
    expect((await svc.manualBan({ ip: allowed, reason: "seen", actor: "fay" })).status).toBe("active");

    await deleteGeoblock(t.store.db, block.id);
    await deleteGeoblock(t.store.db, allow.id);
    const after = await svc.handleDetection(detection({ value: nextIp(), country: "FR" }));
    expect(after.decision.kind).toBe("pending");
    await putGeoZone(t.store.db, geo({ enabled: false }), "admin");
  });

  it("false-positive guard: the fifth distinct IP on one rule + URI + host waits for approval; reject keeps it unbanned", async () => {
    const hit = (ip: string) =>
      detection({ value: ip, rule_id: "fp-1", url: "/checkout", hostname: "shop.example" });
    const kinds: string[] = [];
    const ips = [nextIp(), nextIp(), nextIp(), nextIp(), nextIp()];
    for (const ip of ips) kinds.push((await svc.handleDetection(hit(ip))).decision.kind);
    expect(kinds).toEqual(["ban", "ban", "ban", "ban", "pending"]);
    const pending = changes.find((c) => c.type === "ban_pending")?.data;
    expect(pending).toMatchObject({
      pending_type: "false_positive",
      fp_uri: "/checkout",
      fp_hostname: "shop.example",
    });
    const id = pending && "id" in pending ? pending.id : "";
    const rejected = await svc.reject(id, "erin");
    expect(rejected.status).toBe("rejected");
    const row = await t.store.db
      .selectFrom("bans")
      .select("status")
      .where("ip", "=", ips[4] ?? "")
      .executeTakeFirst();
    expect(row?.status).toBe("expired");
    expect((await history(ips[4] ?? "")).map((r) => r.action)).toEqual(["pending", "reject"]);
  });

  it("applies one ban when the same detection arrives twice at once", async () => {
    const ip = nextIp();
    const results = await Promise.all([
      svc.handleDetection(detection({ value: ip })),
      svc.handleDetection(detection({ value: ip })),
    ]);
    expect(results.map((r) => r.decision.kind).sort()).toEqual(["ban", "ignore"]);
    const row = await t.store.db
      .selectFrom("bans")
      .select(["ban_count", "current_tier"])
      .where("ip", "=", ip)
      .executeTakeFirst();
    expect(row).toEqual({ ban_count: 1, current_tier: 0 });
  });
});
