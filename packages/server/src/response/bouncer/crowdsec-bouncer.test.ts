import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  hasCustomBouncer,
  type RunningBouncer,
  startCustomBouncer,
} from "../../test-support/crowdsec-bouncer.js";
import { type BouncerTestApp, liftBan, openBouncerTestApp, putBan } from "./bouncer-test-support.js";

/**
 * The real CrowdSec bouncer from Debian polling Vigil: a ban in Vigil is applied by the bouncer,
 * an unban removed. Skipped (visibly) when `crowdsec-custom-bouncer` is not installed.
 */
describe.skipIf(!hasCustomBouncer)("Debian's crowdsec-custom-bouncer against Vigil", () => {
  let t: BouncerTestApp;
  let bouncer: RunningBouncer | undefined;
  let apiUrl: string;

  beforeAll(async () => {
    t = await openBouncerTestApp();
    await t.app.listen({ host: "127.0.0.1", port: 0 });
    apiUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await bouncer?.stop();
    await t?.close();
  });

  it("applies a Vigil ban and removes it on unban", async () => {
    // A ban that exists before the bouncer starts arrives in its startup pull.
    await putBan(t.db, "198.51.100.20", { rule: "waf_attack" });
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
    expect(first?.scenario).toBe("vigil/waf_attack");
    // The script gets the remaining seconds of a 4 h ban.
    expect(first?.seconds).toBeGreaterThan(4 * 3600 - 120);
    expect(first?.seconds).toBeLessThanOrEqual(4 * 3600);

    // Banned while the bouncer runs: picked up by a delta pull.
    await putBan(t.db, "2001:db8::66", { status: "permanent", expiresInMs: null });
    seen = await running.waitFor((a) => a.some((x) => x.action === "add" && x.value === "2001:db8::66"));
    expect(seen.find((x) => x.value === "2001:db8::66")?.seconds).toBe(10 * 365 * 24 * 3600);

    // Unban: the bouncer removes it.
    await liftBan(t.db, "198.51.100.20");
    seen = await running.waitFor((a) => a.some((x) => x.action === "del" && x.value === "198.51.100.20"));
    expect(seen.filter((x) => x.value === "198.51.100.20").map((x) => x.action)).toEqual(["add", "del"]);
    // The permanent ban was left alone.
    expect(seen.filter((x) => x.value === "2001:db8::66").map((x) => x.action)).toEqual(["add"]);

    const list = await t.app.inject({ method: "GET", url: "/api/v1/bouncers", headers: t.audit });
    const item = (list.json() as { items: { name: string; version: string; last_pull: string | null }[] })
      .items[0];
    expect(item?.version).toMatch(/^crowdsec-custom-bouncer\//);
    expect(item?.last_pull).not.toBeNull();
  }, 20_000);
});
