import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEvent } from "../events/test-events.js";
import { openTestApp, type TestApp } from "../http/app-test-support.js";
import { EVENT_COLUMNS, eventRow } from "../ingest/normalise.js";
import { silentLog } from "../storage/clickhouse-log.js";
import type { EventStore } from "../storage/event-store.js";
import { createEventStore } from "../storage/event-store-factory.js";
import { openTestStateStore, type TestStateStore } from "../storage/state-test-support.js";
import { createDetectionEngine } from "./engine.js";
import { scenarioRoutes } from "./scenario-routes.js";
import { createScenarioStore, type ScenarioItem, type ScenarioStore } from "./scenario-store.js";
import type { Detection } from "./types.js";

const T0 = Date.UTC(2026, 4, 18, 10, 0, 0);
const extraDir = mkdtempSync(join(tmpdir(), "vigil-scenarios-"));
const chDir = mkdtempSync(join(tmpdir(), "vigil-scenario-routes-"));
let state: TestStateStore;
let store: ScenarioStore;
let events: EventStore;
let t: TestApp;
const fired: Detection[] = [];
const engine = createDetectionEngine({
  scenarios: [],
  onDetection: (d) => {
    fired.push(d);
    store.recordDetection(d);
  },
  maxSkewMs: null,
});

const VPN = `name: vpn-spray
description: password spraying
severity: high
labels: [T1110.003]
detection:
  filter: { log_type: VPN }
  threshold: 3
  window: 5m
action:
  type: alert
`;

beforeAll(async () => {
  writeFileSync(join(extraDir, "broken.yaml"), "name: broken\ndetection: {}\n");
  state = await openTestStateStore();
  store = await createScenarioStore({
    db: state.store.db,
    extraDir,
    debounceMs: 30,
    onChange: (list) => engine.replaceScenarios(list),
  });
  events = await createEventStore({
    dataDir: chDir,
    log: silentLog,
    retention: { eventsDays: 3650, modsecDays: 3650 },
  });
  const ssh = Array.from({ length: 6 }, (_, i) =>
    makeEvent({
      log_type: "SSH",
      category: "authentication",
      sub_category: "failure",
      src_ip: "45.155.205.233",
      timestamp: T0 + i * 1000,
    }),
  );
  await events.insertCompact("events", EVENT_COLUMNS, `${ssh.map(eventRow).join("\n")}\n`);
  t = await openTestApp({ features: [scenarioRoutes({ store, eventStore: events })] });
});

afterAll(async () => {
  await t?.close();
  await store?.close();
  await state?.dispose();
  await events?.close();
  rmSync(extraDir, { recursive: true, force: true });
  rmSync(chDir, { recursive: true, force: true });
});

async function call(
  method: "GET" | "POST" | "PUT" | "DELETE",
  url: string,
  role: "admin" | "analyst" | "audit",
  payload?: object,
) {
  return t.app.inject({ method, url, headers: t.as(role), ...(payload ? { payload } : {}) });
}

const sshFail = (ip: string, i: number) =>
  makeEvent({
    log_type: "SSH",
    category: "authentication",
    sub_category: "failure",
    src_ip: ip,
    timestamp: T0 + i,
  });

describe("scenario API", () => {
  it("lists the shipped scenarios (a broken folder file is skipped, not fatal)", async () => {
    const res = await call("GET", "/api/v1/scenarios", "audit");
    expect(res.statusCode).toBe(200);
    const items = (res.json() as { items: ScenarioItem[] }).items;
    expect(items.map((i) => i.name)).toContain("ssh-bruteforce");
    expect(items.map((i) => i.name)).not.toContain("broken");
    expect(store.fileErrors()[0]?.message).toMatch(/broken\.yaml:2: detection\./);
    const ssh = items.find((i) => i.name === "ssh-bruteforce");
    expect(ssh).toMatchObject({
      origin: "builtin:ssh-bruteforce.yaml",
      threshold: 5,
      window: "2m",
      action_type: "ban",
      enabled: true,
      fired_24h: 0,
      last_fired: null,
    });
    expect(ssh?.yaml).toContain("name: ssh-bruteforce");
  });

  it("an edit takes effect at once; audit may not write", async () => {
    const item = (await call("GET", "/api/v1/scenarios/ssh-bruteforce", "audit")).json() as ScenarioItem;
    const edited = item.yaml.replace("threshold: 5", "threshold: 3");
    expect(
      (await call("PUT", "/api/v1/scenarios/ssh-bruteforce", "audit", { yaml: edited })).statusCode,
    ).toBe(403);
    expect(
      (await call("PUT", "/api/v1/scenarios/ssh-bruteforce", "analyst", { yaml: edited })).statusCode,
    ).toBe(403);
    const res = await call("PUT", "/api/v1/scenarios/ssh-bruteforce", "admin", { yaml: edited });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ threshold: 3, origin: "builtin:ssh-bruteforce.yaml" });
    engine.process([0, 1, 2].map((i) => sshFail("203.0.113.50", i)));
    expect(fired.map((d) => [d.scenario, d.value])).toEqual([["ssh-bruteforce", "203.0.113.50"]]);
    const after = (await call("GET", "/api/v1/scenarios/ssh-bruteforce", "audit")).json() as ScenarioItem;
    expect(after.fired_24h).toBe(1);
    expect(after.last_fired).not.toBeNull();
  });

  it("refuses invalid YAML with field and line, leaving the running scenario untouched", async () => {
    const bad =
      "name: ssh-bruteforce\ndetection:\n  filter: { log_type: SSH }\n  threshold: 0\n  window: 2m\naction:\n  type: ban\n";
    const res = await call("PUT", "/api/v1/scenarios/ssh-bruteforce", "admin", { yaml: bad });
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.json()).toMatchObject({ status: 400, errors: [{ field: "detection.threshold", line: 4 }] });
    expect(store.get("ssh-bruteforce")?.threshold).toBe(3);

    const v = await call("POST", "/api/v1/scenarios/validate", "analyst", {
      yaml: bad.replace("threshold: 0", "threshold: 4\n  colour: red"),
    });
    expect(v.statusCode).toBe(400);
    expect(v.json()).toMatchObject({ errors: [{ field: "detection.colour", line: 5 }] });
    const ok = await call("POST", "/api/v1/scenarios/validate", "analyst", { yaml: VPN });
    expect(ok.json()).toMatchObject({
      ok: true,
      scenario: { name: "vpn-spray", detection: { threshold: 3, windowMs: 300_000 } },
    });
    expect((await call("POST", "/api/v1/scenarios/validate", "audit", { yaml: VPN })).statusCode).toBe(403);
  });

  it("creates, refuses duplicates, deletes API scenarios and disables shipped ones", async () => {
    expect((await call("POST", "/api/v1/scenarios", "admin", { yaml: VPN })).statusCode).toBe(201);
    expect((await call("POST", "/api/v1/scenarios", "admin", { yaml: VPN })).statusCode).toBe(409);
    expect(engine.scenarios().map((s) => s.name)).toContain("vpn-spray");
    expect((await call("DELETE", "/api/v1/scenarios/vpn-spray", "admin")).statusCode).toBe(204);
    expect((await call("GET", "/api/v1/scenarios/vpn-spray", "audit")).statusCode).toBe(404);

    expect((await call("DELETE", "/api/v1/scenarios/port-scan", "admin")).statusCode).toBe(204);
    expect((await call("GET", "/api/v1/scenarios/port-scan", "audit")).json()).toMatchObject({
      enabled: false,
    });
    expect(engine.scenarios().map((s) => s.name)).not.toContain("port-scan");
    expect((await call("PUT", "/api/v1/scenarios/nope", "admin", { yaml: VPN })).statusCode).toBe(404);
  });

  it("picks up a scenario dropped into the operator folder without a restart", async () => {
    writeFileSync(join(extraDir, "vpn.yaml"), VPN.replace("vpn-spray", "vpn-from-dir"));
    const deadline = Date.now() + 3000;
    while (!store.get("vpn-from-dir") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(store.get("vpn-from-dir")).toMatchObject({ origin: "dir:vpn.yaml", action_type: "alert" });
    expect(engine.scenarios().map((s) => s.name)).toContain("vpn-from-dir");

    // A bad edit (a regex that could backtrack catastrophically) is refused with file, line and
    // construct, and the last good version keeps running. (A function replacement: `$'` in a
    // replacement string means "the text after the match".)
    writeFileSync(
      join(extraDir, "vpn.yaml"),
      VPN.replace("vpn-spray", "vpn-from-dir").replace(
        "{ log_type: VPN }",
        () => "{ log_type: VPN, url: { regex: '(a+)+$' } }",
      ),
    );
    const until = Date.now() + 3000;
    const refused = () => store.fileErrors().find((e) => e.file === join(extraDir, "vpn.yaml"));
    while (!refused() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(refused()?.message).toMatch(/vpn\.yaml:\d+: detection\.filter\.url\.regex: .*nests quantifiers/);
    expect(refused()?.message).toContain("previous version of 'vpn-from-dir' keeps running");
    expect(engine.scenarios().map((s) => s.name)).toContain("vpn-from-dir");
  });

  it("backtests stored events without acting", async () => {
    const before = fired.length;
    const range = { from: new Date(T0 - 60_000).toISOString(), to: new Date(T0 + 60_000).toISOString() };
    const res = await call("POST", "/api/v1/scenarios/ssh-bruteforce/test", "analyst", range);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      scanned: 6,
      would_ban: ["45.155.205.233"],
      would_alert: [],
      capped: false,
    });
    const draft = await call("POST", "/api/v1/scenarios/anything/test", "analyst", { ...range, yaml: VPN });
    expect(draft.json()).toMatchObject({ scanned: 6, would_ban: [], detections: [] });
    expect(fired.length).toBe(before);
    expect((await call("POST", "/api/v1/scenarios/nope/test", "analyst", range)).statusCode).toBe(404);
    expect((await call("POST", "/api/v1/scenarios/ssh-bruteforce/test", "audit", range)).statusCode).toBe(
      403,
    );
  });
});
