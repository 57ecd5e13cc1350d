import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SITES } from "../../cli/traffic/actors.js";
import { createTrafficMix } from "../../cli/traffic/mix.js";
import { registerDemoSources } from "../../cli/traffic/register-sites.js";
import { bsdTime, sophosTime } from "../../test-support/syslog-stamps.js";
import {
  createTestSitesViaApi,
  eventually,
  startTestVigil,
  TEST_ADMIN_PASSWORD,
  type TestVigil,
} from "../../test-support/test-vigil.js";

/**
 * The sources API through a running Vigil: the devices one sender address carries (syslog hostnames,
 * device serials) are listed under it, each is assigned to a site in one request, and ingest applies it.
 */
let t: TestVigil;

interface Source {
  id: string;
  match_type: string;
  match_value: string;
  site: string;
  registered: boolean;
  via: string;
  event_count: number;
}

beforeAll(async () => {
  t = await startTestVigil();
  await createTestSitesViaApi(t, ["paris-01", "lyon-03", "nantes", "x"]);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

function sendTcp(payload: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(t.syslogPort, "127.0.0.1", () => s.end(payload));
    s.on("close", () => resolve());
    s.on("error", reject);
  });
}

/** A Sophos firewall line from `host`, serial `serial`, and an sshd line from `bastion`; `tag` marks them. */
function lines(tag: string): string {
  const now = Date.now();
  const fw = `<30>${bsdTime(now)} fw-paris device_name="SFW" timestamp="${sophosTime(now)}" device_serial_id="X2300TEST01" log_id=010101600001 log_type="Firewall" log_component="Firewall Rule" log_subtype="Denied" log_version=1 severity="Information" fw_rule_id=5 src_ip=198.51.100.7 dst_ip=10.0.0.1 src_port=4444 dst_port=22 protocol="TCP" message="${tag}"`;
  const ssh = `<38>${bsdTime(now)} bastion-lyon sshd[811]: Failed password for ${tag} from 203.0.113.8 port 40022 ssh2`;
  const other = `<38>${bsdTime(now)} stray-host sshd[812]: Failed password for ${tag} from 203.0.113.9 port 40023 ssh2`;
  return `${fw}\n${ssh}\n${other}\n`;
}

async function sources(token = t.adminToken): Promise<Source[]> {
  const res = await t.api("GET", "/api/v1/sources", undefined, token);
  expect(res.status, res.text).toBe(200);
  return (res.json() as { items: Source[] }).items;
}

async function sitesOf(tag: string): Promise<Record<string, string>> {
  const events = await eventually(async () => {
    const res = await t.api("GET", `/api/v1/events?q=${tag}`, undefined, t.adminToken);
    const items = (res.json() as { items: { site: string; hostname: string }[] }).items;
    return items.length === 3 ? items : undefined;
  });
  return Object.fromEntries(events.map((e) => [e.hostname, e.site]));
}

describe("sources API", () => {
  it("lists the hostnames and serials seen behind one sender address, unassigned", async () => {
    await sendTcp(lines("first"));
    expect(await sitesOf("first")).toEqual({
      "fw-paris": "default",
      "bastion-lyon": "default",
      "stray-host": "default",
    });
    const list = await sources();
    const byKey = new Map(list.map((s) => [`${s.match_type}:${s.match_value}`, s]));
    expect(byKey.get("ip:127.0.0.1")).toMatchObject({ registered: false, via: "", event_count: 3 });
    for (const k of [
      "hostname:fw-paris",
      "serial:x2300test01",
      "hostname:bastion-lyon",
      "hostname:stray-host",
    ]) {
      expect(byKey.get(k), k).toMatchObject({ registered: false, via: "127.0.0.1", site: "default" });
    }
    expect(byKey.get("hostname:fw-paris")?.event_count).toBe(1);
  });

  it("assigns each device to its own site in one request, and ingest applies it", async () => {
    const list = await sources();
    const find = (type: string, value: string) =>
      list.find((s) => s.match_type === type && s.match_value === value) as Source;
    const serial = await t.api(
      "PUT",
      `/api/v1/sources/${find("serial", "x2300test01").id}`,
      { site: "paris-01" },
      t.adminToken,
    );
    expect(serial.status, serial.text).toBe(200);
    expect(serial.json()).toMatchObject({ registered: true, site: "paris-01", via: "127.0.0.1" });
    const host = await t.api(
      "PUT",
      `/api/v1/sources/${find("hostname", "bastion-lyon").id}`,
      { site: "lyon-03" },
      t.adminToken,
    );
    expect(host.status, host.text).toBe(200);

    await sendTcp(lines("second"));
    expect(await sitesOf("second")).toEqual({
      "fw-paris": "paris-01",
      "bastion-lyon": "lyon-03",
      "stray-host": "default",
    });
  });

  it("registers by hostname ahead of time, checks input, and is read-only below admin", async () => {
    const created = await t.api(
      "POST",
      "/api/v1/sources",
      { match_type: "hostname", match_value: "Stray-Host", site: "nantes", timezone: "Europe/Paris" },
      t.adminToken,
    );
    expect(created.status, created.text).toBe(201);
    // Takes over the row the unknown device left: one row per hostname, now registered.
    const rows = (await sources()).filter((s) => s.match_value === "stray-host");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ registered: true, site: "nantes" });

    const badZone = await t.api(
      "POST",
      "/api/v1/sources",
      { match_type: "ip", match_value: "192.0.2.1", site: "x", timezone: "Mars/Olympus" },
      t.adminToken,
    );
    expect(badZone.status).toBe(400);
    expect((badZone.json() as { detail: string }).detail).toMatch(/^timezone:/);
    const badSite = await t.api("PUT", `/api/v1/sources/${rows[0]?.id}`, { site: "no spaces" }, t.adminToken);
    expect(badSite.status).toBe(400);

    const audit = await t.createUser("auditor", "audit");
    expect((await sources(audit)).length).toBeGreaterThan(0);
    const refused = await t.api("PUT", `/api/v1/sources/${rows[0]?.id}`, { site: "elsewhere" }, audit);
    expect(refused.status).toBe(403);

    const gone = await t.api("DELETE", `/api/v1/sources/${rows[0]?.id}`, undefined, t.adminToken);
    expect(gone.status).toBe(204);
    const missing = await t.api("DELETE", `/api/v1/sources/${rows[0]?.id}`, undefined, t.adminToken);
    expect(missing.status).toBe(404);
  });
});

describe("the demo's sources", () => {
  it("registers its three firewalls and their hosts under three sites, and its traffic lands there", async () => {
    const n = await registerDemoSources({
      api: t.vigil.httpUrl,
      username: "admin",
      password: TEST_ADMIN_PASSWORD,
    });
    expect(n).toBe(SITES.length * 4);
    // Again: registering is idempotent, so running the demo twice is fine.
    expect(await registerDemoSources({ api: t.vigil.httpUrl, password: TEST_ADMIN_PASSWORD })).toBe(n);
    await expect(
      registerDemoSources({ api: t.vigil.httpUrl, password: "wrong-password-123" }),
    ).rejects.toThrow(/sign-in as admin failed \(401\)/);

    const mix = createTrafficMix({ seed: 7 });
    const items = Array.from({ length: 150 }, () => mix.next());
    await sendTcp(`${items.flatMap((i) => i.lines).join("\n")}\n`);
    const counts = await eventually(async () => {
      const got: Record<string, number> = {};
      for (const s of SITES) {
        const res = await t.api("GET", `/api/v1/events?limit=1000&site=${s.site}`, undefined, t.adminToken);
        got[s.site] = (res.json() as { items: unknown[] }).items.length;
      }
      return Object.values(got).every((c) => c > 0) ? got : undefined;
    });
    expect(Object.keys(counts).sort()).toEqual(["lyon-clinic", "madrid-office", "paris-hq"]);
    const res = await t.api("GET", "/api/v1/events?limit=1000&site=default", undefined, t.adminToken);
    const strays = (res.json() as { items: { hostname: string; raw_log: string }[] }).items.filter((e) =>
      SITES.some((s) => e.raw_log.includes(s.hostname) || e.raw_log.includes(`.${s.site} `)),
    );
    expect(strays).toEqual([]);
  });
});
