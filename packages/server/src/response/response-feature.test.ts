import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStateStore, type TestStateStore } from "../storage/state-test-support.js";
import type { BanChange } from "./ban-service.js";
import { detection } from "./policy-fixtures.js";
import { createResponse } from "./response-feature.js";

describe("createResponse (composition)", () => {
  let t: TestStateStore;
  beforeAll(async () => {
    t = await openTestStateStore();
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("bans on a detection, tells listeners, and lifts the ban when it ends", async () => {
    const changes: BanChange[] = [];
    const response = createResponse({
      db: t.store.db,
      onChange: (c) => changes.push(c),
      expiryIntervalMs: 60_000,
    });
    try {
      const { ban } = await response.bans.handleDetection(
        detection({ value: "203.0.113.200", durationMs: 1000, last_seen: Date.now() }),
      );
      expect(ban?.status).toBe("active");
      const deadline = Date.now() + 5_000;
      while (!changes.some((c) => c.type === "ban_removed") && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(changes.map((c) => c.type)).toEqual(["new_ban", "ban_removed"]);
    } finally {
      await response.close();
    }
  });
});
