import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKeysRepo } from "../../auth/api-keys-repo.js";
import { newApiKey, sha256Hex } from "../../auth/secrets.js";
import type { ApiKeyScope } from "../../http/access.js";
import { openTestApp, type TestApp } from "../../http/app-test-support.js";
import { openTestStateStore, type TestStateStore } from "../../storage/state-test-support.js";
import { createTestSites } from "../../tenancy/test-sites.js";
import { type FakeXgs, startFakeXgs } from "../../test-support/fake-xgs.js";
import { enforcementRoutes } from "./enforcement-routes.js";
import { createEnforcement, type Enforcement } from "./reconciler.js";
import type { TargetView } from "./target-service.js";
import { GROUP_TEMPORARY } from "./xgs-client.js";

describe("enforcement routes and the plain-text blocklist", () => {
  // Enforcement gets its own state store: the test app builds its store after the features exist.
  let state: TestStateStore;
  let enf: Enforcement;
  let t: TestApp;
  let fw: FakeXgs;

  async function key(scopes: ApiKeyScope[], site: string | null = null): Promise<string> {
    const k = newApiKey();
    await createApiKeysRepo(state.store.db).insert({
      id: crypto.randomUUID(),
      name: `k-${scopes.join("-")}-${site}`,
      key_hash: sha256Hex(k),
      prefix: k.slice(0, 10),
      scopes,
      site,
      created_by: null,
    });
    return k;
  }

  beforeAll(async () => {
    fw = await startFakeXgs({ username: "api", password: "s3cret-pass" });
    state = await openTestStateStore();
    enf = createEnforcement({
      db: state.store.db,
      secretKey: Buffer.alloc(32, 7),
      log: { info() {}, warn() {} },
      allowPrivate: true,
    });
    t = await openTestApp({ features: [enforcementRoutes({ db: state.store.db, enforcement: enf })] });
    await createTestSites(state.store.db, ["lyon", "paris"]);
    const now = new Date();
    await state.store.db
      .insertInto("bans")
      .values([
        {
          ip: "203.0.113.9",
          status: "active",
          first_ban: now,
          last_ban: now,
          expires_at: new Date(now.getTime() + 3600_000),
          source: "manual",
          site: "lyon",
          sites: ["lyon"],
        },
        {
          ip: "2001:db8::42",
          status: "permanent",
          first_ban: now,
          last_ban: now,
          source: "detect2ban",
          site: "paris",
          sites: ["paris"],
        },
        {
          ip: "192.0.2.1",
          status: "expired",
          first_ban: now,
          last_ban: now,
          expires_at: now,
          source: "manual",
        },
      ])
      .execute();
  });
  afterAll(async () => {
    await enf.stop();
    await t.close();
    await state.dispose();
    await fw.close();
  });

  it("admin adds an XGS target (synced at once); audit sees it with the password masked; analyst cannot add", async () => {
    const body = {
      name: "hq",
      type: "sophos_xgs",
      enabled: true,
      config: { url: fw.url, username: "api", password: "s3cret-pass", verify_tls: false },
    };
    const denied = await t.app.inject({
      method: "POST",
      url: "/api/v1/enforcement/targets",
      headers: t.as("analyst"),
      payload: body,
    });
    expect(denied.statusCode).toBe(403);
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/enforcement/targets",
      headers: t.as("admin"),
      payload: body,
    });
    expect(res.statusCode).toBe(201);
    const created = res.json() as TargetView;
    expect(created.config).toEqual({ url: fw.url, username: "api", password: "********", verify_tls: false });

    const dup = await t.app.inject({
      method: "POST",
      url: "/api/v1/enforcement/targets",
      headers: t.as("admin"),
      payload: body,
    });
    expect(dup.statusCode).toBe(409);

    await waitFor(() => fw.members(GROUP_TEMPORARY).length === 1);
    const listTargets = () =>
      t.app.inject({ method: "GET", url: "/api/v1/enforcement/targets", headers: t.as("audit") });
    // The firewall holds the ban a moment before the sync records its status: wait for the record.
    let list = await listTargets();
    await waitFor(async () => {
      list = await listTargets();
      return (list.json() as { items: TargetView[] }).items[0]?.status.state === "ok";
    });
    const [item] = (list.json() as { items: TargetView[] }).items;
    expect(list.body).not.toContain("s3cret-pass");
    expect(item?.status).toMatchObject({ state: "ok", in_sync: 2, pending: 0 });
  });

  it("keeps the password when the masked value is sent back, and refuses a bad URL", async () => {
    const [target] = await enf.targets.list();
    if (!target) throw new Error("no target");
    const res = await t.app.inject({
      method: "PUT",
      url: `/api/v1/enforcement/targets/${target.id}`,
      headers: t.as("admin"),
      payload: { name: "hq-renamed", type: "sophos_xgs", config: { ...target.config, password: "********" } },
    });
    expect(res.statusCode).toBe(200);
    expect((await enf.syncNow(target.id))?.state).toBe("ok"); // the firewall still accepts the kept password

    const bad = await t.app.inject({
      method: "POST",
      url: "/api/v1/enforcement/targets",
      headers: t.as("admin"),
      payload: { name: "x", type: "webhook", config: { url: "ftp://nope", secret: "abc" } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ detail: expect.stringMatching(/http or https/) });

    const sync = await t.app.inject({
      method: "POST",
      url: `/api/v1/enforcement/targets/${target.id}/sync`,
      headers: t.as("analyst"),
    });
    expect(sync.statusCode).toBe(202);
    const del = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/enforcement/targets/${target.id}`,
      headers: t.as("admin"),
    });
    expect(del.statusCode).toBe(204);
    const gone = await t.app.inject({
      method: "POST",
      url: `/api/v1/enforcement/targets/${target.id}/sync`,
      headers: t.as("analyst"),
    });
    expect(gone.statusCode).toBe(404);
  });

  it("seals credentials written in a target URL, shows them to admins only, and keeps them out of the audit log", async () => {
    const url = "https://hook-user:hook%40pass@127.0.0.1:9/hook";
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/enforcement/targets",
      headers: t.as("admin"),
      payload: { name: "with-creds", type: "webhook", enabled: false, config: { url, secret: "whsec-1" } },
    });
    expect(res.statusCode).toBe(201);
    const created = res.json() as TargetView;
    expect(created.config.url).toBe(url);

    const stored = await state.store.db
      .selectFrom("enforcement_targets")
      .selectAll()
      .where("id", "=", created.id)
      .executeTakeFirstOrThrow();
    const config = (typeof stored.config === "string" ? JSON.parse(stored.config) : stored.config) as Record<
      string,
      unknown
    >;
    expect(config.url).toBe("https://127.0.0.1:9/hook");
    expect(String(config.url_credentials)).toMatch(/^v1:/);
    expect(JSON.stringify(config)).not.toContain("hook%40pass");
    const opened = enf.targets.open(stored as Parameters<typeof enf.targets.open>[0]);
    expect(opened.config.url).toBe(url);

    for (const role of ["audit", "analyst"] as const) {
      const list = await t.app.inject({
        method: "GET",
        url: "/api/v1/enforcement/targets",
        headers: t.as(role),
      });
      expect(list.body).not.toContain("hook%40pass");
      expect(list.body).not.toContain("hook-user");
      const item = (list.json() as { items: TargetView[] }).items.find((i) => i.id === created.id);
      expect(item?.config.url).toBe("https://********@127.0.0.1:9/hook");
    }
    const asAdmin = await t.app.inject({
      method: "GET",
      url: "/api/v1/enforcement/targets",
      headers: t.as("admin"),
    });
    expect(
      (asAdmin.json() as { items: TargetView[] }).items.find((i) => i.id === created.id)?.config.url,
    ).toBe(url);

    // Sent back masked, the stored credentials are kept.
    const kept = await t.app.inject({
      method: "PUT",
      url: `/api/v1/enforcement/targets/${created.id}`,
      headers: t.as("admin"),
      payload: {
        name: "with-creds",
        type: "webhook",
        enabled: false,
        config: { url: "https://********@127.0.0.1:9/hook", secret: "********" },
      },
    });
    expect((kept.json() as TargetView).config.url).toBe(url);

    const audit = await t.app.inject({
      method: "GET",
      url: "/api/v1/audit?action=enforcement/targets&limit=20",
      headers: t.as("admin"),
    });
    expect(audit.body).toContain("https://[redacted]@127.0.0.1:9/hook");
    expect(audit.body).not.toContain("hook%40pass");
    await t.app.inject({
      method: "DELETE",
      url: `/api/v1/enforcement/targets/${created.id}`,
      headers: t.as("admin"),
    });
  });

  it("serves active and permanent bans as text to a blocklist token, with an ETag; refuses others", async () => {
    const token = await key(["blocklist"]);
    const res = await t.app.inject({ method: "GET", url: `/api/v1/blocklist.txt?token=${token}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    expect(res.body).toBe("2001:db8::42\n203.0.113.9\n");

    const again = await t.app.inject({
      method: "GET",
      url: "/api/v1/blocklist.txt",
      headers: { authorization: `Bearer ${token}`, "if-none-match": String(res.headers.etag) },
    });
    expect(again.statusCode).toBe(304);

    const lyon = await key(["blocklist"], "lyon");
    const site = await t.app.inject({ method: "GET", url: `/api/v1/blocklist.txt?token=${lyon}` });
    expect(site.body).toBe("203.0.113.9\n");

    const ingest = await key(["ingest"]);
    expect(
      (await t.app.inject({ method: "GET", url: `/api/v1/blocklist.txt?token=${ingest}` })).statusCode,
    ).toBe(403);
    expect(
      (await t.app.inject({ method: "GET", url: "/api/v1/blocklist.txt?token=vk_wrong" })).statusCode,
    ).toBe(401);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/blocklist.txt" })).statusCode).toBe(401);
  });
});

/** Polls a condition (sync or async); the time limit only guards against a hang, it asserts no speed. */
async function waitFor(check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
