import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestApp, type TestApp } from "../../http/app-test-support.js";
import { createSecretBox } from "../../response/enforcement/secret-box.js";
import { openTestStateStore, type TestStateStore } from "../../storage/state-test-support.js";
import { feedRoutes } from "./feed-routes.js";
import { FeedService, type FeedView } from "./feed-service.js";
import { type FeedTestServer, startFeedServer } from "./feed-test-server.js";

const quiet = { info() {}, warn() {}, error() {} };

describe("blocklist feed routes", () => {
  let http: FeedTestServer;
  // The service gets its own state store: the test app builds its store after the features exist.
  let state: TestStateStore;
  let feeds: FeedService;
  let t: TestApp;

  beforeAll(async () => {
    http = await startFeedServer();
    http.set("/list.txt", { body: "# list\n203.0.113.7\n198.51.100.0/24\nnope\n" });
    state = await openTestStateStore();
    feeds = await FeedService.open({
      db: state.store.db,
      log: quiet,
      country: () => "US",
      box: createSecretBox(Buffer.alloc(32, 3)),
    });
    t = await openTestApp({ features: [feedRoutes({ feeds })] });
  });
  afterAll(async () => {
    await t.close();
    await feeds.close();
    await state.dispose();
    await http.close();
  });

  const list = async (): Promise<FeedView[]> => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/feeds", headers: t.as("audit") });
    expect(res.statusCode).toBe(200);
    return (res.json() as { items: FeedView[] }).items;
  };

  it("seals credentials written in a feed URL, fetches with them, and shows them to admins only", async () => {
    http.set("/private.txt", { body: "192.0.2.77\n", basicAuth: "feed-user:p@ss" });
    const url = http.url("/private.txt").replace("http://", "http://feed-user:p%40ss@");
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/feeds",
      headers: t.as("admin"),
      payload: { name: "private", url, format: "plain" },
    });
    expect(res.statusCode).toBe(201);
    const created = res.json() as FeedView;
    expect(created.url).toBe(url);
    await feeds.idle();

    const row = await state.store.db
      .selectFrom("blocklist_feeds")
      .selectAll()
      .where("id", "=", created.id)
      .executeTakeFirstOrThrow();
    expect(row.url).toMatch(/^http:\/\/v1%3A[^@]+@127\.0\.0\.1:\d+\/private\.txt$/);
    expect(row.url).not.toContain("p%40ss");

    const masked = (await list()).find((f) => f.id === created.id);
    expect(masked).toMatchObject({ last_status: "ok", entries: 1 });
    expect(masked?.url).toBe(http.url("/private.txt").replace("http://", "http://********@"));
    const asAdmin = await t.app.inject({ method: "GET", url: "/api/v1/feeds", headers: t.as("admin") });
    expect((asAdmin.json() as { items: FeedView[] }).items.find((f) => f.id === created.id)?.url).toBe(url);

    // Sent back as the admin reads it, or masked: not a change of source (no refetch forced), same credentials.
    for (const sent of [url, masked?.url ?? ""]) {
      const put = await t.app.inject({
        method: "PUT",
        url: `/api/v1/feeds/${created.id}`,
        headers: t.as("admin"),
        payload: { url: sent },
      });
      expect((put.json() as FeedView).url).toBe(url);
    }
    const after = await state.store.db
      .selectFrom("blocklist_feeds")
      .select("url")
      .where("id", "=", created.id)
      .executeTakeFirstOrThrow();
    expect(after.url).toBe(row.url);

    const audit = await t.app.inject({
      method: "GET",
      url: "/api/v1/audit?action=feeds&limit=10",
      headers: t.as("admin"),
    });
    expect(audit.body).toContain("http://[redacted]@127.0.0.1");
    expect(audit.body).not.toContain("p%40ss");
    await t.app.inject({ method: "DELETE", url: `/api/v1/feeds/${created.id}`, headers: t.as("admin") });
  });

  it("admin subscribes; the first fetch starts at once; audit sees status, counts and countries", async () => {
    const denied = await t.app.inject({
      method: "POST",
      url: "/api/v1/feeds",
      headers: t.as("analyst"),
      payload: { name: "x", url: http.url("/list.txt"), format: "plain" },
    });
    expect(denied.statusCode).toBe(403);
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/feeds",
      headers: t.as("admin"),
      payload: { name: "firehol", url: http.url("/list.txt"), format: "plain", refresh_minutes: 30 },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      name: "firehol",
      refresh_minutes: 30,
      enabled: true,
      sync_to_xgs: false,
    });
    await feeds.idle();
    const [feed] = await list();
    expect(feed).toMatchObject({
      last_status: "ok",
      entries: 2,
      invalid_lines: 1,
      countries: [{ key: "US", count: 2 }],
    });
    expect(feed?.last_refresh).toMatch(/Z$/);
  });

  it("looks an IP up across feeds, with the score; a bad IP is a 400", async () => {
    const anon = await t.app.inject({ method: "GET", url: "/api/v1/feeds/lookup?ip=198.51.100.9" });
    expect(anon.statusCode).toBe(401);
    const hit = await t.app.inject({
      method: "GET",
      url: "/api/v1/feeds/lookup?ip=198.51.100.9",
      headers: t.as("audit"),
    });
    expect(hit.json()).toEqual({ ip: "198.51.100.9", feeds: ["firehol"], score: 60 });
    const miss = await t.app.inject({
      method: "GET",
      url: "/api/v1/feeds/lookup?ip=192.0.2.1",
      headers: t.as("audit"),
    });
    expect(miss.json()).toEqual({ ip: "192.0.2.1", feeds: [], score: 0 });
    const bad = await t.app.inject({
      method: "GET",
      url: "/api/v1/feeds/lookup?ip=1.2.3",
      headers: t.as("audit"),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toContain("1.2.3");
  });

  it("refuses bad input and duplicate names with problems", async () => {
    const bad = await t.app.inject({
      method: "POST",
      url: "/api/v1/feeds",
      headers: t.as("admin"),
      payload: { name: "ftp", url: "ftp://example.org/x", format: "plain" },
    });
    expect(bad.statusCode).toBe(400);
    const badFormat = await t.app.inject({
      method: "POST",
      url: "/api/v1/feeds",
      headers: t.as("admin"),
      payload: { name: "y", url: http.url("/y"), format: "csv" },
    });
    expect(badFormat.statusCode).toBe(400);
    const dup = await t.app.inject({
      method: "POST",
      url: "/api/v1/feeds",
      headers: t.as("admin"),
      payload: { name: "firehol", url: http.url("/other.txt"), format: "plain", enabled: false },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().detail).toContain("firehol");
  });

  it("analyst refreshes on demand (202), admin edits and deletes; unknown ids are 404", async () => {
    const [feed] = await list();
    const id = feed?.id ?? "";
    const audit = await t.app.inject({
      method: "POST",
      url: `/api/v1/feeds/${id}/refresh`,
      headers: t.as("audit"),
    });
    expect(audit.statusCode).toBe(403);
    const before = http.hits("/list.txt").requests;
    const res = await t.app.inject({
      method: "POST",
      url: `/api/v1/feeds/${id}/refresh`,
      headers: t.as("analyst"),
    });
    expect(res.statusCode).toBe(202);
    await feeds.idle();
    expect(http.hits("/list.txt").requests).toBe(before + 1);
    expect((await list())[0]?.last_status).toBe("not_modified");

    const put = await t.app.inject({
      method: "PUT",
      url: `/api/v1/feeds/${id}`,
      headers: t.as("admin"),
      payload: { enabled: false, sync_to_xgs: true },
    });
    expect(put.json()).toMatchObject({ enabled: false, sync_to_xgs: true });
    const empty = await t.app.inject({
      method: "PUT",
      url: `/api/v1/feeds/${id}`,
      headers: t.as("admin"),
      payload: {},
    });
    expect(empty.json()).toMatchObject({ enabled: false, sync_to_xgs: true });
    const lookup = await t.app.inject({
      method: "GET",
      url: "/api/v1/feeds/lookup?ip=203.0.113.7",
      headers: t.as("audit"),
    });
    expect(lookup.json().feeds).toEqual([]);

    const missing = "0190f000-0000-7000-8000-000000000000";
    for (const [method, url] of [
      ["PUT", `/api/v1/feeds/${missing}`],
      ["DELETE", `/api/v1/feeds/${missing}`],
      ["POST", `/api/v1/feeds/${missing}/refresh`],
    ] as const) {
      const r = await t.app.inject({
        method,
        url,
        headers: t.as("admin"),
        ...(method === "PUT" ? { payload: {} } : {}),
      });
      expect(r.statusCode, `${method} ${url}`).toBe(404);
    }
    const del = await t.app.inject({ method: "DELETE", url: `/api/v1/feeds/${id}`, headers: t.as("admin") });
    expect(del.statusCode).toBe(204);
    expect(await list()).toEqual([]);
  });
});
