import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStateStore, type TestStateStore } from "../../storage/state-test-support.js";

let t: TestStateStore;
beforeAll(async () => {
  t = await openTestStateStore();
}, 60_000);
afterAll(() => t.dispose());

describe("notification channel tables (migration 0008-channels)", () => {
  it("stores channels with their config and records each delivery, removed with the channel", async () => {
    const db = t.store.db;
    const id = "0190f0e0-0000-7000-8000-000000000001";
    await db
      .insertInto("notification_channels")
      .values({
        id,
        name: "soc hook",
        type: "webhook",
        config: JSON.stringify({ url: "https://h.example/x" }),
      })
      .execute();
    const row = await db
      .selectFrom("notification_channels")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      name: "soc hook",
      type: "webhook",
      enabled: true,
      config: { url: "https://h.example/x" },
    });
    await db
      .insertInto("notification_deliveries")
      .values({ channel_id: id, alert_id: "a1", ok: false, attempts: 3, error: "HTTP 502 from h.example" })
      .execute();
    const [delivery] = await db.selectFrom("notification_deliveries").selectAll().execute();
    expect(delivery).toMatchObject({
      alert_id: "a1",
      ok: false,
      attempts: 3,
      error: "HTTP 502 from h.example",
    });
    await expect(
      db
        .insertInto("notification_channels")
        .values({
          id: "0190f0e0-0000-7000-8000-000000000002",
          name: "x",
          type: "sms" as "slack",
          config: "{}",
        })
        .execute(),
    ).rejects.toThrow();
    await db.deleteFrom("notification_channels").where("id", "=", id).execute();
    expect(await db.selectFrom("notification_deliveries").selectAll().execute()).toHaveLength(0);
  });
});
