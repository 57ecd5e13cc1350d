import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStateStore, type TestStateStore } from "../storage/state-test-support.js";
import { type AlertService, createAlertService } from "./alert-service.js";
import { addUser, fakeNotifier, publishRecorder, ruleAlert, silent } from "./alert-test-support.js";
import { startEscalationWorker } from "./escalation-worker.js";

let state: TestStateStore;
let clock = Date.parse("2025-03-01T10:00:00Z");
const notifier = fakeNotifier();
const published = publishRecorder();
let service: AlertService;
const ruleId = uuidv7();
const quietRuleId = uuidv7();

beforeAll(async () => {
  state = await openTestStateStore();
  const db = state.store.db;
  await addUser(db, "oncall");
  const detection = JSON.stringify({ filter: {}, threshold: 20, window: "1m", group_by: "src_ip" });
  await db
    .insertInto("alert_rules")
    .values([
      {
        id: ruleId,
        name: "Firewall drop surge",
        severity: "high",
        detection,
        escalation: JSON.stringify({ after: "5m", channels: ["pager"], users: ["oncall", "backup"] }),
      },
      { id: quietRuleId, name: "No escalation", severity: "low", detection, escalation: null },
    ])
    .execute();
  service = createAlertService({ db, notifier, publish: published.publish, log: silent, now: () => clock });
});

afterAll(async () => {
  await service?.waitIdle();
  await state?.dispose();
});

describe("escalation worker", () => {
  it("escalates a rule alert nobody acknowledged, once, after the rule's delay", async () => {
    const worker = startEscalationWorker({
      db: state.store.db,
      service,
      intervalMs: 3600_000,
      now: () => clock,
      log: silent,
    });
    try {
      const waiting = (await service.raise(ruleAlert({ rule_id: ruleId, group_value: "203.0.113.1" }))).alert;
      const acked = (await service.raise(ruleAlert({ rule_id: ruleId, group_value: "203.0.113.2" }))).alert;
      const other = (
        await service.raise(ruleAlert({ rule_id: quietRuleId, rule_name: "No escalation", group_value: "x" }))
      ).alert;
      await service.acknowledge(acked.id, "oncall");
      await service.waitIdle();
      const callsBefore = notifier.calls.length;

      clock += 4 * 60_000;
      expect(await worker.runOnce()).toEqual([]);

      clock += 2 * 60_000;
      expect(await worker.runOnce()).toEqual([waiting.id]);
      expect(await worker.runOnce()).toEqual([]);
      await service.waitIdle();

      const after = await state.store.db
        .selectFrom("alerts")
        .select(["id", "escalated_to", "assigned_to", "escalated_at", "state"])
        .where("id", "in", [waiting.id, acked.id, other.id])
        .execute();
      const byId = new Map(after.map((a) => [a.id, a]));
      expect(byId.get(waiting.id)).toMatchObject({
        escalated_to: "oncall",
        assigned_to: "oncall",
        state: "new",
      });
      expect(byId.get(acked.id)?.escalated_at).toBeNull();
      expect(byId.get(other.id)?.escalated_at).toBeNull();

      const history = await state.store.db
        .selectFrom("alert_actions")
        .select(["action", "actor", "detail"])
        .where("alert_id", "=", waiting.id)
        .orderBy("id")
        .execute();
      expect(history.filter((h) => h.action === "escalated")).toEqual([
        {
          action: "escalated",
          actor: "system",
          detail: { auto: true, channels: ["pager"], users: ["oncall", "backup"] },
        },
      ]);
      // The escalation channels were notified, once.
      expect(notifier.calls.slice(callsBefore).map((c) => [c.alert.id, c.channels])).toEqual([
        [waiting.id, ["pager"]],
      ]);
      expect(published.messages.at(-1)).toMatchObject({
        type: "alert_updated",
        alert: { escalated_to: "oncall" },
      });
    } finally {
      await worker.stop();
    }
  });
});
