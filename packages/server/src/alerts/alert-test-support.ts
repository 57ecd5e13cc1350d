import type { Kysely } from "kysely";
import { uuidv7 } from "uuidv7";
import type { StateDatabase } from "../storage/state-schema.js";
import type { AlertEventType, AlertNotifier, NotifyOutcome } from "./alert-service.js";
import type { Alert, NewAlert } from "./types.js";

/**
 * Test helpers for the alert lifecycle: a stand-in for the notifier (the SMTP/Slack/webhook boundary,
 * which has its own tests) that records what it was asked and answers with set outcomes, a recorder of
 * published messages, and users written straight into the state store.
 */
export function fakeNotifier(outcomes: NotifyOutcome[] = []) {
  const calls: { alert: Alert; channels: string[] | undefined }[] = [];
  const notifier: AlertNotifier & { calls: typeof calls; outcomes: NotifyOutcome[] } = {
    calls,
    outcomes,
    async notify(alert, channels) {
      calls.push({ alert, channels });
      return notifier.outcomes;
    },
  };
  return notifier;
}

export function publishRecorder() {
  const messages: { type: AlertEventType; alert: Alert }[] = [];
  return { messages, publish: (type: AlertEventType, alert: Alert) => messages.push({ type, alert }) };
}

export async function addUser(db: Kysely<StateDatabase>, username: string, active = true): Promise<void> {
  await db
    .insertInto("users")
    .values({ id: uuidv7(), username, email: null, password_hash: "x", role: "analyst", is_active: active })
    .execute();
}

export const silent = { warn() {} };

export function ruleAlert(overrides: Partial<NewAlert> = {}): NewAlert {
  return {
    source: "rule",
    rule_name: "Firewall drop surge",
    title: "25 firewall drops from 203.0.113.7",
    severity: "high",
    site: "paris",
    group_by: "src_ip",
    group_value: "203.0.113.7",
    count: 25,
    threshold: 20,
    event_ids: [],
    cooldownMs: 15 * 60_000,
    ...overrides,
  };
}
