import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  openTestStateStore,
  type TestBackend,
  type TestStateStore,
  testDatabaseUrl,
} from "../../storage/state-test-support.js";
import { feedReputation } from "../reputation.js";
import { FeedService } from "./feed-service.js";
import { type FeedTestServer, startFeedServer } from "./feed-test-server.js";

const quiet = { info() {}, warn() {}, error() {} };
// A stand-in for GeoIP: first octet decides the country, so counts are predictable.
const country = (ip: string) =>
  ip.startsWith("1.") ? "FR" : ip.startsWith("5.") ? "DE" : ip.includes(":") ? "NL" : "";

const PLAIN = [
  "# test list",
  "1.2.3.4",
  "1.2.3.5 # trailing comment",
  "5.6.0.0/16",
  "2001:db8:abcd::/48",
  "bogus line",
  "",
].join("\n");

const CROWDSEC = JSON.stringify([
  {
    id: 1,
    origin: "lists",
    scope: "Ip",
    value: "1.2.3.4",
    type: "ban",
    scenario: "crowdsecurity/ssh-bf",
    duration: "23h",
  },
  {
    id: 2,
    origin: "lists",
    scope: "Range",
    value: "9.9.9.0/24",
    type: "ban",
    scenario: "x",
    duration: "23h",
  },
]);

for (const { backend, skip } of [
  { backend: "pglite" as TestBackend, skip: false },
  { backend: "pg" as TestBackend, skip: !testDatabaseUrl },
]) {
  describe.skipIf(skip)(`blocklist feeds service on ${backend}`, () => {
    let http: FeedTestServer;
    let state: TestStateStore;
    let feeds: FeedService;

    beforeAll(async () => {
      http = await startFeedServer();
      state = await openTestStateStore(backend);
      feeds = await FeedService.open({ db: state.store.db, log: quiet, country });
    });
    afterAll(async () => {
      await feeds.close();
      await state.dispose();
      await http.close();
    });

    it("loads a plain list with comments, CIDRs, IPv6 and bad lines, counting countries", async () => {
      http.set("/plain.txt", { body: PLAIN });
      const created = await feeds.create({ name: "plain", url: http.url("/plain.txt"), format: "plain" });
      expect(created.last_status).toBe("never");
      const f = await feeds.refresh(created.id);
      expect(f).toMatchObject({ last_status: "ok", entries: 4, invalid_lines: 1 });
      expect(f?.last_error).toContain("bogus line");
      expect(f?.countries).toEqual([
        { key: "FR", count: 2 },
        { key: "DE", count: 1 },
        { key: "NL", count: 1 },
      ]);
      expect(feeds.feedsContaining("1.2.3.5")).toEqual(["plain"]);
      expect(feeds.feedsContaining("5.6.200.1")).toEqual(["plain"]);
      expect(feeds.feedsContaining("2001:db8:abcd:1::9")).toEqual(["plain"]);
      expect(feeds.feedsContaining("1.2.3.6")).toEqual([]);
    });

    it("loads CrowdSec decision JSON (gzip-encoded) and scores IPs listed by several feeds higher", async () => {
      http.set("/cs.json", { body: CROWDSEC, gzip: true });
      const created = await feeds.create({
        name: "crowdsec",
        url: http.url("/cs.json"),
        format: "crowdsec_json",
      });
      expect(await feeds.refresh(created.id)).toMatchObject({
        last_status: "ok",
        entries: 2,
        invalid_lines: 0,
      });
      const rep = feedReputation(feeds);
      expect(await rep.score("1.2.3.4")).toEqual({ score: 80, sources: ["crowdsec", "plain"] });
      expect(await rep.score("9.9.9.9")).toEqual({ score: 60, sources: ["crowdsec"] });
      expect(await rep.score("8.8.8.8")).toEqual({ score: 0, sources: [] });
      expect(await rep.score("garbage")).toEqual({ score: 0, sources: [] });
    });

    it("sends conditional requests: an unchanged feed answers 304 and is not re-parsed", async () => {
      const id = (await feeds.list()).find((f) => f.name === "plain")?.id ?? "";
      const before = http.hits("/plain.txt");
      const f = await feeds.refresh(id);
      expect(http.hits("/plain.txt")).toEqual({
        requests: before.requests + 1,
        notModified: before.notModified + 1,
      });
      expect(f).toMatchObject({ last_status: "not_modified", entries: 4 });
      // A changed document is fetched in full again.
      http.set("/plain.txt", { body: `${PLAIN}\n7.7.7.7\n` });
      expect(await feeds.refresh(id)).toMatchObject({ last_status: "ok", entries: 5 });
      expect(feeds.feedsContaining("7.7.7.7")).toEqual(["plain"]);
    });

    it("keeps the previous entries and records the error when a feed fails", async () => {
      const id = (await feeds.list()).find((f) => f.name === "crowdsec")?.id ?? "";
      http.set("/cs.json", { body: CROWDSEC, status: 503 });
      const f = await feeds.refresh(id);
      expect(f).toMatchObject({ last_status: "error", entries: 2 });
      expect(f?.last_error).toContain("503");
      expect(feeds.feedsContaining("9.9.9.9")).toEqual(["crowdsec"]);
      // An HTML page served as the list is an error too, not an empty list.
      http.set("/cs.json", { body: "<html>oops</html>" });
      expect((await feeds.refresh(id))?.last_error).toContain("not JSON");
      // Nothing listening: a connection error.
      const dead = await feeds.create({ name: "dead", url: "http://127.0.0.1:9/x.txt", format: "plain" });
      const d = await feeds.refresh(dead.id);
      expect(d?.last_status).toBe("error");
      expect(d?.last_error).toMatch(/fetch failed|ECONNREFUSED/);
      expect(feeds.feedsContaining("9.9.9.9")).toEqual(["crowdsec"]);
    });

    it("disabled feeds do not count; sync_to_xgs feeds give the XGS member list", async () => {
      const all = await feeds.list();
      const cs = all.find((f) => f.name === "crowdsec")?.id ?? "";
      const plain = all.find((f) => f.name === "plain")?.id ?? "";
      await feeds.update(cs, { enabled: false });
      expect(feeds.feedsContaining("1.2.3.4")).toEqual(["plain"]);
      await feeds.update(cs, { enabled: true, sync_to_xgs: true });
      expect(await feeds.xgsMembers()).toEqual(["1.2.3.4", "9.9.9.0/24"]);
      await feeds.update(plain, { sync_to_xgs: true });
      expect(await feeds.xgsMembers()).toEqual([
        "1.2.3.4",
        "1.2.3.5",
        "2001:db8:abcd::/48",
        "5.6.0.0/16",
        "7.7.7.7",
        "9.9.9.0/24",
      ]);
    });

    it("a scheduled tick refreshes due feeds once, and a restart keeps membership without the network", async () => {
      http.set("/sched.txt", { body: "4.4.4.4\n" });
      const s = await feeds.create({
        name: "sched",
        url: http.url("/sched.txt"),
        format: "plain",
        refresh_minutes: 5,
      });
      await feeds.remove((await feeds.list()).find((f) => f.name === "dead")?.id ?? "");
      await feeds.tick();
      expect(http.hits("/sched.txt").requests).toBe(1);
      expect(feeds.feedsContaining("4.4.4.4")).toEqual(["sched"]);
      // Not due again for 5 minutes.
      await feeds.tick();
      expect(http.hits("/sched.txt").requests).toBe(1);
      expect((await feeds.get(s.id))?.entries).toBe(1);
      // Shortening the period counts from the last fetch: two minutes ago + 1 minute is due now.
      await sql`update blocklist_feeds set last_refresh = now() - interval '2 minutes' where id = ${s.id}`.execute(
        state.store.db,
      );
      await feeds.update(s.id, { refresh_minutes: 1 });
      await feeds.tick();
      expect(http.hits("/sched.txt")).toEqual({ requests: 2, notModified: 1 });

      await feeds.close();
      await http.close();
      await state.store.close();
      state.store = await state.reopen();
      feeds = await FeedService.open({ db: state.store.db, log: quiet, country });
      expect(feeds.feedsContaining("4.4.4.4")).toEqual(["sched"]);
      expect(feeds.feedsContaining("2001:db8:abcd::1")).toEqual(["plain"]);
      expect(feeds.feedsContaining("9.9.9.200")).toEqual(["crowdsec"]);
      const plain = (await feeds.list()).find((f) => f.name === "plain");
      expect(plain?.countries[0]).toEqual({ key: "FR", count: 2 });
      http = await startFeedServer(); // for afterAll
    });
  });
}

describe("shutdown", () => {
  it("close() cuts a slow download short and leaves the feed's status alone", async () => {
    const http = await startFeedServer();
    const state = await openTestStateStore();
    try {
      http.set("/slow.txt", { body: "1.1.1.1\n", delayMs: 5_000 });
      const feeds = await FeedService.open({ db: state.store.db, log: quiet });
      const f = await feeds.create({ name: "slow", url: http.url("/slow.txt"), format: "plain" });
      const running = feeds.refresh(f.id);
      await new Promise((r) => setTimeout(r, 100));
      const t0 = Date.now();
      await feeds.close();
      expect(Date.now() - t0).toBeLessThan(2_000);
      expect(await running).toBeNull();
      expect((await feeds.get(f.id))?.last_status).toBe("never");
    } finally {
      await state.dispose();
      await http.close();
    }
  });
});
