import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeXgs, startFakeXgs } from "../packages/server/src/test-support/fake-xgs.js";
import {
  eventually,
  startTestVigil,
  type TestVigil,
} from "../packages/server/src/test-support/test-vigil.js";
import { sendTcp } from "./support/syslog.js";
import { adminPost, bruteForce, setUpTwoClients } from "./support/two-clients.js";

/**
 * Two MSP clients end to end: acme (site acme-paris) and globex (site globex-lyon) send SSH logs through
 * one relay; each site's firewall (a fake Sophos XGS bound to that site) and each site's CrowdSec bouncer
 * receive their own site's detection bans and not the other's; acme's analyst sees acme's events, bans
 * and alerts only. When globex's attacker turns on acme, acme's firewall gets it too.
 */
let t: TestVigil;
let acmeFw: FakeXgs;
let globexFw: FakeXgs;
let acmeAnalyst: string;
let acmeBouncerKey: string;
const ACME_ATTACKER = "185.220.101.41";
const GLOBEX_ATTACKER = "185.220.101.42";
const hostOf = (ip: string) => `VGX_${ip.replaceAll(".", "_")}`;

const post = (url: string, body: unknown): Promise<unknown> => adminPost(t, url, body);

async function activeBan(ip: string): Promise<{ sites: string[] } | undefined> {
  const res = await t.api("GET", `/api/v1/bans/${ip}`, undefined, t.adminToken);
  if (res.status !== 200) return undefined;
  const ban = (res.json() as { ban: { status: string; sites: string[] } | null }).ban;
  return ban?.status === "active" ? ban : undefined;
}

beforeAll(async () => {
  acmeFw = await startFakeXgs({ username: "api", password: "acme-fw-pass" });
  globexFw = await startFakeXgs({ username: "api", password: "globex-fw-pass" });
  t = await startTestVigil();
  await setUpTwoClients(t);
  for (const [name, fw, pass, site] of [
    ["acme-xgs", acmeFw, "acme-fw-pass", "acme-paris"],
    ["globex-xgs", globexFw, "globex-fw-pass", "globex-lyon"],
  ] as const) {
    await post("/api/v1/enforcement/targets", {
      name,
      type: "sophos_xgs",
      enabled: true,
      config: { url: fw.url, username: "api", password: pass, verify_tls: false },
      sites: [site],
    });
  }
  acmeBouncerKey = (
    (await post("/api/v1/bouncers", { name: "acme-edge", sites: ["acme-paris"] })) as { api_key: string }
  ).api_key;
  await post("/api/v1/users", {
    username: "acme-analyst",
    password: "acme-analyst-pass-1",
    role: "analyst",
    client: "acme",
  });
  const login = await t.api("POST", "/api/v1/auth/login", {
    username: "acme-analyst",
    password: "acme-analyst-pass-1",
  });
  acmeAnalyst = (login.json() as { token: string }).token;
}, 120_000);

afterAll(async () => {
  await t?.close();
  await acmeFw?.close();
  await globexFw?.close();
});

describe("two clients, one Vigil", () => {
  it("sends each site's detection bans to that site's firewall and bouncer only", async () => {
    await sendTcp(
      t.syslogPort,
      bruteForce("bastion-acme", ACME_ATTACKER) + bruteForce("bastion-globex", GLOBEX_ATTACKER),
    );
    expect((await eventually(() => activeBan(ACME_ATTACKER)))?.sites).toEqual(["acme-paris"]);
    expect((await eventually(() => activeBan(GLOBEX_ATTACKER)))?.sites).toEqual(["globex-lyon"]);

    await eventually(async () => acmeFw.members("grp_VGX-BannedIP").includes(hostOf(ACME_ATTACKER)));
    await eventually(async () => globexFw.members("grp_VGX-BannedIP").includes(hostOf(GLOBEX_ATTACKER)));
    // Both firewalls have synced both bans' versions by now: each holds its own attacker only.
    await eventually(async () => {
      const targets = (await t.api("GET", "/api/v1/enforcement/targets", undefined, t.adminToken)).json() as {
        items: Array<{ status: { state: string; pending: number } }>;
      };
      return targets.items.every((x) => x.status.state === "ok" && x.status.pending === 0);
    });
    expect(acmeFw.members("grp_VGX-BannedIP")).not.toContain(hostOf(GLOBEX_ATTACKER));
    expect(globexFw.members("grp_VGX-BannedIP")).not.toContain(hostOf(ACME_ATTACKER));

    const stream = await fetch(`${t.vigil.httpUrl}/v1/decisions/stream?startup=true`, {
      headers: { "x-api-key": acmeBouncerKey },
    });
    const decisions = (await stream.json()) as { new: Array<{ value: string }> | null };
    const values = (decisions.new ?? []).map((d) => d.value);
    expect(values).toContain(ACME_ATTACKER);
    expect(values).not.toContain(GLOBEX_ATTACKER);
  }, 90_000);

  it("shows acme's analyst acme's events, bans and alerts only; globex's site is refused by name", async () => {
    const events = await eventually(async () => {
      const res = (await t.api("GET", "/api/v1/events?limit=1000", undefined, acmeAnalyst)).json() as {
        items: Array<{ site: string; src_ip: string }>;
      };
      return res.items.length > 0 ? res.items : undefined;
    });
    expect(new Set(events.map((e) => e.site))).toEqual(new Set(["acme-paris"]));
    const bans = (await t.api("GET", "/api/v1/bans", undefined, acmeAnalyst)).json() as {
      items: Array<{ ip: string }>;
    };
    expect(bans.items.map((b) => b.ip)).toEqual([ACME_ATTACKER]);
    const alerts = (await t.api("GET", "/api/v1/alerts", undefined, acmeAnalyst)).json() as {
      items: Array<{ site: string }>;
    };
    expect(alerts.items.every((a) => a.site === "acme-paris")).toBe(true);
    for (const url of [
      "/api/v1/events?site=globex-lyon",
      "/api/v1/bans?site=globex-lyon",
      "/api/v1/alerts?site=globex-lyon",
    ]) {
      expect((await t.api("GET", url, undefined, acmeAnalyst)).status, url).toBe(403);
    }
    expect((await t.api("GET", `/api/v1/bans/${GLOBEX_ATTACKER}`, undefined, acmeAnalyst)).status).toBe(404);
  });

  it("widens globex's ban to acme when the same attacker turns on acme, and acme's firewall gets it", async () => {
    await sendTcp(t.syslogPort, bruteForce("bastion-acme", GLOBEX_ATTACKER));
    await eventually(async () => {
      const ban = await activeBan(GLOBEX_ATTACKER);
      return ban?.sites.includes("acme-paris") ? ban : undefined;
    });
    await eventually(async () => acmeFw.members("grp_VGX-BannedIP").includes(hostOf(GLOBEX_ATTACKER)));
    // acme now sees that ban, with its own site only.
    const seen = (await t.api("GET", `/api/v1/bans/${GLOBEX_ATTACKER}`, undefined, acmeAnalyst)).json() as {
      ban: { sites: string[]; site: string };
    };
    expect(seen.ban.sites).toEqual(["acme-paris"]);
    expect(seen.ban.site).toBe("acme-paris");
  }, 60_000);
});
