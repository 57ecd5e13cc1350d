import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  hasCustomBouncer,
  type RunningBouncer,
  startCustomBouncer,
} from "../../test-support/crowdsec-bouncer.js";
import { type BanService, createBanService } from "../ban-service.js";
import { type BouncerTestApp, openBouncerTestApp } from "./bouncer-test-support.js";

/**
 * The real CrowdSec bouncer from Debian polling Vigil: a ban in Vigil is applied by the bouncer,
 * an unban removed. Skipped (visibly) when `crowdsec-custom-bouncer` is not installed.
 */
describe.skipIf(!hasCustomBouncer)("Debian's crowdsec-custom-bouncer against Vigil", () => {
  let t: BouncerTestApp;
  let bouncer: RunningBouncer | undefined;
  let apiUrl: string;
  let bans: BanService;

  beforeAll(async () => {
    t = await openBouncerTestApp();
    bans = createBanService({ db: t.db });
    await t.app.listen({ host: "127.0.0.1", port: 0 });
    apiUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await bouncer?.stop();
    await t?.close();
  });

  it("applies a Vigil ban and removes it on unban", async () => {
    // A ban that exists before the bouncer starts arrives in its startup pull.
    await bans.manualBan({ ip: "198.51.100.20", reason: "waf attack", actor: "analyst" });
    const created = await t.app.inject({
      method: "POST",
      url: "/api/v1/bouncers",
      headers: t.admin,
      payload: { name: "debian-custom" },
    });
    const { api_key } = created.json() as { api_key: string };
    bouncer = await startCustomBouncer({ apiUrl, apiKey: api_key });
    const running = bouncer;

    let seen = await running.waitFor((a) => a.some((x) => x.action === "add" && x.value === "198.51.100.20"));
    const first = seen.find((x) => x.value === "198.51.100.20");
    expect(first?.scenario).toBe("vigil/manual");
    // The script gets the remaining seconds of a 4 h ban.
    expect(first?.seconds).toBeGreaterThan(4 * 3600 - 120);
    expect(first?.seconds).toBeLessThanOrEqual(4 * 3600);

    // Banned by hand while the bouncer runs (Vigil's ban service): picked up by a delta pull.
    await bans.manualBan({ ip: "2001:db8::66", reason: "test", duration: "permanent", actor: "analyst" });
    seen = await running.waitFor((a) => a.some((x) => x.action === "add" && x.value === "2001:db8::66"));
    expect(seen.find((x) => x.value === "2001:db8::66")?.seconds).toBe(10 * 365 * 24 * 3600);

    // Unban: the bouncer removes it.
    await bans.unban({ ip: "198.51.100.20", actor: "analyst" });
    seen = await running.waitFor((a) => a.some((x) => x.action === "del" && x.value === "198.51.100.20"));
    expect(seen.filter((x) => x.value === "198.51.100.20").map((x) => x.action)).toEqual(["add", "del"]);
    // The permanent ban was left alone.
    expect(seen.filter((x) => x.value === "2001:db8::66").map((x) => x.action)).toEqual(["add"]);

    // A re-ban escalates to tier 1 (24 h), and the bouncer applies it with that duration. This
    // bouncer skips an "add" for an IP it added within cache_retention_duration (1 s here), even if
    // deleted since: Vigil does send the new decision (checked in its log), so wait the cache out.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await bans.manualBan({ ip: "198.51.100.20", reason: "back again", actor: "analyst" });
    seen = await running.waitFor((a) => a.filter((x) => x.value === "198.51.100.20").length === 3);
    const reban = seen.filter((x) => x.value === "198.51.100.20")[2];
    expect(reban).toMatchObject({ action: "add", scenario: "vigil/manual" });
    expect(reban?.seconds).toBeGreaterThan(24 * 3600 - 120);
    expect(reban?.seconds).toBeLessThanOrEqual(24 * 3600);

    const list = await t.app.inject({ method: "GET", url: "/api/v1/bouncers", headers: t.audit });
    const item = (list.json() as { items: { name: string; version: string; last_pull: string | null }[] })
      .items[0];
    expect(item?.version).toMatch(/^crowdsec-custom-bouncer\//);
    expect(item?.last_pull).not.toBeNull();
  }, 20_000);
});
