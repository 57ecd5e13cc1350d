import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStateStore, type TestStateStore } from "../storage/state-test-support.js";
import { alertStats, listAlerts } from "./alert-queries.js";
import { type AlertService, createAlertService } from "./alert-service.js";
import { addUser, fakeNotifier, publishRecorder, ruleAlert, silent } from "./alert-test-support.js";

let state: TestStateStore;
let clock = Date.parse("2025-03-01T10:00:00Z");
const notifier = fakeNotifier();
const published = publishRecorder();
let service: AlertService;

const db = () => state.store.db;
const historyOf = async (id: string) =>
  db()
    .selectFrom("alert_actions")
    .select(["action", "actor", "detail"])
    .where("alert_id", "=", id)
    .orderBy("id")
    .execute();

beforeAll(async () => {
  state = await openTestStateStore();
  await addUser(db(), "bob");
  await addUser(db(), "carol", false);
  service = createAlertService({
    db: db(),
    notifier,
    publish: published.publish,
    log: silent,
    now: () => clock,
  });
});

afterAll(async () => {
  await service?.waitIdle();
  await state?.dispose();
});

describe("raising alerts", () => {
  it("stores the alert, records 'created', publishes it and notifies its channels", async () => {
    notifier.outcomes = [
      { channel_id: "c1", channel: "soc-webhook", status: "sent", attempts: 1 },
      {
        channel_id: "c2",
        channel: "soc-mail",
        status: "failed",
        attempts: 3,
        error: "550 mailbox unavailable",
      },
      { channel_id: "c3", channel: "soc-slack", status: "suppressed", attempts: 0 },
    ];
    const { alert, created } = await service.raise(ruleAlert({ channels: ["c1", "c2", "c3"] }));
    expect(created).toBe(true);
    expect(alert).toMatchObject({ state: "new", severity: "high", group_value: "203.0.113.7", count: 25 });
    expect(published.messages.at(-1)).toEqual({ type: "alert", alert });
    await service.waitIdle();
    expect(notifier.calls.at(-1)).toEqual({ alert, channels: ["c1", "c2", "c3"] });

    const history = await historyOf(alert.id);
    expect(history.map((h) => h.action)).toEqual([
      "created",
      "notified",
      "notify_failed",
      "notify_suppressed",
    ]);
    expect(history[2]).toMatchObject({
      actor: "system",
      detail: { channel_id: "c2", channel: "soc-mail", attempts: 3, error: "550 mailbox unavailable" },
    });
    const { items } = await listAlerts(db(), { limit: 10 }, null);
    expect(items.find((a) => a.id === alert.id)?.suppressed_notifications).toBe(1);
    expect(published.messages.at(-1)).toMatchObject({
      type: "alert_updated",
      alert: { id: alert.id, suppressed_notifications: 1 },
    });
    notifier.outcomes = [];
  });

  it("folds a repeat inside the cooldown into the open alert, without a second notification", async () => {
    const first = await service.raise(ruleAlert({ group_value: "198.51.100.9", event_ids: ["a"] }));
    await service.waitIdle();
    const callsBefore = notifier.calls.length;
    clock += 60_000;
    const again = await service.raise(
      ruleAlert({ group_value: "198.51.100.9", count: 31, event_ids: ["b"] }),
    );
    expect(again.created).toBe(false);
    expect(again.alert).toMatchObject({
      id: first.alert.id,
      repeat_count: 1,
      count: 31,
      event_ids: ["a", "b"],
    });
    await service.waitIdle();
    expect(notifier.calls.length).toBe(callsBefore);
    expect((await historyOf(first.alert.id)).map((h) => h.action)).toEqual(["created", "repeated"]);

    // After the cooldown, a new alert.
    clock += 16 * 60_000;
    const later = await service.raise(ruleAlert({ group_value: "198.51.100.9" }));
    expect(later.created).toBe(true);
    expect(later.alert.id).not.toBe(first.alert.id);
  });

  it("makes one alert of simultaneous firings for one rule and group value", async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        service.raise(ruleAlert({ group_value: "192.0.2.200", count: 20 + i })),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.alert.id)).size).toBe(1);
    expect(results.map((r) => r.alert.repeat_count).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("does not fold into a resolved alert", async () => {
    const first = await service.raise(ruleAlert({ group_value: "192.0.2.55" }));
    await service.resolve(first.alert.id, "bob", { resolution: "resolved" });
    const again = await service.raise(ruleAlert({ group_value: "192.0.2.55" }));
    expect(again.created).toBe(true);
  });

  it("survives a notifier that throws: the alert is stored all the same", async () => {
    const throwing = createAlertService({
      db: db(),
      notifier: {
        notify: async () => {
          throw new Error("boom");
        },
      },
      publish: () => {},
      log: silent,
    });
    const { alert } = await throwing.raise(ruleAlert({ group_value: "192.0.2.77" }));
    await throwing.waitIdle();
    expect((await historyOf(alert.id)).map((h) => h.action)).toEqual(["created"]);
  });
});

describe("the lifecycle", () => {
  it("acknowledge → investigate → resolve, with the history in order and who did it", async () => {
    const { alert } = await service.raise(ruleAlert({ group_value: "203.0.113.50" }));
    clock += 90_000;
    const acked = await service.acknowledge(alert.id, "bob", "looking");
    expect(acked).toMatchObject({ state: "acknowledged", acknowledged_by: "bob" });
    expect(Date.parse(acked.acknowledged_at ?? "")).toBe(clock);
    expect(published.messages.at(-1)).toMatchObject({
      type: "alert_updated",
      alert: { state: "acknowledged" },
    });
    await service.investigate(alert.id, "bob");
    await service.assign(alert.id, "admin-ish", "bob");
    await service.comment(alert.id, "bob", "scanner from a known range");
    const done = await service.resolve(alert.id, "bob", { resolution: "false_positive", note: "pentest" });
    expect(done).toMatchObject({ state: "false_positive", resolved_by: "bob", assigned_to: "bob" });

    const history = await historyOf(alert.id);
    expect(history.map((h) => [h.action, h.actor])).toEqual([
      ["created", "system"],
      ["acknowledged", "bob"],
      ["investigating", "bob"],
      ["assigned", "admin-ish"],
      ["comment", "bob"],
      ["false_positive", "bob"],
    ]);
    expect(history[4]?.detail).toEqual({ comment: "scanner from a known range" });
    expect(history[5]?.detail).toEqual({ note: "pentest" });

    await expect(service.resolve(alert.id, "bob", { resolution: "resolved" })).rejects.toMatchObject({
      status: 409,
    });
    await expect(service.acknowledge(alert.id, "bob")).rejects.toMatchObject({
      status: 409,
      detail: "alert is false positive; reopen it first",
    });
    const reopened = await service.reopen(alert.id, "bob");
    expect(reopened).toMatchObject({ state: "new", resolved_at: null, resolved_by: null });
    await expect(service.reopen(alert.id, "bob")).rejects.toMatchObject({ status: 409 });
  });

  it("assigns and escalates only to active users; unknown ids are 404", async () => {
    const { alert } = await service.raise(ruleAlert({ group_value: "203.0.113.51" }));
    await expect(service.assign(alert.id, "bob", "nobody")).rejects.toMatchObject({
      statusCode: 400,
      message: 'body/user "nobody" is not an active user',
    });
    await expect(service.escalate(alert.id, "bob", "carol")).rejects.toMatchObject({ statusCode: 400 });
    const escalated = await service.escalate(alert.id, "admin-ish", "bob", "needs a senior");
    expect(escalated).toMatchObject({ escalated_to: "bob", assigned_to: "bob" });
    expect(escalated.escalated_at).not.toBeNull();
    await expect(service.acknowledge("0190a0a0-0000-7000-8000-000000000001", "bob")).rejects.toMatchObject({
      status: 404,
    });
  });

  it("counts open alerts by state and severity, and the median time to acknowledge", async () => {
    const stats = await alertStats(db(), new Date(clock));
    expect(stats.open).toBe(stats.by_state.new + stats.by_state.acknowledged + stats.by_state.investigating);
    expect(stats.by_state.false_positive).toBe(0);
    expect(stats.by_state.resolved).toBe(1);
    expect(stats.by_severity.high).toBe(stats.open);
    expect(stats.top_rules[0]?.rule_name).toBe("Firewall drop surge");
    expect(stats.median_ack_seconds).toBe(90);
  });
});
