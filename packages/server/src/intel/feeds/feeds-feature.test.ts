import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  openTestStateStore,
  type TestBackend,
  type TestStateStore,
  testDatabaseUrl,
} from "../../storage/state-test-support.js";
import { FeedService } from "./feed-service.js";
import { type FeedTestServer, startFeedServer } from "./feed-test-server.js";
import { createFeeds, type Feeds } from "./feeds-feature.js";

const quiet = { info() {}, warn() {}, error() {} };

async function until(check: () => Promise<boolean> | boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const { backend, skip } of [
  { backend: "pglite" as TestBackend, skip: false },
  { backend: "pg" as TestBackend, skip: !testDatabaseUrl },
]) {
  describe.skipIf(skip)(`feeds feature (schedule, XGS source, two nodes) on ${backend}`, () => {
    let http: FeedTestServer;
    let state: TestStateStore;
    let feeds: Feeds;

    beforeAll(async () => {
      http = await startFeedServer();
      state = await openTestStateStore(backend);
      feeds = await createFeeds({ db: state.store.db, log: quiet, tickMs: 50 });
    });
    afterAll(async () => {
      await feeds.close();
      await state.dispose();
      await http.close();
    });

    it("the schedule fetches a new feed by itself and the XGS source reports the change", async () => {
      let changes = 0;
      const off = feeds.xgs.onChange(() => changes++);
      http.set("/xgs.txt", { body: "198.51.100.1\n198.51.100.0/30\n203.0.113.0/24\n" });
      await feeds.service.create({
        name: "to-xgs",
        url: http.url("/xgs.txt"),
        format: "plain",
        sync_to_xgs: true,
      });
      // The change notice follows the commit and the in-memory swap: wait for it, then read.
      await until(() => changes > 0);
      expect(await feeds.xgs.members()).toEqual(["198.51.100.0/30", "198.51.100.1", "203.0.113.0/24"]);
      expect(feeds.xgs).toMatchObject({ group: "grp_VGX-CrowdSBlockL", hostPrefix: "CS" });
      expect(await feeds.reputation.score("203.0.113.77")).toEqual({ score: 60, sources: ["to-xgs"] });
      off();
    });

    it("a second node sees sets written by the first, and due feeds are fetched once between them", async () => {
      await feeds.close(); // stop node A's timer; drive both nodes by hand
      const a = feeds.service;
      const b = await FeedService.open({ db: state.store.db, log: quiet });
      expect(b.feedsContaining("198.51.100.1")).toEqual(["to-xgs"]);

      http.set("/shared.txt", { body: "192.0.2.55\n" });
      await a.create({ name: "shared", url: http.url("/shared.txt"), format: "plain" });
      await Promise.all([a.tick(), b.tick()]);
      expect(http.hits("/shared.txt").requests).toBe(1);
      await b.reloadChanged();
      await a.reloadChanged();
      expect(a.feedsContaining("192.0.2.55")).toEqual(["shared"]);
      expect(b.feedsContaining("192.0.2.55")).toEqual(["shared"]);
      await b.close();
    });
  });
}
