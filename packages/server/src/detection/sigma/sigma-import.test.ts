import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bsdTime } from "../../test-support/syslog-stamps.js";
import {
  eventually,
  registerTestSender,
  startTestVigil,
  type TestVigil,
} from "../../test-support/test-vigil.js";

/**
 * Issue 11's Done-when, end to end: a Sigma web-server rule imported through the API fires on a
 * matching access-log line sent over syslog (a whole Vigil: real listener, parser, engine, alerts).
 */
let t: TestVigil;

/** A web-shell probe rule in SigmaHQ's style, written for this test. */
const WEBSHELL = `
title: Web Shell Probe In Request
id: 0f6c1f2e-0000-4000-8000-0000000000aa
status: test
description: Requests for well-known web shell file names
author: Vigil tests
logsource:
  category: webserver
  product: nginx
detection:
  selection:
    cs-uri-stem|endswith:
      - '/c99.php'
      - '/r57.php'
      - '/wso.php'
  filter_static:
    sc-status: 304
  condition: selection and not filter_static
level: high
tags:
  - attack.persistence
  - attack.t1505.003
`;

function sendTcp(port: number, payload: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => s.end(payload));
    s.on("close", () => resolve());
    s.on("error", reject);
  });
}

const MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const p2 = (n: number) => String(n).padStart(2, "0");
/** An nginx combined access line, as nginx's syslog output sends it. */
function accessLine(at: number, ip: string, path: string, status: number): string {
  const d = new Date(at);
  const clf = `${p2(d.getUTCDate())}/${MON[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
  return `<190>${bsdTime(at)} web1 nginx: ${ip} - - [${clf}] "GET ${path} HTTP/1.1" ${status} 162 "-" "Mozilla/5.0 (compatible; probe)"\n`;
}

beforeAll(async () => {
  t = await startTestVigil();
  await registerTestSender(t);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe("Sigma import through the API", () => {
  it("previews with dry_run, refuses unsupported constructs by name, and needs a supervisor", async () => {
    const dry = await t.api(
      "POST",
      "/api/v1/scenarios/import/sigma",
      { yaml: WEBSHELL, dry_run: true },
      t.adminToken,
    );
    expect(dry.status).toBe(200);
    const body = dry.json() as { name: string; yaml: string; created: boolean };
    expect(body.created).toBe(false);
    expect(body.name).toBe("sigma-web-shell-probe-in-request");
    expect(body.yaml).toContain("type: trigger");
    const list = await t.api("GET", "/api/v1/scenarios", undefined, t.adminToken);
    expect((list.json() as { items: { name: string }[] }).items.map((i) => i.name)).not.toContain(body.name);

    const bad = await t.api(
      "POST",
      "/api/v1/scenarios/import/sigma",
      { yaml: WEBSHELL.replace("cs-uri-stem|endswith", "cs-cookie|windash") },
      t.adminToken,
    );
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    const errors = (bad.json() as { errors: { field: string; construct: string; line: number }[] }).errors;
    expect(errors[0]).toMatchObject({
      field: "detection.selection.cs-cookie|windash",
      construct: "field 'cs-cookie'",
      line: 12,
    });

    const analyst = await t.createUser("sigma-analyst", "analyst");
    const denied = await t.api("POST", "/api/v1/scenarios/import/sigma", { yaml: WEBSHELL }, analyst);
    expect(denied.status).toBe(403);
  });

  it("fires the imported rule on a matching nginx access line sent over syslog", async () => {
    const res = await t.api("POST", "/api/v1/scenarios/import/sigma", { yaml: WEBSHELL }, t.adminToken);
    expect(res.status).toBe(201);
    const name = (res.json() as { name: string }).name;

    const now = Date.now();
    // A benign request and a 304 on the shell path (the rule's filter) stay silent; the probe fires.
    await sendTcp(
      t.syslogPort,
      accessLine(now, "198.51.100.20", "/index.html", 200) +
        accessLine(now, "198.51.100.21", "/wp-content/c99.php", 304) +
        accessLine(now, "203.0.113.77", "/wp-content/uploads/c99.php?act=cmd", 404),
    );
    const alert = await eventually(async () => {
      const r = await t.api("GET", `/api/v1/alerts?rule=${name}`, undefined, t.adminToken);
      const items = (r.json() as { items: { rule_name: string; title: string }[] }).items;
      return items.find((a) => a.rule_name === name);
    });
    expect(alert.title).toContain("203.0.113.77");
    const all = await t.api("GET", `/api/v1/alerts?rule=${name}`, undefined, t.adminToken);
    const titles = (all.json() as { items: { title: string }[] }).items.map((a) => a.title).join("\n");
    expect(titles).not.toContain("198.51.100.2");

    const again = await t.api("POST", "/api/v1/scenarios/import/sigma", { yaml: WEBSHELL }, t.adminToken);
    expect(again.status).toBe(409);
  });
});
