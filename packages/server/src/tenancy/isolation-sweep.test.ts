import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEvent, toJsonEachRow } from "../events/test-events.js";
import { routeCatalogue } from "../http/route-catalogue.js";
import { startTestVigil, type TestVigil } from "../test-support/test-vigil.js";

/**
 * The isolation sweep: two clients, acme (site acme-paris) and globex (site globex-lyon), each with
 * events, bans, a pending ban, alerts, a source, users and keys. Then every route the app has — found
 * in the route catalogue, so a route added tomorrow is swept too — is called by acme's analyst, acme's
 * admin and a key bound to acme-paris, naming globex's objects and site wherever the route takes one.
 * No answer may carry a globex marker, and no change may land on globex's objects.
 */
const GLOBEX_IP = "203.0.113.66";
const GLOBEX_PENDING_IP = "203.0.113.67";
const ACME_IP = "198.51.100.55";
const MARKERS = ["globex", GLOBEX_IP, GLOBEX_PENDING_IP];

let t: TestVigil;
const tokens: Record<string, string> = {};
const globex: Record<string, string> = {};

async function ok(res: Promise<{ status: number; text: string }>, what: string): Promise<string> {
  const r = await res;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.text}`);
  return r.text;
}

async function signIn(username: string, role: string, client: string | null): Promise<string> {
  const password = `${username}-password-123`;
  const created = await ok(
    t.api("POST", "/api/v1/users", { username, password, role, client }, t.adminToken),
    `user ${username}`,
  );
  if (client === "globex") globex.user = (JSON.parse(created) as { id: string }).id;
  const res = await t.api("POST", "/api/v1/auth/login", { username, password });
  return (res.json() as { token: string }).token;
}

beforeAll(async () => {
  t = await startTestVigil();
  const admin = t.adminToken;
  for (const [client, site] of [
    ["acme", "acme-paris"],
    ["globex", "globex-lyon"],
  ] as const) {
    await ok(t.api("POST", "/api/v1/clients", { name: client }, admin), `client ${client}`);
    await ok(t.api("POST", "/api/v1/sites", { name: site, client }, admin), `site ${site}`);
  }
  tokens.acmeAnalyst = await signIn("acme-ana", "analyst", "acme");
  tokens.acmeAdmin = await signIn("acme-boss", "admin", "acme");
  await signIn("globex-ana", "analyst", "globex");
  tokens.acmeKey = await t.createApiKey(["read", "ingest", "metrics", "blocklist"], "acme-paris");
  const globexKey = await t.api(
    "POST",
    "/api/v1/api-keys",
    { name: "globex-siem", scopes: ["read"], site: "globex-lyon" },
    admin,
  );
  globex.key = (globexKey.json() as { id: string }).id;

  const now = Date.now();
  const gEvent = makeEvent({
    timestamp: now - 60_000,
    site: "globex-lyon",
    src_ip: GLOBEX_IP,
    message: "globex secret",
  });
  const aEvent = makeEvent({ timestamp: now - 60_000, site: "acme-paris", src_ip: ACME_IP, message: "acme" });
  globex.event = gEvent.event_id;
  await t.vigil.eventStore.insertJsonEachRow("events", toJsonEachRow([gEvent, aEvent]));

  const source = await t.api(
    "POST",
    "/api/v1/sources",
    {
      match_type: "hostname",
      match_value: "fw.globex.example",
      site: "globex-lyon",
      timezone: "UTC",
      name: "globex fw",
    },
    admin,
  );
  globex.source = (source.json() as { id: string }).id;
  await ok(
    t.api("POST", "/api/v1/bans", { ip: GLOBEX_IP, reason: "globex attacker", site: "globex-lyon" }, admin),
    "ban",
  );
  await ok(
    t.api("POST", "/api/v1/bans", { ip: ACME_IP, reason: "acme attacker", site: "acme-paris" }, admin),
    "ban",
  );

  // A mail domain and a mailbox of globex's (Vigimail), named by the :domain and :email routes.
  await ok(
    t.api("POST", "/api/v1/vigimail/domains", { domain: "globex.example", client: "globex" }, admin),
    "domain",
  );
  await ok(
    t.api("POST", "/api/v1/vigimail/emails", { email: "ceo@globex.example", client: "globex" }, admin),
    "mailbox",
  );

  const db = t.vigil.state.db;
  globex.alert = uuidv7();
  await db
    .insertInto("alerts")
    .values({
      id: globex.alert,
      source: "system",
      rule_name: "globex-rule",
      title: "globex alert",
      severity: "high",
      site: "globex-lyon",
      first_seen: new Date(now),
      last_seen: new Date(now),
    })
    .execute();
  globex.pending = uuidv7();
  await db
    .insertInto("pending_bans")
    .values({
      id: globex.pending,
      ip: GLOBEX_PENDING_IP,
      country: "",
      geo_zone: "neutral",
      threat_score: 0,
      threat_sources: [],
      event_count: 3,
      first_event: new Date(now),
      last_event: new Date(now),
      trigger_rule: "globex-scenario",
      reason: "globex pending",
      pending_type: "unverified_sender",
      site: "globex-lyon",
      created_at: new Date(now),
    })
    .execute();
}, 120_000);

afterAll(async () => {
  await t?.close();
});

/** Bodies for POST routes that only answer with data when given one (else `{}`). */
const BODIES: Record<string, unknown> = {
  // Reaches for other sites without spelling a marker (the caller's own history keeps the text).
  "/api/v1/search/kql": { query: 'Events | where site startswith "glo" or true | take 1000' },
};

/** A route's path with globex's objects in its parameters. */
function globexPath(url: string): string {
  return url.replace(/:([a-z_]+)/g, (_m, name: string) => {
    if (name === "ip") return GLOBEX_IP;
    if (name === "domain") return "globex.example";
    if (name === "email") return "ceo%40globex.example";
    if (name === "name") {
      if (url.startsWith("/api/v1/clients")) return "globex";
      if (url.startsWith("/api/v1/sites")) return "globex-lyon";
      return "globex";
    }
    const byPrefix: Array<[string, string | undefined]> = [
      ["/api/v1/alerts", globex.alert],
      ["/api/v1/bans/pending", globex.pending],
      ["/api/v1/users", globex.user],
      ["/api/v1/api-keys", globex.key],
      ["/api/v1/sources", globex.source],
      ["/api/v1/events", globex.event],
    ];
    return byPrefix.find(([p]) => url.startsWith(p))?.[1] ?? uuidv7();
  });
}

describe("client isolation across every route", () => {
  it("never gives acme's users or keys globex's data, and refuses globex's site by name", async () => {
    // Signing oneself out or changing one's own password would end the sweep's sessions: those own-account
    // changes are skipped (they touch only the caller's own account).
    const ownAccount = (r: { method: string; url: string }) =>
      r.method !== "GET" && r.url.startsWith("/api/v1/auth/");
    const routes = routeCatalogue(t.vigil.app).filter(
      (r) =>
        r.access !== "public" &&
        r.access !== undefined &&
        !r.websocket &&
        r.method !== "HEAD" &&
        r.method !== "OPTIONS" &&
        !ownAccount(r),
    );
    const leaks: string[] = [];
    let calls = 0;
    for (const route of routes) {
      const path = globexPath(route.url);
      const url = `${path}${path.includes("?") ? "&" : "?"}site=globex-lyon`;
      for (const [who, token] of Object.entries(tokens)) {
        const res = await t.api(
          route.method,
          url,
          route.method === "GET" || route.method === "DELETE" ? undefined : (BODIES[route.url] ?? {}),
          token,
        );
        calls++;
        // A refusal may repeat the site the caller named; only answers that succeeded can leak.
        const leaked = MARKERS.filter((m) => res.text.includes(m));
        if (res.status < 300 && leaked.length > 0)
          leaks.push(`${who} ${route.method} ${url} → ${res.status} shows ${leaked.join(", ")}`);
        if (route.method !== "GET" && res.status < 300 && route.url.includes(":")) {
          leaks.push(
            `${who} ${route.method} ${url} → ${res.status}: a change on globex's object went through`,
          );
        }
      }
    }
    console.log(
      `[isolation-sweep] ${routes.length} guarded routes × ${Object.keys(tokens).length} callers = ${calls} requests`,
    );
    expect(leaks).toEqual([]);
    expect(calls).toBe(routes.length * Object.keys(tokens).length);
    // The sweep reaches the routes that hold client data.
    const swept = new Set(routes.map((r) => `${r.method} ${r.url}`));
    for (const r of [
      "GET /api/v1/events",
      "GET /api/v1/ips/:ip",
      "POST /api/v1/search/kql",
      "GET /api/v1/alerts",
      "GET /api/v1/bans",
      "GET /api/v1/sites",
      "GET /api/v1/users",
    ]) {
      expect(swept).toContain(r);
    }
  }, 300_000);

  it("names the refusal: an acme analyst asking for site=globex-lyon gets 403, and without it sees acme only", async () => {
    for (const url of [
      "/api/v1/events?site=globex-lyon",
      "/api/v1/alerts?site=globex-lyon",
      "/api/v1/bans?site=globex-lyon",
    ]) {
      const res = await t.api("GET", url, undefined, tokens.acmeAnalyst);
      expect(res.status, url).toBe(403);
      expect(res.text).toContain("globex-lyon");
    }
    const events = (await t.api("GET", "/api/v1/events", undefined, tokens.acmeAnalyst)).json() as {
      items: Array<{ site: string }>;
    };
    expect(events.items.map((e) => e.site)).toEqual(["acme-paris"]);
    const bans = (await t.api("GET", "/api/v1/bans", undefined, tokens.acmeAnalyst)).json() as {
      items: Array<{ ip: string }>;
    };
    expect(bans.items.map((b) => b.ip)).toEqual([ACME_IP]);
    const sites = (await t.api("GET", "/api/v1/sites", undefined, tokens.acmeAnalyst)).json() as {
      items: Array<{ name: string }>;
    };
    expect(sites.items.map((s) => s.name)).toEqual(["acme-paris"]);
    // Globex's objects still stand after the sweep's attempts.
    const ban = (await t.api("GET", `/api/v1/bans/${GLOBEX_IP}`, undefined, t.adminToken)).json() as {
      ban: { status: string };
    };
    expect(ban.ban.status).toBe("active");
    expect((await t.api("GET", `/api/v1/alerts/${globex.alert}`, undefined, t.adminToken)).status).toBe(200);
  });

  it("refuses acme's changes to globex's objects even with a well-formed request", async () => {
    const as = tokens.acmeAdmin;
    const tries: Array<[string, string, unknown]> = [
      ["PATCH", `/api/v1/events/${globex.event}/status`, { status: "investigating" }],
      ["POST", `/api/v1/alerts/${globex.alert}/acknowledge`, {}],
      ["POST", `/api/v1/alerts/${globex.alert}/resolve`, { resolution: "false_positive" }],
      ["POST", `/api/v1/bans/pending/${globex.pending}/approve`, {}],
      ["DELETE", `/api/v1/bans/${GLOBEX_IP}`, undefined],
      ["PUT", `/api/v1/users/${globex.user}`, { role: "audit" }],
      ["DELETE", `/api/v1/api-keys/${globex.key}`, undefined],
      ["POST", "/api/v1/bans", { ip: "192.0.2.200", reason: "x", site: "globex-lyon" }],
      [
        "POST",
        "/api/v1/users",
        { username: "sneaky", password: "sneaky-password-1", role: "admin", client: "globex" },
      ],
      ["POST", "/api/v1/api-keys", { name: "sneaky", scopes: ["read"], site: "globex-lyon" }],
    ];
    for (const [method, url, body] of tries) {
      const res = await t.api(method, url, body, as);
      expect([403, 404], `${method} ${url} → ${res.status} ${res.text}`).toContain(res.status);
    }
    // A key of acme's that names globex's site in an ingested record is refused for that record.
    const ingestKey = await t.createApiKey(["ingest"], "acme-paris");
    const ingest = await t.api(
      "POST",
      "/api/v1/ingest",
      { site_id: "globex-lyon", message: "forged" },
      ingestKey,
    );
    expect(ingest.status).toBe(403);
    // A key acme's admin makes for the whole client (no site) writes to acme's sites only.
    const clientKey = (
      (await t.api("POST", "/api/v1/api-keys", { name: "acme-all", scopes: ["ingest"] }, as)).json() as {
        key: string;
      }
    ).key;
    const toGlobex = await t.api(
      "POST",
      "/api/v1/ingest",
      { site: "globex-lyon", message: "forged" },
      clientKey,
    );
    expect(toGlobex.status).toBe(403);
    const toAcme = await t.api("POST", "/api/v1/ingest", { site: "acme-paris", message: "fine" }, clientKey);
    expect(toAcme.status).toBeLessThan(300);
  });
});
