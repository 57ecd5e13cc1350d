import { SEVERITIES } from "../ingest/event.js";

/**
 * What a live client can subscribe to. A console page subscribes to what it shows, so a page that
 * shows no events receives no events (at 2,000 ev/s the event topic alone is most of the traffic).
 */
export const TOPICS = ["events", "stats", "alerts", "bans", "detections", "threats"] as const;
export type Topic = (typeof TOPICS)[number];

/** The topic of each message type the server publishes; an unlisted type is its own topic. */
const TOPIC_OF_TYPE: Record<string, Topic> = {
  new_event: "events",
  stats: "stats",
  alert: "alerts",
  alert_updated: "alerts",
  new_ban: "bans",
  ban_removed: "bans",
  ban_pending: "bans",
  ban_updated: "bans",
  enforcement_status: "bans",
  detection: "detections",
  threat_detected: "threats",
};

export function topicOf(type: string): string {
  return TOPIC_OF_TYPE[type] ?? type;
}

/** 0 = critical … 4 = info; unknown severities rank lowest, so a minimum never lets them through by mistake. */
export function severityRank(severity: string): number {
  const i = (SEVERITIES as readonly string[]).indexOf(severity);
  return i < 0 ? SEVERITIES.length : i;
}

/**
 * One client's subscription. `sites`, `severities` and `minSeverity` are the rooms of the events topic
 * (SOC-30: rooms by site and severity); other topics are limited only by the principal's own site.
 */
export interface Subscription {
  topics: ReadonlySet<string>;
  /** Empty: every site the principal may see. */
  sites: readonly string[];
  /** Empty: any severity (legacy list form; `minSeverity` is what the console sends). */
  severities: readonly string[];
  /** Null: any severity. */
  minSeverity: string | null;
}

export const NOTHING: Subscription = { topics: new Set(), sites: [], severities: [], minSeverity: null };

/**
 * Reads a client's `subscribe` message. Without `topics` (clients written before topics existed) it
 * means every topic, so they keep working; with `topics` only those are sent.
 */
export function parseSubscribe(
  m: Record<string, unknown>,
): { ok: true; sub: Subscription } | { ok: false; detail: string } {
  const strings = (v: unknown) =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === "string").slice(0, 200) : undefined;
  const topics = m.topics === undefined ? [...TOPICS] : strings(m.topics);
  if (!topics) return { ok: false, detail: "topics must be a list of strings" };
  const unknown = topics.filter((t) => !(TOPICS as readonly string[]).includes(t));
  if (unknown.length > 0)
    return { ok: false, detail: `unknown topic ${unknown[0]}; expected some of ${TOPICS.join(", ")}` };
  const min = m.min_severity;
  if (min !== undefined && min !== null && !(typeof min === "string" && SEVERITIES.includes(min as never)))
    return { ok: false, detail: `min_severity must be one of ${SEVERITIES.join(", ")}` };
  return {
    ok: true,
    sub: {
      topics: new Set(topics),
      sites: strings(m.sites) ?? [],
      severities: strings(m.severities) ?? [],
      minSeverity: typeof min === "string" ? min : null,
    },
  };
}
