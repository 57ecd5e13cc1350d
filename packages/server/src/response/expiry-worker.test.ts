import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStateStore, type TestStateStore } from "../storage/state-test-support.js";
import { type BanChange, createBanService } from "./ban-service.js";
import { startExpiryWorker, sweepExpired } from "./expiry-worker.js";
import { parseIpOrCidr } from "./ip-address.js";
import { detection, T0 } from "./policy-fixtures.js";
import { addWhitelist, listWhitelist } from "./whitelist-store.js";

describe("expiry worker (real PGlite, injected clock)", () => {
  let t: TestStateStore;
  beforeAll(async () => {
    t = await openTestStateStore();
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("lifts a ban when its time is up, writes history and reports ban_removed", async () => {
    let now = T0;
    const changes: BanChange[] = [];
    const svc = createBanService({ db: t.store.db, now: () => now, onChange: (c) => changes.push(c) });
    await svc.handleDetection(detection({ value: "203.0.113.50", durationMs: 60_000, url: "/a" }));
    const worker = startExpiryWorker({ db: t.store.db, emit: svc.emit, now: () => now, intervalMs: 60_000 });
    try {
      now = T0 + 59_999;
      expect((await worker.runOnce())?.bans).toBe(0);
      now = T0 + 60_000;
      const sweep = await worker.runOnce();
      expect(sweep?.bans).toBe(1);
      expect(changes.at(-1)).toMatchObject({
        type: "ban_removed",
        data: { ip: "203.0.113.50", status: "expired" },
      });
      const history = await t.store.db
        .selectFrom("ban_history")
        .select(["action", "actor"])
        .where("ip", "=", "203.0.113.50")
        .orderBy("id")
        .execute();
      expect(history).toEqual([
        { action: "ban", actor: "detect2ban" },
        { action: "expire", actor: "system" },
      ]);
    } finally {
      await worker.stop();
    }
  });

  it("expires approvals left a week and whitelist entries past their date", async () => {
    let now = T0;
    const svc = createBanService({ db: t.store.db, now: () => now });
    for (let i = 0; i < 5; i++) {
      await svc.handleDetection(
        detection({ value: `203.0.113.${100 + i}`, rule_id: "r", url: "/fp", hostname: "h" }),
      );
    }
    await addWhitelist(
      t.store.db,
      {
        range: parseIpOrCidr("10.9.0.0/16") ?? { text: "", cidr: "" },
        type: "hard",
        reason: "temp",
        expires_at: new Date(T0 + 1000).toISOString(),
      },
      "a",
    );
    now = T0 + 8 * 24 * 3600_000;
    const { sweep, changes } = await sweepExpired(t.store.db, new Date(now), 7 * 24 * 3600_000);
    expect(sweep.pending).toBe(1);
    expect(sweep.whitelist).toBe(1);
    expect(changes.some((c) => c.type === "ban_pending" && c.data.status === "expired")).toBe(true);
    expect((await listWhitelist(t.store.db)).find((e) => e.ip === "10.9.0.0/16")?.is_active).toBe(false);
  });

  it("schedules itself for the next expiry rather than waiting for the interval", async () => {
    const changes: BanChange[] = [];
    const svc = createBanService({ db: t.store.db, onChange: (c) => changes.push(c) });
    await svc.manualBan({ ip: "203.0.113.77", reason: "short", duration: 300, actor: "a" });
    const worker = startExpiryWorker({ db: t.store.db, emit: svc.emit, intervalMs: 60_000 });
    try {
      const deadline = Date.now() + 5_000;
      while (!changes.some((c) => c.type === "ban_removed") && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(changes.find((c) => c.type === "ban_removed")?.data).toMatchObject({ ip: "203.0.113.77" });
    } finally {
      await worker.stop();
    }
  });
});
