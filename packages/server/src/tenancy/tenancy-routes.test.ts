import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEvent, toJsonEachRow } from "../events/test-events.js";
import { startTestVigil, type TestVigil } from "../test-support/test-vigil.js";
import { silentSenderAlerts } from "./silent-senders.js";

/** Clients and sites as an operator admin manages them, and what refuses bad input. */
let t: TestVigil;

const call = (method: string, url: string, body?: unknown, token?: string) =>
  t.api(method, url, body, token ?? t.adminToken);

beforeAll(async () => {
  t = await startTestVigil();
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe("clients and sites", () => {
  it("creates a client and its site, lists them with counts, and renames the client with its sites following", async () => {
    expect((await call("POST", "/api/v1/clients", { name: "initech", description: "Printers" })).status).toBe(
      201,
    );
    const site = await call("POST", "/api/v1/sites", { name: "initech-austin", client: "initech" });
    expect(site.status).toBe(201);
    expect(site.json()).toMatchObject({
      name: "initech-austin",
      client: "initech",
      event_count: 0,
      source_count: 0,
    });
    const clients = (await call("GET", "/api/v1/clients")).json() as {
      items: Array<{ name: string; site_count: number }>;
    };
    expect(clients.items.find((c) => c.name === "initech")?.site_count).toBe(1);

    expect((await call("PUT", "/api/v1/clients/initech", { name: "initrode" })).status).toBe(200);
    const moved = (await call("GET", "/api/v1/sites/initech-austin")).json() as { site: { client: string } };
    expect(moved.site.client).toBe("initrode");
  });

  it("answers bad input with the problem named: unknown client 400, duplicate 409, bad name 400", async () => {
    const unknown = await call("POST", "/api/v1/sites", { name: "nowhere-1", client: "no-such-client" });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain("no-such-client");
    expect((await call("POST", "/api/v1/clients", { name: "initrode" })).status).toBe(409);
    expect((await call("POST", "/api/v1/sites", { name: "Bad Name!", client: "initrode" })).status).toBe(400);
    expect((await call("PUT", "/api/v1/sites/initech-austin", {})).status).toBe(400);
    expect((await call("GET", "/api/v1/sites/no-such-site")).status).toBe(404);
    const source = await call("POST", "/api/v1/sources", {
      match_type: "ip",
      match_value: "192.0.2.44",
      site: "not-a-site",
      timezone: "UTC",
    });
    expect(source.status).toBe(400);
    expect(source.text).toContain("not-a-site");
  });

  it("refuses to delete what still holds data, saying what holds it", async () => {
    await call("POST", "/api/v1/sources", {
      match_type: "hostname",
      match_value: "fw.initech.example",
      site: "initech-austin",
      timezone: "UTC",
    });
    const site = await call("DELETE", "/api/v1/sites/initech-austin");
    expect(site.status).toBe(409);
    expect(site.text).toContain("1 sources");
    const client = await call("DELETE", "/api/v1/clients/initrode");
    expect(client.status).toBe(409);
    expect(client.text).toContain("1 sites");

    await call("POST", "/api/v1/sites", { name: "initech-dallas", client: "initrode" });
    await t.vigil.eventStore.insertJsonEachRow(
      "events",
      toJsonEachRow([makeEvent({ site: "initech-dallas" })]),
    );
    const withEvents = await call("DELETE", "/api/v1/sites/initech-dallas");
    expect(withEvents.status).toBe(409);
    expect(withEvents.text).toContain("stored events");

    await call("POST", "/api/v1/sites", { name: "initech-empty", client: "initrode" });
    expect((await call("DELETE", "/api/v1/sites/initech-empty")).status).toBe(204);
  });

  it("names a client's Vigimail domains before deleting the client, then deletes it once they are gone", async () => {
    expect((await call("POST", "/api/v1/clients", { name: "umbrella" })).status).toBe(201);
    const added = await call("POST", "/api/v1/vigimail/domains", {
      domain: "umbrella.example",
      client: "umbrella",
    });
    expect(added.status, added.text).toBe(201);
    const refused = await call("DELETE", "/api/v1/clients/umbrella");
    expect(refused.status).toBe(409);
    expect(refused.text).toContain("1 Vigimail domains");
    expect((await call("DELETE", "/api/v1/vigimail/domains/umbrella.example")).status).toBe(204);
    expect((await call("DELETE", "/api/v1/clients/umbrella")).status).toBe(204);
  });

  it("keeps clients and site writes to operator admins; a client's user reads its own sites only", async () => {
    await call("POST", "/api/v1/users", {
      username: "initrode-admin",
      password: "initrode-admin-pass-1",
      role: "admin",
      client: "initrode",
    });
    const login = await call("POST", "/api/v1/auth/login", {
      username: "initrode-admin",
      password: "initrode-admin-pass-1",
    });
    const token = (login.json() as { token: string }).token;
    expect((await call("GET", "/api/v1/clients", undefined, token)).status).toBe(403);
    expect((await call("POST", "/api/v1/sites", { name: "x-1", client: "initrode" }, token)).status).toBe(
      403,
    );
    const sites = (await call("GET", "/api/v1/sites", undefined, token)).json() as {
      items: Array<{ name: string }>;
    };
    expect(sites.items.map((s) => s.name)).toEqual(["initech-austin", "initech-dallas"]);
    const health = (await call("GET", "/api/v1/sites/initech-dallas", undefined, token)).json() as {
      health: { last_event: string | null; active_bans: number };
    };
    expect(health.health.last_event).not.toBeNull();
    expect((await call("GET", "/api/v1/sites/default", undefined, token)).status).toBe(403);
  });

  it("raises a site-silent alert for a registered sender quiet past the limit, carrying its site", async () => {
    const now = Date.now();
    const alerts = await silentSenderAlerts(t.vigil.state.db, {
      now: now + 20 * 60_000,
      silentAfterMs: 15 * 60_000,
    });
    const forInitech = alerts.find((a) => a.site === "initech-austin");
    expect(forInitech).toMatchObject({ rule_name: "system:site_silent", severity: "high" });
    expect(forInitech?.title).toContain("fw.initech.example");
    expect(await silentSenderAlerts(t.vigil.state.db, { now, silentAfterMs: 15 * 60_000 })).toEqual([]);
  });
});
