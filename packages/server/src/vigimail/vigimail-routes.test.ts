import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestVigil, type TestVigil } from "../test-support/test-vigil.js";
import { startTestDnsServer, type TestDnsServer } from "./dns-test-server.js";
import { fakeBreach, type LeakTestServer, startLeakTestServer } from "./leak-test-server.js";
import { createVigimail } from "./vigimail-feature.js";

/**
 * Vigimail end to end over HTTP: a whole Vigil whose VIGIL_DNS_SERVERS names a local DNS server and
 * whose HIBP / LeakCheck URLs name a local fake; nothing here touches the internet.
 */
let t: TestVigil;
let dns: TestDnsServer;
let fake: LeakTestServer;
let acmeAnalyst: string;

const enc = encodeURIComponent;
interface Check {
  spf_exists: boolean;
  spf_valid: boolean;
  spf_all: string | null;
  spf_issues: Array<{ code: string; message: string; fix: string }>;
  dmarc_exists: boolean;
  dmarc_policy: string | null;
  dmarc_issues: Array<{ code: string }>;
  mx_exists: boolean;
  mx_records: Array<{ exchange: string }>;
  overall_score: number;
  overall_status: string;
}

async function ok(res: Promise<{ status: number; text: string; json: () => unknown }>, what: string) {
  const r = await res;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.text}`);
  return r.json();
}

beforeAll(async () => {
  dns = await startTestDnsServer({
    "weak.test": { txt: ["v=spf1 +all"], mx: [{ priority: 10, exchange: "mx.weak.test" }] },
    "_dmarc.weak.test": { txt: ["v=DMARC1; p=none"] },
    "mx.weak.test": { a: ["192.0.2.10"] },
    "strong.test": {
      txt: ["v=spf1 ip4:192.0.2.0/24 -all"],
      mx: [{ priority: 10, exchange: "mx.strong.test" }],
    },
    "_dmarc.strong.test": { txt: ["v=DMARC1; p=reject; rua=mailto:d@strong.test"] },
    "mx.strong.test": { a: ["192.0.2.11"] },
    "acme.test": { txt: ["v=spf1 -all"] },
    "globex.test": { txt: ["v=spf1 -all"] },
  });
  fake = await startLeakTestServer();
  fake.hibpAccounts.set("victim@strong.test", [
    fakeBreach("Adobe"),
    fakeBreach("Gawker", { IsVerified: false }),
  ]);
  fake.leakcheckAccounts.set("victim@strong.test", [
    { name: "BreachedWebsite.net", breach_date: "2019-07", fields: ["username", "password"] },
  ]);
  t = await startTestVigil({
    VIGIL_DNS_SERVERS: dns.address,
    VIGIL_HIBP_URL: fake.hibpUrl,
    VIGIL_HIBP_KEY: fake.hibpKey,
    VIGIL_LEAKCHECK_URL: fake.leakcheckUrl,
  });
  // Tests need not wait HIBP's 10-per-minute pacing.
  await ok(
    t.api(
      "PUT",
      "/api/v1/vigimail/config",
      { providers: { hibp: { requests_per_minute: 5000 } } },
      t.adminToken,
    ),
    "config",
  );
  for (const [client, site] of [
    ["acme", "acme-paris"],
    ["globex", "globex-lyon"],
  ]) {
    await ok(t.api("POST", "/api/v1/clients", { name: client }, t.adminToken), "client");
    await ok(t.api("POST", "/api/v1/sites", { name: site, client }, t.adminToken), "site");
  }
  await ok(
    t.api(
      "POST",
      "/api/v1/users",
      { username: "acme-ana", password: "acme-ana-password-1", role: "analyst", client: "acme" },
      t.adminToken,
    ),
    "user",
  );
  acmeAnalyst = (
    (
      await t.api("POST", "/api/v1/auth/login", { username: "acme-ana", password: "acme-ana-password-1" })
    ).json() as { token: string }
  ).token;
}, 120_000);

afterAll(async () => {
  await t?.close();
  await dns?.close();
  await fake?.close();
});

describe("domain posture over the API", () => {
  it("reports SPF +all failing, DMARC p=none flagged, MX present, and scores it below -all / p=reject", async () => {
    for (const domain of ["weak.test", "strong.test"]) {
      await ok(t.api("POST", "/api/v1/vigimail/domains", { domain }, t.adminToken), `add ${domain}`);
      await ok(
        t.api("POST", `/api/v1/vigimail/domains/${domain}/check`, {}, t.adminToken),
        `check ${domain}`,
      );
    }
    const weak = (await ok(
      t.api("GET", "/api/v1/vigimail/domains/weak.test/dns", undefined, t.adminToken),
      "dns",
    )) as {
      check: Check;
      history: unknown[];
    };
    expect(weak.check).toMatchObject({
      spf_exists: true,
      spf_valid: false,
      spf_all: "+all",
      dmarc_exists: true,
      dmarc_policy: "none",
      mx_exists: true,
    });
    const plusAll = weak.check.spf_issues.find((i) => i.code === "spf_plus_all");
    expect(plusAll?.message).toContain("+all");
    expect(plusAll?.fix).toContain("-all");
    expect(weak.check.dmarc_issues.map((i) => i.code)).toContain("dmarc_policy_none");
    expect(weak.check.mx_records.map((m) => m.exchange)).toEqual(["mx.weak.test"]);
    expect(weak.history).toHaveLength(1);
    const strong = (await ok(
      t.api("GET", "/api/v1/vigimail/domains/strong.test/dns", undefined, t.adminToken),
      "dns",
    )) as {
      check: Check;
    };
    expect(strong.check.spf_valid).toBe(true);
    expect(weak.check.overall_score).toBeLessThan(strong.check.overall_score);
    // The DNS answers came from the test's server.
    expect(dns.queries).toContain("_dmarc.weak.test");
  });

  it("raises an alert when a domain scores worse than last time", async () => {
    dns.zone.set("_dmarc.strong.test", { txt: ["v=DMARC1; p=none"] });
    const r = (await ok(
      t.api("POST", "/api/v1/vigimail/domains/strong.test/check", {}, t.adminToken),
      "check",
    )) as { check: Check };
    expect(r.check.dmarc_policy).toBe("none");
    const alerts = await t.vigil.state.db
      .selectFrom("alerts")
      .select(["rule_name", "title"])
      .where("rule_name", "=", "vigimail:posture_worse")
      .execute();
    expect(alerts.map((a) => a.title).join()).toContain("strong.test");
    dns.zone.set("_dmarc.strong.test", { txt: ["v=DMARC1; p=reject; rua=mailto:d@strong.test"] });
  });

  it("reports a SERVFAIL on each check as such, never as a missing record", async () => {
    for (const name of ["broken.test", "_dmarc.broken.test", "_dmarc.test"])
      dns.zone.set(name, { fail: "servfail" });
    await ok(t.api("POST", "/api/v1/vigimail/domains", { domain: "broken.test" }, t.adminToken), "add");
    const r = (await ok(
      t.api("POST", "/api/v1/vigimail/domains/broken.test/check", {}, t.adminToken),
      "check",
    )) as {
      check: Check & {
        spf_lookup: string;
        dmarc_lookup: string;
        mx_lookup: string;
        mx_issues: Array<{ code: string }>;
      };
    };
    expect(r.check).toMatchObject({
      spf_lookup: "servfail",
      dmarc_lookup: "servfail",
      mx_lookup: "servfail",
    });
    const codes = [...r.check.spf_issues, ...r.check.dmarc_issues, ...r.check.mx_issues].map((i) => i.code);
    expect(codes).toEqual(["spf_lookup_failed", "dmarc_lookup_failed", "mx_lookup_failed"]);
    expect(r.check.spf_issues[0]?.message).toContain("SERVFAIL");
  });

  it("keeps 90 days of checks", async () => {
    const db = t.vigil.state.db;
    const d = await db
      .selectFrom("vigimail_domains")
      .select("id")
      .where("domain", "=", "weak.test")
      .executeTakeFirstOrThrow();
    const old = await db
      .selectFrom("vigimail_domain_checks")
      .selectAll()
      .where("domain_id", "=", d.id)
      .executeTakeFirstOrThrow();
    await db
      .insertInto("vigimail_domain_checks")
      .values({
        ...old,
        id: crypto.randomUUID(),
        checked_at: new Date(Date.now() - 91 * 86_400_000),
        result: JSON.stringify(old.result),
      })
      .execute();
    await ok(t.api("POST", "/api/v1/vigimail/domains/weak.test/check", {}, t.adminToken), "check");
    const dnsView = (await ok(
      t.api("GET", "/api/v1/vigimail/domains/weak.test/dns", undefined, t.adminToken),
      "dns",
    )) as {
      history: Array<{ checked_at: string }>;
    };
    expect(dnsView.history).toHaveLength(2);
    expect(dnsView.history.every((h) => Date.parse(h.checked_at) > Date.now() - 90 * 86_400_000)).toBe(true);
  });

  it("learns DKIM selectors from pasted headers", async () => {
    dns.zone.set("sel2026._domainkey.weak.test", {
      txt: ["v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="],
    });
    const r = (await ok(
      t.api(
        "POST",
        "/api/v1/vigimail/domains/weak.test/check",
        { headers: "DKIM-Signature: v=1; a=ed25519-sha256; d=weak.test; s=sel2026; h=from" },
        t.adminToken,
      ),
      "check",
    )) as { learnt_selectors: string[]; check: { dkim_exists: boolean; dkim_selectors: string[] } };
    expect(r.learnt_selectors).toEqual(["sel2026"]);
    expect(r.check).toMatchObject({ dkim_exists: true, dkim_selectors: ["sel2026"] });
  });

  it("answers 400 problem+json for an invalid domain or mailbox, 404 for one not monitored", async () => {
    for (const [method, url, body] of [
      ["POST", "/api/v1/vigimail/domains", { domain: "not a domain" }],
      ["POST", "/api/v1/vigimail/emails", { email: "nobody-at-all" }],
      ["GET", "/api/v1/vigimail/domains/-bad-.test/dns", undefined],
      ["GET", `/api/v1/vigimail/emails/${enc("a@b")}/leaks`, undefined],
    ] as const) {
      const res = await t.api(method, url, body, t.adminToken);
      expect(res.status, `${method} ${url}`).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    expect(
      (await t.api("GET", "/api/v1/vigimail/domains/unknown.test/dns", undefined, t.adminToken)).status,
    ).toBe(404);
  });
});

describe("leaked mailboxes", () => {
  it("stores the breaches the fake HIBP lists, once each, and the fake got hibp-api-key and user-agent", async () => {
    await ok(t.api("POST", "/api/v1/vigimail/emails", { email: "Victim@Strong.test" }, t.adminToken), "add");
    const first = (await ok(
      t.api("POST", `/api/v1/vigimail/emails/${enc("victim@strong.test")}/check`, {}, t.adminToken),
      "check",
    )) as {
      ok: boolean;
      new_breaches: string[];
    };
    expect(first.ok).toBe(true);
    expect(first.new_breaches.sort()).toEqual(["Adobe", "Gawker"]);
    await ok(
      t.api("POST", `/api/v1/vigimail/emails/${enc("victim@strong.test")}/check`, {}, t.adminToken),
      "again",
    );
    const leaks = (await ok(
      t.api("GET", `/api/v1/vigimail/emails/${enc("victim@strong.test")}/leaks`, undefined, t.adminToken),
      "leaks",
    )) as {
      breaches: Array<{
        name: string;
        source: string;
        breach_date: string;
        data_classes: string[];
        verified: boolean;
        first_seen: string;
        last_seen: string;
      }>;
      last_success_at: string;
    };
    const adobe = leaks.breaches.filter((b) => b.name === "Adobe");
    expect(adobe).toHaveLength(1);
    expect(adobe[0]).toMatchObject({
      source: "hibp",
      breach_date: "2013-10-04",
      data_classes: ["Email addresses", "Passwords"],
      verified: true,
    });
    expect((adobe[0]?.last_seen ?? "") >= (adobe[0]?.first_seen ?? "")).toBe(true);
    expect(leaks.breaches.find((b) => b.name === "Gawker")?.verified).toBe(false);
    const hibpCall = fake.requests.find((r) =>
      r.path.startsWith("/api/v3/breachedaccount/victim%40strong.test"),
    );
    expect(hibpCall?.headers["hibp-api-key"]).toBe(fake.hibpKey);
    expect(hibpCall?.headers["user-agent"]).toMatch(/Vigil/);
    const alerts = await t.vigil.state.db
      .selectFrom("alerts")
      .select(["title"])
      .where("rule_name", "=", "vigimail:new_breach")
      .execute();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.title).toContain("victim@strong.test");
  });

  it("uses LeakCheck when its key is set through the config API, sealed and never returned", async () => {
    const cfg = (await ok(
      t.api(
        "PUT",
        "/api/v1/vigimail/config",
        { providers: { leakcheck: { key: fake.leakcheckKey } } },
        t.adminToken,
      ),
      "config",
    )) as { providers: { leakcheck: { key_set: boolean; key_source: string } } };
    expect(cfg.providers.leakcheck).toMatchObject({ key_set: true, key_source: "console" });
    expect(JSON.stringify(cfg)).not.toContain(fake.leakcheckKey);
    const row = await t.vigil.state.db
      .selectFrom("vigimail_settings")
      .select("leakcheck_key_sealed")
      .executeTakeFirstOrThrow();
    expect(row.leakcheck_key_sealed).not.toContain(fake.leakcheckKey);
    await ok(
      t.api("POST", `/api/v1/vigimail/emails/${enc("victim@strong.test")}/check`, {}, t.adminToken),
      "check",
    );
    const lc = fake.requests.find((r) => r.path.startsWith("/api/v2/query/"));
    expect(lc?.headers["x-api-key"]).toBe(fake.leakcheckKey);
    const leaks = (await ok(
      t.api("GET", `/api/v1/vigimail/emails/${enc("victim@strong.test")}/leaks`, undefined, t.adminToken),
      "leaks",
    )) as {
      breaches: Array<{ source: string; name: string; breach_date: string }>;
    };
    expect(leaks.breaches.find((b) => b.source === "leakcheck")).toMatchObject({
      name: "BreachedWebsite.net",
      breach_date: "2019-07",
    });
    await ok(
      t.api("PUT", "/api/v1/vigimail/config", { providers: { leakcheck: { key: null } } }, t.adminToken),
      "config",
    );
  });

  it("waits out a 429's retry-after, and a provider failure keeps the known leaks and says when they were last checked", async () => {
    const before = fake.requests.length;
    fake.rateLimit.next = 1;
    const r = (await ok(
      t.api("POST", `/api/v1/vigimail/emails/${enc("victim@strong.test")}/check`, {}, t.adminToken),
      "check",
    )) as { ok: boolean };
    expect(r.ok).toBe(true);
    const calls = fake.requests.slice(before).filter((q) => q.path.startsWith("/api/v3/breachedaccount"));
    expect(calls.map((c) => c.status)).toEqual([429, 200]);

    const good = (await ok(
      t.api("GET", `/api/v1/vigimail/emails/${enc("victim@strong.test")}/leaks`, undefined, t.adminToken),
      "leaks",
    )) as {
      last_success_at: string;
      breaches: unknown[];
    };
    fake.failWith.status = 503;
    const failed = (await ok(
      t.api("POST", `/api/v1/vigimail/emails/${enc("victim@strong.test")}/check`, {}, t.adminToken),
      "check",
    )) as {
      ok: boolean;
      error: string;
      breaches: unknown[];
      last_success_at: string;
    };
    fake.failWith.status = null;
    expect(failed.ok).toBe(false);
    expect(failed.error).toContain("503");
    expect(failed.breaches).toHaveLength(good.breaches.length);
    expect(failed.last_success_at).toBe(good.last_success_at);
    const status = (await ok(t.api("GET", "/api/v1/vigimail/status", undefined, t.adminToken), "status")) as {
      providers: { hibp: { configured: boolean; last_error: string; last_success_at: string } };
    };
    expect(status.providers.hibp.configured).toBe(true);
    expect(status.providers.hibp.last_error).toContain("503");
  });
});

describe("HIBP domain search", () => {
  it("makes every breached alias of a verified domain a mailbox with its breaches", async () => {
    fake.hibpDomains.set("strong.test", { boss: ["Adobe"] });
    await ok(
      t.api("PUT", "/api/v1/vigimail/config", { providers: { hibp: { domain_search: true } } }, t.adminToken),
      "config",
    );
    await ok(t.api("POST", "/api/v1/vigimail/domains/strong.test/check", {}, t.adminToken), "check");
    await ok(
      t.api(
        "PUT",
        "/api/v1/vigimail/config",
        { providers: { hibp: { domain_search: false } } },
        t.adminToken,
      ),
      "config",
    );
    const leaks = (await ok(
      t.api("GET", `/api/v1/vigimail/emails/${enc("boss@strong.test")}/leaks`, undefined, t.adminToken),
      "leaks",
    )) as {
      breaches: Array<{ name: string; breach_date: string }>;
    };
    expect(leaks.breaches).toMatchObject([{ name: "Adobe", breach_date: "2013-10-04" }]);
    const del = await t.api(
      "DELETE",
      `/api/v1/vigimail/emails/${enc("boss@strong.test")}`,
      undefined,
      t.adminToken,
    );
    expect(del.status).toBe(204);
    expect(
      (
        await t.api(
          "GET",
          `/api/v1/vigimail/emails/${enc("boss@strong.test")}/leaks`,
          undefined,
          t.adminToken,
        )
      ).status,
    ).toBe(404);
  });
});

describe("clients", () => {
  it("shows a client's user only their client's domains and mailboxes", async () => {
    await ok(
      t.api("POST", "/api/v1/vigimail/domains", { domain: "globex.test", client: "globex" }, t.adminToken),
      "globex domain",
    );
    await ok(
      t.api("POST", "/api/v1/vigimail/emails", { email: "ceo@globex.test", client: "globex" }, t.adminToken),
      "globex mailbox",
    );
    await ok(t.api("POST", "/api/v1/vigimail/domains", { domain: "acme.test" }, acmeAnalyst), "acme domain");
    const domains = (await ok(t.api("GET", "/api/v1/vigimail/domains", undefined, acmeAnalyst), "list")) as {
      items: Array<{ domain: string; client: string }>;
    };
    expect(domains.items.map((d) => [d.domain, d.client])).toEqual([["acme.test", "acme"]]);
    const emails = (await ok(t.api("GET", "/api/v1/vigimail/emails", undefined, acmeAnalyst), "emails")) as {
      items: unknown[];
    };
    expect(emails.items).toEqual([]);
    expect(
      (await t.api("GET", "/api/v1/vigimail/domains/globex.test/dns", undefined, acmeAnalyst)).status,
    ).toBe(404);
    expect(
      (await t.api("DELETE", `/api/v1/vigimail/emails/${enc("ceo@globex.test")}`, undefined, acmeAnalyst))
        .status,
    ).toBe(404);
    expect(
      (await t.api("POST", "/api/v1/vigimail/domains", { domain: "x.test", client: "globex" }, acmeAnalyst))
        .status,
    ).toBe(403);
    expect((await t.api("PUT", "/api/v1/vigimail/config", { interval_hours: 1 }, acmeAnalyst)).status).toBe(
      403,
    );
  });

  it("checks all of a client's domains and mailboxes with progress", async () => {
    const started = (await ok(t.api("POST", "/api/v1/vigimail/check-all", {}, acmeAnalyst), "check-all")) as {
      total: number;
      running: boolean;
    };
    expect(typeof started.running).toBe("boolean");
    let status: { check_all: { running: boolean; done: number; total: number } | null } = { check_all: null };
    for (let i = 0; i < 200; i++) {
      status = (await ok(
        t.api("GET", "/api/v1/vigimail/status", undefined, acmeAnalyst),
        "status",
      )) as typeof status;
      if (status.check_all && !status.check_all.running) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status.check_all).toMatchObject({ running: false, done: 1, total: 1 });
    const acme = (await ok(t.api("GET", "/api/v1/vigimail/domains", undefined, acmeAnalyst), "list")) as {
      items: Array<{ score: number | null }>;
    };
    expect(acme.items[0]?.score).not.toBeNull();
  });
});

describe("scheduled run", () => {
  it("runs once when due, not twice at once, and not again before the interval", async () => {
    const other = createVigimail({
      db: t.vigil.state.db,
      config: {
        dnsServers: [dns.address],
        hibp: { key: null, url: null },
        leakcheck: { key: null, url: null },
      },
      raise: async () => undefined,
      siteFor: () => undefined,
      log: (await import("pino")).pino({ level: "silent" }),
      tickMs: false,
    });
    await t.vigil.state.db
      .updateTable("vigimail_settings")
      .set({ last_run_at: null, lease_until: null })
      .execute();
    const ran = await Promise.all([other.worker.tick(), other.worker.tick()]);
    expect(ran.filter(Boolean)).toHaveLength(1);
    expect(await other.worker.tick()).toBe(false);
    const s = await t.vigil.state.db.selectFrom("vigimail_settings").selectAll().executeTakeFirstOrThrow();
    expect(s.last_run_at).not.toBeNull();
    expect(s.lease_until).toBeNull();
    await other.close();
  });
});
