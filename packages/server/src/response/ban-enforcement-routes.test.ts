import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestApp, type TestApp } from "../http/app-test-support.js";
import { SourceRegistry } from "../ingest/sources/source-registry.js";
import { openTestStateStore, type TestStateStore } from "../storage/state-test-support.js";
import { createTestSites } from "../tenancy/test-sites.js";
import { type BanService, createBanService } from "./ban-service.js";
import { bouncerRoutes } from "./bouncer/bouncer-routes.js";
import { createTargetRepo } from "./enforcement/target-repo.js";
import { responseRoutes } from "./response-routes.js";

/** Manual bans that need a confirmation, and where bans are enforced (issue 7, "Trust and first run"). */
describe("manual ban confirmation and enforcement status", () => {
  let t: TestApp;
  let state: TestStateStore;
  let bans: BanService;
  let sources: SourceRegistry;

  beforeAll(async () => {
    state = await openTestStateStore();
    bans = createBanService({ db: state.store.db });
    await createTestSites(state.store.db, ["paris", "lyon"]);
    sources = await SourceRegistry.open(state.store.db, "UTC", { warn() {}, error() {} });
    t = await openTestApp({
      features: [responseRoutes({ db: state.store.db, bans }), bouncerRoutes({ db: state.store.db })],
    });
  });
  afterAll(async () => {
    await sources?.close();
    await t?.close();
    await state?.dispose();
  });

  const call = (
    method: "GET" | "POST" | "DELETE",
    url: string,
    who: "admin" | "analyst" | "audit",
    payload?: object,
  ) => t.app.inject({ method, url, headers: t.as(who), ...(payload ? { payload } : {}) });
  const ban = (ip: string, confirm?: boolean) =>
    call("POST", "/api/v1/bans", "analyst", { ip, reason: "test", ...(confirm ? { confirm } : {}) });

  it("says bans are enforced nowhere while there is no target and no bouncer", async () => {
    const res = await call("GET", "/api/v1/bans/enforcement", "audit");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      targets_enabled: 0,
      targets_failing: 0,
      bouncers: 0,
      bouncers_live: 0,
      enforced: false,
    });
  });

  it.each([
    ["10.0.0.5", "private", /10\.0\.0\.5 is a private address/],
    ["127.0.0.1", "loopback", /loopback/],
    ["169.254.10.20", "link_local", /link-local/],
    ["fe80::1", "link_local", /link-local/],
    ["fd12::7", "private", /private/],
  ])("asks before banning %s (409 %s), bans with confirm (201)", async (ip, kind, detail) => {
    const refused = await ban(ip);
    expect(refused.statusCode).toBe(409);
    expect(refused.headers["content-type"]).toMatch(/problem\+json/);
    expect(refused.json()).toMatchObject({ status: 409, confirm_required: true, risks: [{ kind }] });
    expect(refused.json().detail).toMatch(detail);
    expect(refused.json().detail).toMatch(/"confirm": true/);
    expect((await call("GET", `/api/v1/bans/${ip}`, "audit")).statusCode).toBe(404);

    const confirmed = await ban(ip, true);
    expect(confirmed.statusCode).toBe(201);
    expect(confirmed.json()).toMatchObject({ status: "active", source: "manual" });
  });

  it("bans a public IP without asking", async () => {
    expect((await ban("45.33.32.156")).statusCode).toBe(201);
  });

  it("asks before banning a registered log sender or an address inside its network", async () => {
    await sources.register({ match_type: "ip", match_value: "198.51.100.7", site: "paris", timezone: "UTC" });
    await sources.register({
      match_type: "ip",
      match_value: "192.0.2.0/24",
      site: "lyon",
      timezone: "UTC",
      name: "lyon dmz",
    });
    const exact = await ban("198.51.100.7");
    expect(exact.statusCode).toBe(409);
    expect(exact.json().risks).toEqual([
      { kind: "source_network", detail: expect.stringMatching(/site paris/) },
    ]);
    const inside = await ban("192.0.2.99");
    expect(inside.statusCode).toBe(409);
    expect(inside.json().detail).toMatch(/inside registered log source "lyon dmz" \(192\.0\.2\.0\/24\)/);
    // A neighbour outside the network, and an unregistered sender, are ordinary IPs.
    expect((await ban("198.51.100.8")).statusCode).toBe(201);
    expect((await ban("192.0.2.99", true)).statusCode).toBe(201);
  });

  it("asks before banning a soft-whitelisted IP and still refuses a hard-whitelisted one, even confirmed", async () => {
    const soft = await call("POST", "/api/v1/whitelist", "analyst", {
      ip: "203.0.113.0/28",
      type: "soft",
      reason: "partner",
    });
    expect(soft.statusCode).toBe(201);
    const asked = await ban("203.0.113.3");
    expect(asked.statusCode).toBe(409);
    expect(asked.json()).toMatchObject({ confirm_required: true, risks: [{ kind: "whitelisted" }] });
    expect(asked.json().detail).toMatch(/whitelisted \(soft\) by 203\.0\.113\.0\/28 \(partner\)/);
    expect((await ban("203.0.113.3", true)).statusCode).toBe(201);

    await call("POST", "/api/v1/whitelist", "analyst", {
      ip: "203.0.113.200",
      type: "hard",
      reason: "office",
    });
    const hard = await ban("203.0.113.200", true);
    expect(hard.statusCode).toBe(409);
    expect(hard.json().confirm_required).toBeUndefined();
    expect(hard.json().detail).toMatch(/hard-whitelisted/);
  });

  it("lists the IPs banned now", async () => {
    const res = await call("GET", "/api/v1/bans/active-ips", "audit");
    expect(res.statusCode).toBe(200);
    expect(res.json().truncated).toBe(false);
    expect(res.json().ips).toEqual(expect.arrayContaining(["10.0.0.5", "45.33.32.156", "203.0.113.3"]));
    expect(res.json().ips).not.toContain("198.51.100.7");
    await call("DELETE", "/api/v1/bans/45.33.32.156", "analyst");
    expect((await call("GET", "/api/v1/bans/active-ips", "audit")).json().ips).not.toContain("45.33.32.156");
  });

  it("shows where one ban is enforced: each target's sync state and each bouncer's pull", async () => {
    const db = state.store.db;
    const repo = createTargetRepo(db);
    const ip = "198.51.100.8";
    const xgsOk = await repo.insert({
      id: crypto.randomUUID(),
      name: "a-xgs",
      type: "sophos_xgs",
      enabled: true,
      config: {},
    });
    const hook = await repo.insert({
      id: crypto.randomUUID(),
      name: "b-hook",
      type: "webhook",
      enabled: true,
      config: {},
    });
    await repo.insert({
      id: crypto.randomUUID(),
      name: "c-xgs-new",
      type: "sophos_xgs",
      enabled: true,
      config: {},
    });
    await repo.insert({
      id: crypto.randomUUID(),
      name: "d-off",
      type: "webhook",
      enabled: false,
      config: {},
    });
    const failing = await repo.insert({
      id: crypto.randomUUID(),
      name: "e-down",
      type: "sophos_xgs",
      enabled: true,
      config: {},
    });
    await repo.setStatus(xgsOk.id, { state: "ok", last_error: null, in_sync: 1, pending: 0 });
    await repo.setStatus(failing.id, {
      state: "failing",
      last_error: "no route to host",
      in_sync: 0,
      pending: 1,
    });
    const current = (await call("GET", `/api/v1/bans/${ip}`, "audit")).json().ban;
    await repo.markDelivered(hook.id, ip, current.status, new Date(current.expires_at));

    const created = await call("POST", "/api/v1/bouncers", "admin", { name: "nginx" });
    const key = created.json().api_key as string;
    let res = await call("GET", `/api/v1/bans/${ip}/enforcement`, "audit");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ip, in_force: true });
    expect(res.json().targets.map((x: { name: string; state: string }) => [x.name, x.state])).toEqual([
      ["a-xgs", "synced"],
      ["b-hook", "synced"],
      ["c-xgs-new", "pending"],
      ["d-off", "disabled"],
      ["e-down", "failing"],
    ]);
    expect(res.json().targets[4].last_error).toBe("no route to host");
    expect(res.json().bouncers).toEqual([
      { id: created.json().id, name: "nginx", last_pull: null, pulled_since_change: false },
    ]);
    expect((await call("GET", "/api/v1/bans/enforcement", "audit")).json()).toEqual({
      targets_enabled: 4,
      targets_failing: 1,
      bouncers: 1,
      bouncers_live: 0,
      enforced: true,
    });

    const pull = await t.app.inject({
      method: "GET",
      url: "/v1/decisions/stream?startup=true",
      headers: { "x-api-key": key },
    });
    expect(pull.statusCode).toBe(200);
    res = await call("GET", `/api/v1/bans/${ip}/enforcement`, "audit");
    expect(res.json().bouncers[0].pulled_since_change).toBe(true);
    expect((await call("GET", "/api/v1/bans/enforcement", "audit")).json().bouncers_live).toBe(1);

    // Lifted: the webhook still holds it until told, the firewall until its next sync.
    await call("DELETE", `/api/v1/bans/${ip}`, "analyst");
    res = await call("GET", `/api/v1/bans/${ip}/enforcement`, "audit");
    expect(res.json().in_force).toBe(false);
    const states = Object.fromEntries(
      res.json().targets.map((x: { name: string; state: string }) => [x.name, x.state]),
    );
    expect(states).toMatchObject({ "a-xgs": "pending", "b-hook": "pending" });
    expect(res.json().bouncers[0].pulled_since_change).toBe(false);
    await repo.forget(hook.id, ip);
    res = await call("GET", `/api/v1/bans/${ip}/enforcement`, "audit");
    expect(res.json().targets[1].state).toBe("synced");

    expect((await call("GET", "/api/v1/bans/203.0.113.99/enforcement", "audit")).statusCode).toBe(404);
    expect((await call("GET", "/api/v1/bans/nope/enforcement", "audit")).statusCode).toBe(400);
  });

  it("documents the new routes and the confirm question in the OpenAPI document", async () => {
    type Op = {
      responses?: Record<string, { content?: Record<string, { schema?: { properties?: object } }> }>;
    };
    const doc = (await t.app.inject({ method: "GET", url: "/api/docs/json" })).json() as {
      paths: Record<string, Record<string, Op>>;
    };
    for (const path of [
      "/api/v1/bans/enforcement",
      "/api/v1/bans/active-ips",
      "/api/v1/bans/{ip}/enforcement",
    ])
      expect(doc.paths[path]?.get, path).toBeDefined();
    const conflict = doc.paths["/api/v1/bans"]?.post?.responses?.["409"]?.content;
    expect(JSON.stringify(conflict)).toContain("confirm_required");
  });

  it("needs a signed-in user for every new read", async () => {
    for (const url of [
      "/api/v1/bans/enforcement",
      "/api/v1/bans/active-ips",
      "/api/v1/bans/10.0.0.5/enforcement",
    ])
      expect((await t.app.inject({ method: "GET", url })).statusCode).toBe(401);
  });
});
