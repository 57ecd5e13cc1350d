import type { Kysely } from "kysely";
import { uuidv7 } from "uuidv7";
import type { SecretBox } from "../../response/enforcement/secret-box.js";
import type { StateDatabase } from "../../storage/state-schema.js";
import type { Alert } from "../types.js";
import { createChannelStore, type StoredChannel } from "./channel-store.js";
import type { Allowlist } from "./outbound-guard.js";
import { sendNotification } from "./send.js";
import type { Channel, Notification, SendResult, Severity } from "./types.js";

/**
 * Sends an alert on its channels: only those that may hear it (an operator channel hears every alert,
 * a client's channel only alerts of that client's sites, so never Vigil's own, site-less ones), each
 * channel on its own (a failing or slow one never holds the
 * others back), each behind a token bucket so a storm of alerts cannot flood a mailbox or a Slack
 * room; what the bucket holds back is counted per channel and shown. One delivery row is written per
 * finished send (after the sender's own retries), so final failures are visible on the channel.
 */
export interface NotifyOutcome {
  channel_id: string;
  channel: string;
  status: "sent" | "failed" | "suppressed";
  attempts: number;
  error?: string;
}

export interface Notifier {
  /**
   * channelIds undefined = every enabled channel whose min_severity the alert reaches. Either way, only
   * channels that may hear the alert (see channelHears). Never throws.
   */
  notify(alert: Alert, channelIds: string[] | undefined): Promise<NotifyOutcome[]>;
  suppressedByChannel(): Map<string, number>;
}

/** The notifier as this feature builds it: also sends the "send test" sample, outside the rate limit. */
export interface ChannelNotifier extends Notifier {
  sendTest(channel: Channel, send?: SendFn): Promise<SendResult>;
}

export type SendFn = (channel: Channel, n: Notification) => Promise<SendResult>;

export interface NotifierLog {
  warn(obj: object, msg?: string): void;
}

export interface NotifierOptions {
  db: Kysely<StateDatabase>;
  secretBox: SecretBox;
  /** The console's public base URL, for the link in each notification. */
  consoleUrl: string;
  log: NotifierLog;
  perChannelPerMinute?: number;
  /** Private destinations permitted (default `VIGIL_WEBHOOK_ALLOWLIST`); used by the default sender. */
  allow?: Allowlist;
  send?: SendFn;
  /** Clock for the token buckets (tests). */
  now?: () => number;
  /** The client owning a site (the tenancy directory); default none: client channels hear nothing. */
  clientOf?: (site: string) => string | undefined;
}

const RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

export function reaches(severity: Severity, floor: Severity | null): boolean {
  return floor !== null && RANK[severity] >= RANK[floor];
}

/**
 * Whether a channel of `channelClient` may carry an alert of `site`: the operator's (null) carry all;
 * a client's, only alerts of a site that client owns now. An alert without a site is Vigil's own.
 */
export function channelHears(
  channelClient: string | null,
  site: string,
  clientOf: (site: string) => string | undefined,
): boolean {
  return channelClient === null || (site !== "" && clientOf(site) === channelClient);
}

export function alertLink(consoleUrl: string, alertId: string): string {
  return `${consoleUrl.replace(/\/+$/, "")}/alerts/${encodeURIComponent(alertId)}`;
}

/** What every channel says about an alert. */
export function notificationOf(alert: Alert, consoleUrl: string): Notification {
  const given = alert.details.summary;
  const who = alert.group_value ? `${alert.group_by || "group"} ${alert.group_value}` : "";
  const summary =
    typeof given === "string" && given
      ? given
      : alert.count > 0
        ? `${alert.count} matching event${alert.count === 1 ? "" : "s"}${who ? ` for ${who}` : ""}` +
          `${alert.threshold > 0 ? ` (threshold ${alert.threshold})` : ""}` +
          `${alert.site ? ` on site ${alert.site}` : ""}`
        : alert.title;
  return {
    alert_id: alert.id,
    title: alert.title,
    severity: alert.severity,
    rule: alert.rule_name,
    group_value: alert.group_value,
    count: alert.count,
    site: alert.site,
    first_seen: alert.first_seen,
    last_seen: alert.last_seen,
    link: alertLink(consoleUrl, alert.id),
    summary,
  };
}

/** The sample a "send test" sends: clearly a test, with every field a real alert has. */
export function testNotification(consoleUrl: string): Notification {
  const now = new Date().toISOString();
  const id = `test-${uuidv7()}`;
  return {
    alert_id: id,
    title: "Test notification from Vigil",
    severity: "info",
    rule: "channel test",
    group_value: "203.0.113.7",
    count: 1,
    site: "",
    first_seen: now,
    last_seen: now,
    link: alertLink(consoleUrl, id),
    summary: "If you can read this, Vigil can reach this channel. No action is needed.",
  };
}

/** Token bucket per channel: `perMinute` in a burst, refilled continuously at perMinute / 60 s. */
function createLimiter(perMinute: number, now: () => number) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (id: string): boolean => {
    const t = now();
    const b = buckets.get(id) ?? { tokens: perMinute, at: t };
    b.tokens = Math.min(perMinute, b.tokens + ((t - b.at) * perMinute) / 60_000);
    b.at = t;
    buckets.set(id, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function createNotifier(opts: NotifierOptions): ChannelNotifier {
  const store = createChannelStore({ db: opts.db, secretBox: opts.secretBox });
  const allow = opts.allow;
  const send: SendFn = opts.send ?? ((c, n) => sendNotification(c, n, allow ? { allow } : {}));
  const take = createLimiter(opts.perChannelPerMinute ?? 20, opts.now ?? Date.now);
  const suppressed = new Map<string, number>();
  const clientOf = opts.clientOf ?? (() => undefined);

  type Pick = StoredChannel | { id: string; name: string; error: string };

  async function pick(alert: Alert, ids: string[] | undefined): Promise<Pick[]> {
    if (ids === undefined) {
      const all = await store.all();
      return all.flatMap((c): Pick[] => {
        if (!c.enabled || !reaches(alert.severity, c.min_severity)) return [];
        if (!channelHears(c.client, alert.site, clientOf)) return [];
        return "error" in c ? [{ id: c.id, name: c.name, error: c.error.message }] : [c];
      });
    }
    const out: Pick[] = [];
    for (const id of new Set(ids)) {
      try {
        // Before opening its secrets: another client's channel is left out, unreadable or not.
        const owner = await store.owner(id);
        if (owner !== undefined && !channelHears(owner, alert.site, clientOf)) continue;
        const c = await store.get(id);
        if (!c) out.push({ id, name: "", error: `unknown channel ${id}` });
        else if (c.enabled) out.push(c);
      } catch (e) {
        out.push({ id, name: "", error: message(e) });
      }
    }
    return out;
  }

  async function record(channelId: string, alertId: string, result: SendResult): Promise<void> {
    try {
      await store.recordDelivery(channelId, alertId, result);
    } catch (e) {
      opts.log.warn({ channel_id: channelId, alert_id: alertId, err: message(e) }, "delivery not recorded");
    }
  }

  async function deliver(c: Pick, alert: Alert, n: Notification): Promise<NotifyOutcome> {
    const base = { channel_id: c.id, channel: c.name };
    if ("error" in c) return { ...base, status: "failed", attempts: 0, error: c.error };
    if (!take(c.id)) {
      suppressed.set(c.id, (suppressed.get(c.id) ?? 0) + 1);
      return { ...base, status: "suppressed", attempts: 0 };
    }
    let result: SendResult;
    try {
      result = await send(c, n);
    } catch (e) {
      result = { ok: false, error: message(e), attempts: 0 };
    }
    await record(c.id, alert.id, result);
    if (result.ok) return { ...base, status: "sent", attempts: result.attempts };
    // The error names the host and status, never a URL path or a secret.
    opts.log.warn(
      { channel_id: c.id, channel: c.name, alert_id: alert.id, attempts: result.attempts, err: result.error },
      "notification failed",
    );
    return { ...base, status: "failed", attempts: result.attempts, error: result.error ?? "failed" };
  }

  return {
    async notify(alert, channelIds) {
      try {
        const n = notificationOf(alert, opts.consoleUrl);
        const picked = await pick(alert, channelIds);
        const settled = await Promise.allSettled(picked.map((c) => deliver(c, alert, n)));
        return settled.map((s, i) =>
          s.status === "fulfilled"
            ? s.value
            : {
                channel_id: picked[i]?.id ?? "",
                channel: picked[i]?.name ?? "",
                status: "failed",
                attempts: 0,
                error: message(s.reason),
              },
        );
      } catch (e) {
        opts.log.warn({ alert_id: alert.id, err: message(e) }, "notification channels not read");
        return [];
      }
    },
    suppressedByChannel: () => new Map(suppressed),
    async sendTest(channel, override) {
      const n = testNotification(opts.consoleUrl);
      let result: SendResult;
      try {
        result = await (override ?? send)(channel, n);
      } catch (e) {
        result = { ok: false, error: message(e), attempts: 0 };
      }
      await record(channel.id, n.alert_id, result);
      return result;
    },
  };
}
