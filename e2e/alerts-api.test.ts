import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventually,
  registerTestSender,
  startTestVigil,
  type TestVigil,
} from "../packages/server/src/test-support/test-vigil.js";
import { sendTcp, sophosTime, sshdFailure } from "./support/syslog.js";

/**
 * The first "done when", as an operator meets it over the API: a webhook channel to a local
 * receiver, the rule "≥ 20 firewall drops from one src_ip in 1 m", 25 such lines over syslog → one
 * alert and one signed webhook call; acknowledge and resolve land in the alert's history; an
 * audit-role user may read but not act.
 */
const SECRET = "e2e-webhook-secret-0123456789";
const ATTACKER = "185.220.101.33";

interface Call {
  at: number;
  body: string;
  signature: string | undefined;
}

let t: TestVigil;
let receiver: Server;
let receiverUrl: string;
const calls: Call[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString("utf8");
    });
    req.on("end", () => {
      calls.push({ at: Date.now(), body, signature: req.headers["x-vigil-signature"] as string | undefined });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  t = await startTestVigil({ VIGIL_WEBHOOK_ALLOWLIST: "127.0.0.1" });
  // Bans come only from registered senders' events (docs/THREAT-MODEL.md): register ours, as a user would.
  await registerTestSender(t);
}, 120_000);
afterAll(async () => {
  await t?.close();
  receiver?.close();
});

function drop(i: number): string {
  return `<30>device_name="SFW" timestamp="${sophosTime(Date.now())}" device_serial_id="X21000E2E" log_id=010101600001 log_type="Firewall" log_component="Firewall Rule" log_subtype="Denied" log_version=1 severity="Information" fw_rule_id=5 src_ip=${ATTACKER} dst_ip=10.0.0.1 src_port=${40000 + i} dst_port=22 protocol="TCP"`;
}

interface AlertJson {
  id: string;
  state: string;
  rule_name: string;
  group_value: string;
  count: number;
  history: { action: string; actor: string }[];
}

describe("alerts over the API", () => {
  let alertId = "";

  it("25 firewall drops from one IP raise exactly one alert and one signed webhook call, at once", async () => {
    const channel = await t.api(
      "POST",
      "/api/v1/channels",
      { name: "soc-receiver", type: "webhook", config: { url: receiverUrl, secret: SECRET } },
      t.adminToken,
    );
    expect(channel.status, channel.text).toBe(201);
    expect(channel.text).not.toContain(SECRET);
    const channelId = (channel.json() as { id: string }).id;
    const rule = await t.api(
      "POST",
      "/api/v1/alert-rules",
      {
        name: "firewall-drops-per-source",
        severity: "high",
        channels: [channelId],
        detection: {
          filter: { log_type: "Firewall", action: "drop" },
          threshold: 20,
          window: "1m",
          group_by: "src_ip",
        },
      },
      t.adminToken,
    );
    expect(rule.status, rule.text).toBe(201);

    const sentAt = Date.now();
    await sendTcp(t.syslogPort, `${Array.from({ length: 25 }, (_, i) => drop(i)).join("\n")}\n`);
    const call = await eventually(async () => calls[0], 30_000);
    const ms = call.at - sentAt;
    console.log(`[alerts] 25 syslog lines → signed webhook received in ${ms} ms`);
    // The 2 s goal is measured under load by bench/alerts; the test asserts that the webhook arrives.
    const expected = `sha256=${createHmac("sha256", SECRET).update(call.body).digest("hex")}`;
    expect(call.signature).toBe(expected);
    expect(JSON.parse(call.body)).toMatchObject({
      type: "alert",
      alert: { rule: "firewall-drops-per-source", group_value: ATTACKER, severity: "high" },
    });

    const list = await eventually(async () => {
      const res = await t.api(
        "GET",
        "/api/v1/alerts?rule=firewall-drops-per-source",
        undefined,
        t.adminToken,
      );
      const items = (res.json() as { items: AlertJson[] }).items;
      return items.length > 0 ? items : undefined;
    });
    // The 5 lines past the threshold are part of the same attack: no second alert, no second call.
    await new Promise((r) => setTimeout(r, 1000));
    const again = await t.api(
      "GET",
      "/api/v1/alerts?rule=firewall-drops-per-source",
      undefined,
      t.adminToken,
    );
    expect((again.json() as { items: AlertJson[] }).items).toHaveLength(1);
    expect(list[0]).toMatchObject({ group_value: ATTACKER, state: "new" });
    expect(calls).toHaveLength(1);
    alertId = list[0]?.id ?? "";
  });

  it("an audit-role user reads the alert but gets 403 on every action", async () => {
    const auditor = await t.createUser("auditor", "audit");
    expect((await t.api("GET", `/api/v1/alerts/${alertId}`, undefined, auditor)).status).toBe(200);
    for (const [path, body] of [
      ["acknowledge", {}],
      ["resolve", { resolution: "resolved" }],
      ["comments", { text: "mine" }],
      ["assign", { user: "admin" }],
      ["escalate", { user: "admin" }],
    ] as const) {
      const res = await t.api("POST", `/api/v1/alerts/${alertId}/${path}`, body, auditor);
      expect(res.status, path).toBe(403);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
  });

  it("acknowledging and resolving through the API are both in the alert's history, with who did it", async () => {
    const ack = await t.api(
      "POST",
      `/api/v1/alerts/${alertId}/acknowledge`,
      { note: "looking" },
      t.adminToken,
    );
    expect(ack.status, ack.text).toBe(200);
    expect((ack.json() as AlertJson).state).toBe("acknowledged");
    const res = await t.api(
      "POST",
      `/api/v1/alerts/${alertId}/resolve`,
      { resolution: "resolved", note: "blocked upstream" },
      t.adminToken,
    );
    expect(res.status, res.text).toBe(200);
    const detail = (
      await t.api("GET", `/api/v1/alerts/${alertId}`, undefined, t.adminToken)
    ).json() as AlertJson & {
      events: { src_ip: string }[];
    };
    expect(detail.state).toBe("resolved");
    const actions = detail.history.map((h) => `${h.action}:${h.actor}`);
    expect(actions).toEqual(
      expect.arrayContaining(["created:system", "acknowledged:admin", "resolved:admin"]),
    );
    expect(actions.indexOf("acknowledged:admin")).toBeLessThan(actions.indexOf("resolved:admin"));
    expect(detail.events.length).toBeGreaterThan(0);
    expect(detail.events.every((e) => e.src_ip === ATTACKER)).toBe(true);
  });

  it("an enforcement target that fails raises a system alert naming it, sent to channels by severity", async () => {
    const channel = await t.api(
      "POST",
      "/api/v1/channels",
      {
        name: "on-call",
        type: "webhook",
        min_severity: "high",
        config: { url: `${receiverUrl}?on-call`, secret: SECRET },
      },
      t.adminToken,
    );
    expect(channel.status, channel.text).toBe(201);
    const target = await t.api(
      "POST",
      "/api/v1/enforcement/targets",
      {
        name: "branch-xgs",
        type: "sophos_xgs",
        enabled: true,
        config: {
          url: "https://127.0.0.1:1",
          username: "api",
          password: "firewall-pass-1",
          verify_tls: false,
        },
      },
      t.adminToken,
    );
    expect(target.status, target.text).toBe(201);
    await t.api("POST", "/api/v1/bans", { ip: "198.51.100.50", reason: "e2e" }, t.adminToken);
    const alert = await eventually(async () => {
      const res = await t.api("GET", "/api/v1/alerts?source=system", undefined, t.adminToken);
      return (res.json() as { items: (AlertJson & { title: string; severity: string })[] }).items.find(
        (a) => a.rule_name === "system:enforcement_failing",
      );
    });
    expect(alert.title).toContain("branch-xgs");
    expect(alert.severity).toBe("high");
    const call = await eventually(async () =>
      calls.find((c) => c.body.includes("system:enforcement_failing")),
    );
    expect(call.signature).toBe(`sha256=${createHmac("sha256", SECRET).update(call.body).digest("hex")}`);
  });

  it("a scenario whose action is alert, and a ban held for approval, each raise an alert", async () => {
    const yaml = [
      "name: rdp-knocking",
      'description: "Connections dropped on RDP: alert, do not ban"',
      "enabled: true",
      "severity: high",
      "detection:",
      "  source: events",
      "  filter: { log_type: Firewall, action: drop, dst_port: 3389 }",
      "  threshold: 3",
      "  window: 1m",
      "  group_by: src_ip",
      "action:",
      "  type: alert",
      "  validate_threat: false",
    ].join("\n");
    const created = await t.api("POST", "/api/v1/scenarios", { yaml }, t.adminToken);
    expect(created.status, created.text).toBe(201);
    const rdp = (i: number) =>
      drop(i)
        .replace("src_ip=185.220.101.33", "src_ip=185.220.101.34")
        .replace("dst_port=22", "dst_port=3389");
    await sendTcp(t.syslogPort, `${[0, 1, 2].map(rdp).join("\n")}\n`);
    const fromScenario = await eventually(async () => {
      const res = await t.api("GET", "/api/v1/alerts?rule=rdp-knocking", undefined, t.adminToken);
      return (res.json() as { items: (AlertJson & { source: string })[] }).items[0];
    });
    expect(fromScenario).toMatchObject({ source: "scenario", group_value: "185.220.101.34", count: 3 });
    const ban = await t.api("GET", "/api/v1/bans/185.220.101.34", undefined, t.adminToken);
    expect((ban.json() as { ban: unknown }).ban ?? null).toBeNull(); // alert only: no ban

    // An sshd brute force from an authorized country waits for approval, and the analyst is told.
    const geo = await t.api("GET", "/api/v1/geozone", undefined, t.adminToken);
    const put = await t.api(
      "PUT",
      "/api/v1/geozone",
      { ...(geo.json() as object), enabled: true, authorized_countries: ["FR"], hostile_countries: [] },
      t.adminToken,
    );
    expect(put.status, put.text).toBe(200);
    const at = Math.floor(Date.now() / 1000) * 1000;
    const lines = Array.from({ length: 6 }, (_, i) => sshdFailure(`user${i}`, at, "90.12.77.42").line);
    await sendTcp(t.syslogPort, `${lines.join("\n")}\n`);
    const pending = await eventually(async () => {
      const res = await t.api("GET", "/api/v1/alerts?source=pending_ban", undefined, t.adminToken);
      return (res.json() as { items: (AlertJson & { title: string })[] }).items[0];
    });
    expect(pending.group_value).toBe("90.12.77.42");
    expect(pending.title).toContain("waits for approval");
  });
});
