/**
 * What the console asks the live channel for. Each mounted component registers what it shows (a
 * `LiveInterest`); the socket sends the server their union, so a page showing no events receives no
 * events, and leaving a page unsubscribes. Pure.
 */
export const TOPICS = ["events", "stats", "alerts", "bans", "detections", "threats"] as const;
export type Topic = (typeof TOPICS)[number];

const SEVERITY_ORDER = ["critical", "high", "medium", "low", "info"] as const;

export interface LiveInterest {
  topics: readonly Topic[];
  /** Rooms of the events topic: no sites or an empty one means every site. */
  sites?: readonly string[];
  /** Lowest severity of events wanted; absent means all. */
  minSeverity?: string;
}

/** The subscribe message's body. */
export interface Subscription {
  topics: Topic[];
  sites: string[];
  min_severity: string | null;
}

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

/** The topic a server message type belongs to (undefined for control messages such as hello). */
export function topicOfType(type: string): Topic | undefined {
  return TOPIC_OF_TYPE[type];
}

const rank = (severity: string | undefined) => {
  const i = SEVERITY_ORDER.indexOf((severity ?? "info") as (typeof SEVERITY_ORDER)[number]);
  return i < 0 ? SEVERITY_ORDER.length - 1 : i;
};

/**
 * The union of what the registered components want. Event rooms widen to fit every event listener:
 * the sites of all of them (any "all sites" wins) and the lowest minimum severity. Listeners filter
 * their own view locally, so a wider room only costs a little traffic.
 */
export function mergeInterests(interests: Iterable<LiveInterest>): Subscription {
  const topics = new Set<Topic>();
  const sites = new Set<string>();
  let allSites = false;
  let lowest = -1;
  let eventListeners = 0;
  for (const it of interests) {
    for (const t of it.topics) topics.add(t);
    if (!it.topics.includes("events") && !it.topics.includes("stats")) continue;
    eventListeners++;
    const own = (it.sites ?? []).filter((s) => s !== "");
    if (own.length === 0) allSites = true;
    for (const s of own) sites.add(s);
    lowest = Math.max(lowest, rank(it.minSeverity));
  }
  const minSeverity =
    eventListeners === 0 || lowest === SEVERITY_ORDER.length - 1 ? null : SEVERITY_ORDER[lowest];
  return {
    topics: TOPICS.filter((t) => topics.has(t)),
    sites: allSites || eventListeners === 0 ? [] : [...sites].sort(),
    min_severity: minSeverity ?? null,
  };
}

export function sameSubscription(a: Subscription, b: Subscription): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
