import type { Event } from "../ingest/event.js";
import { type EventField, fieldText } from "./event-fields.js";
import { compileFilter, type EventPredicate } from "./filter.js";
import type { Detection, Scenario } from "./types.js";

/**
 * The streaming detection engine: every parsed batch goes through `process()`, each enabled scenario's
 * filter picks its events, and a sliding window per (scenario, group value) counts them (or the distinct
 * values of one field). No polling, so no window is ever skipped or evaluated late.
 *
 * Rules (documented because the ban policy relies on them):
 * - Fire once: a key fires when `threshold` events (distinct values) fall within `window`, then stays
 *   silent ("latched") until it has been quiet for a whole window; the next event after that starts a
 *   fresh count. A continuous attack is one detection, and a return after a pause is a new one (the ban
 *   policy escalates its tier).
 * - Memory: a key keeps only the times within one window of its newest event (fewer than `threshold`
 *   until it fires) or its newest `threshold` distinct values, so state per key is O(threshold). Keys idle for longer than their window are dropped lazily on their
 *   next event and by a sweep every `sweepIntervalMs`; past `maxKeysPerScenario` the oldest key is
 *   evicted and counted (`keyCapHits`, metrics.keyCapHit).
 * - Time: windows use the event's own `timestamp`, so a delayed batch is judged as it happened. An event
 *   whose time is more than `maxSkewMs` (default 10 min) from the receive clock — a sender with a wrong
 *   clock or a backfill — is counted at its receive time instead, so it cannot land in (or stretch) a
 *   window it does not belong to. Backtests pass `maxSkewMs: null` and run purely on event time.
 * - Out-of-order events inside the skew tolerance are placed by their time.
 * - Leaky buckets (`mode: "leaky"`, CrowdSec's semantics): a key holds a level that each event raises by
 *   one and that drains by one every `leakMs`; it fires when the level reaches `threshold`. O(1) per key.
 *   Triggers (`mode: "trigger"`) are threshold 1: the first matching event fires.
 * - Index: each scenario's filter names the log types, source types and actions it can match (when it
 *   pins them with equals / in at its top level or under `all`); an event meets only the scenarios whose
 *   index admits it, so adding web scenarios costs firewall events nothing.
 * - Trust: events from unregistered senders (Event.arrival absent or not trusted) count in windows
 *   of their own; their detections say `trusted: false` and the ban policy holds them for approval.
 */
export interface DetectionMetrics {
  keyCapHit?(scenario: string): void;
  detection?(d: Detection): void;
}

export interface DetectionEngineOptions {
  scenarios: readonly Scenario[];
  onDetection: (d: Detection) => void;
  /** The receive clock (ms); default Date.now. */
  now?: () => number;
  maxKeysPerScenario?: number;
  /** null = trust event time entirely (backtests over stored events). */
  maxSkewMs?: number | null;
  sweepIntervalMs?: number;
  metrics?: DetectionMetrics;
  /**
   * A threshold for one key other than the scenario's, decided from the key's first event — e.g. 1 for
   * a source in a hostile geo-zone, so it is banned at its first offence. Undefined keeps the scenario's.
   */
  thresholdFor?: (scenario: Scenario, first: Event) => number | undefined;
}

interface KeyState {
  /** Count mode: newest `threshold` event times, ascending. */
  times: number[];
  /** Distinct mode: value → last seen, in arrival order, at most `threshold` entries. */
  values: Map<string, number> | null;
  first: number;
  last: number;
  latched: boolean;
  ids: string[];
  /** Set when `thresholdFor` gave this key its own threshold. */
  threshold?: number;
  /** Leaky bucket: the level after the last leak, and when that was. */
  level?: number;
  leakAt?: number;
}

/** Values a filter pins a field to (null = any). */
type Pinned = ReadonlySet<string> | null;

const INDEXED = ["log_type", "source_type", "action"] as const;

/**
 * The values `filter` requires `field` to hold: from `field: value`, `field: [..]`, `{eq}` / `{in}` at
 * the top level or inside `all`. Anything else (any, not, contains…) leaves the field unpinned.
 */
export function pinnedValues(filter: unknown, field: string): Pinned {
  if (typeof filter !== "object" || filter === null || Array.isArray(filter)) return null;
  let out: Set<string> | null = null;
  const narrow = (vals: readonly unknown[]) => {
    const next = new Set(vals.filter((v) => typeof v === "string" || typeof v === "number").map(String));
    out = out === null ? next : new Set([...out].filter((v) => next.has(v)));
  };
  for (const [k, v] of Object.entries(filter as Record<string, unknown>)) {
    if (k === field) {
      if (typeof v === "string" || typeof v === "number") narrow([v]);
      else if (Array.isArray(v)) narrow(v);
      else if (typeof v === "object" && v !== null) {
        const c = v as Record<string, unknown>;
        if (c.eq !== undefined) narrow([c.eq]);
        if (Array.isArray(c.in)) narrow(c.in);
      }
    } else if (k === "all" && Array.isArray(v)) {
      for (const sub of v) {
        const p = pinnedValues(sub, field);
        if (p) narrow([...p]);
      }
    }
  }
  return out;
}

interface Running {
  scenario: Scenario;
  fingerprint: string;
  match: EventPredicate;
  groupBy: EventField;
  distinct: EventField | null;
  keys: Map<string, KeyState>;
  leakMs: number | null;
  sourceTypes: Pinned;
  actions: Pinned;
}

export interface EngineSnapshot {
  version: 1;
  saved_at: number;
  scenarios: {
    name: string;
    fingerprint: string;
    keys: [
      string,
      {
        times: number[];
        values: [string, number][] | null;
        first: number;
        last: number;
        latched: boolean;
        ids: string[];
        threshold?: number;
        level?: number;
        leakAt?: number;
      },
    ][];
  }[];
}

export interface EngineStats {
  scenarios: number;
  keys: number;
  keyCapHits: number;
  skewed: number;
  detections: number;
  processed: number;
}

export type DetectionEngine = ReturnType<typeof createDetectionEngine>;

const KEPT_IDS = 5;

/**
 * Windows of events from untrusted senders (see Event.arrival) are keyed apart from trusted ones, so
 * forged lines never add to, or latch, the window a registered source's events fill.
 */
const UNTRUSTED = "\u0000untrusted\u0000";

/**
 * Windows are kept per site: each client's site has its own detections (an attacker working two
 * clients' sites is banned for each, and each site's firewalls get the ban), and one client's traffic
 * never fills another's window.
 */
const SITE_SEP = "\u0001";

/** The grouped value of a window key (without its trust marker and site). */
function valueOfKey(key: string): string {
  const k = key.startsWith(UNTRUSTED) ? key.slice(UNTRUSTED.length) : key;
  const sep = k.indexOf(SITE_SEP);
  return sep === -1 ? k : k.slice(sep + 1);
}

export function scenarioFingerprint(s: Scenario): string {
  return JSON.stringify([s.detection, s.action, s.severity, s.labels]);
}

export function createDetectionEngine(opts: DetectionEngineOptions) {
  const now = opts.now ?? Date.now;
  const maxKeys = opts.maxKeysPerScenario ?? 100_000;
  const maxSkew = opts.maxSkewMs === undefined ? 10 * 60_000 : opts.maxSkewMs;
  const sweepEvery = opts.sweepIntervalMs ?? 10_000;
  let running: Running[] = [];
  /** Scenarios an event of a given log type can meet, in `running` order; built on demand. */
  let byLogType = new Map<string, Running[]>();
  let logTypesOf = new Map<Running, Pinned>();
  let lastSweep = Number.NEGATIVE_INFINITY;
  let eventClock = 0;
  const stats = { keyCapHits: 0, skewed: 0, detections: 0, processed: 0 };

  function build(s: Scenario, keys?: Map<string, KeyState>): Running {
    return {
      scenario: s,
      fingerprint: scenarioFingerprint(s),
      match: compileFilter(s.detection.filter),
      groupBy: s.detection.group_by as EventField,
      distinct: (s.detection.distinct as EventField | undefined) ?? null,
      keys: keys ?? new Map(),
      leakMs: s.detection.mode === "leaky" && s.detection.leakMs ? s.detection.leakMs : null,
      sourceTypes: pinnedValues(s.detection.filter, "source_type"),
      actions: pinnedValues(s.detection.filter, "action"),
    };
  }

  function candidates(logType: string): Running[] {
    let list = byLogType.get(logType);
    if (!list) {
      list = running.filter((r) => {
        const lt = logTypesOf.get(r);
        return !lt || lt.has(logType);
      });
      // Log types come from parsers and senders: a bounded cache, computed afresh past it.
      if (byLogType.size < 256) byLogType.set(logType, list);
    }
    return list;
  }

  /** Takes effect at once; scenarios whose definition did not change keep their windows. */
  function replaceScenarios(list: readonly Scenario[]): void {
    const old = new Map(running.map((r) => [r.scenario.name, r]));
    running = list
      .filter((s) => s.enabled)
      .map((s) => {
        const prev = old.get(s.name);
        return build(s, prev && prev.fingerprint === scenarioFingerprint(s) ? prev.keys : undefined);
      });
    byLogType = new Map();
    logTypesOf = new Map(running.map((r) => [r, pinnedValues(r.scenario.detection.filter, INDEXED[0])]));
  }

  function fire(r: Running, key: string, st: KeyState, e: Event, count: number, first: number): void {
    const s = r.scenario;
    st.latched = true;
    st.times = [];
    st.values = null;
    if (st.level !== undefined) st.level = 0;
    stats.detections++;
    const d: Detection = {
      scenario: s.name,
      action: s.action.type,
      severity: s.severity,
      labels: s.labels,
      group_by: s.detection.group_by,
      value: valueOfKey(key),
      count,
      threshold: st.threshold ?? s.detection.threshold,
      windowMs: s.detection.windowMs,
      first_seen: first,
      last_seen: st.last,
      event_ids: [...st.ids],
      site: e.site,
      country: e.geo_country,
      rule_id: e.rule_id,
      url: e.url,
      hostname: e.hostname,
      ...(s.action.durationMs !== undefined ? { durationMs: s.action.durationMs } : {}),
      validate_threat: s.action.validate_threat,
      ...(s.action.ban_internal ? { ban_internal: true } : {}),
      trusted: !key.startsWith(UNTRUSTED),
      channel: e.arrival?.channel ?? "",
      sender: e.sender,
    };
    opts.metrics?.detection?.(d);
    opts.onDetection(d);
  }

  function stateFor(r: Running, key: string, t: number, e: Event): KeyState {
    let st = r.keys.get(key);
    if (st && t - st.last > r.scenario.detection.windowMs) {
      // Quiet for a whole window: the window has emptied, the key re-arms.
      r.keys.delete(key);
      st = undefined;
    }
    if (!st) {
      if (r.keys.size >= maxKeys) {
        const oldest = r.keys.keys().next().value;
        if (oldest !== undefined) r.keys.delete(oldest);
        stats.keyCapHits++;
        opts.metrics?.keyCapHit?.(r.scenario.name);
      }
      st = { times: [], values: r.distinct ? new Map() : null, first: t, last: t, latched: false, ids: [] };
      const own = opts.thresholdFor?.(r.scenario, e);
      if (own !== undefined && own >= 1 && own !== r.scenario.detection.threshold)
        st.threshold = Math.floor(own);
      r.keys.set(key, st);
    }
    return st;
  }

  function count(r: Running, key: string, e: Event, t: number): void {
    const st = stateFor(r, key, t, e);
    if (t > st.last) st.last = t;
    if (st.latched) return;
    if (t < st.first) st.first = t;
    st.ids.push(e.event_id);
    if (st.ids.length > KEPT_IDS) st.ids.shift();
    const { windowMs } = r.scenario.detection;
    const threshold = st.threshold ?? r.scenario.detection.threshold;
    if (r.leakMs !== null) {
      // Whole events leak out, one per leakMs since the last leak (as CrowdSec's buckets do; an
      // out-of-order event drains nothing); then this one is poured in.
      const at = st.leakAt ?? t;
      const drained = t > at ? Math.floor((t - at) / r.leakMs) : 0;
      const level = st.level ?? 0;
      st.level = Math.max(0, level - drained) + 1;
      if (level === 0 || level - drained <= 0) st.leakAt = t;
      else st.leakAt = at + drained * r.leakMs;
      if (st.level >= threshold) fire(r, key, st, e, st.level, st.first);
      return;
    }
    if (r.distinct) {
      const values = st.values ?? new Map<string, number>();
      st.values = values;
      const v = fieldText(e, r.distinct);
      const seen = values.get(v);
      values.delete(v);
      values.set(v, seen !== undefined && seen > t ? seen : t);
      if (values.size > threshold) values.delete(values.keys().next().value as string);
      const cutoff = st.last - windowMs;
      for (const [value, at] of values) {
        if (at >= cutoff) break;
        values.delete(value);
      }
      if (values.size >= threshold) {
        let first = t;
        for (const at of values.values()) if (at < first) first = at;
        fire(r, key, st, e, values.size, first);
      }
      return;
    }
    // Kept: the times within one window of the key's newest event. Before firing that is fewer than
    // `threshold` (else it would have fired), so the scan below is O(threshold).
    const times = st.times;
    const cutoff = st.last - windowMs;
    if (t < cutoff) return; // later than a whole window behind this key's newest event: too late to count
    let i = times.length;
    while (i > 0 && (times[i - 1] as number) > t) i--;
    times.splice(i, 0, t);
    while (times.length > 0 && (times[0] as number) < cutoff) times.shift();
    for (let j = 0; j + threshold - 1 < times.length; j++) {
      const first = times[j] as number;
      if ((times[j + threshold - 1] as number) - first <= windowMs) {
        fire(r, key, st, e, threshold, first);
        return;
      }
    }
  }

  function process(events: readonly Event[]): void {
    if (running.length === 0 || events.length === 0) return;
    const received = maxSkew === null ? 0 : now();
    for (const e of events) {
      let t = e.timestamp;
      if (maxSkew !== null && (t - received > maxSkew || received - t > maxSkew)) {
        t = received;
        stats.skewed++;
      }
      if (t > eventClock) eventClock = t;
      for (const r of candidates(e.log_type)) {
        if (r.sourceTypes && !r.sourceTypes.has(e.source_type)) continue;
        if (r.actions && !r.actions.has(e.action)) continue;
        if (!r.match(e)) continue;
        const value = fieldText(e, r.groupBy);
        if (value === "") continue;
        const perSite = e.site + SITE_SEP + value;
        count(r, e.arrival?.trusted === true ? perSite : UNTRUSTED + perSite, e, t);
      }
    }
    stats.processed += events.length;
    const clock = maxSkew === null ? eventClock : received;
    if (clock - lastSweep >= sweepEvery) sweep(clock);
  }

  /** Drops keys idle for longer than their window (their window is empty). */
  function sweep(clock = maxSkew === null ? eventClock : now()): void {
    lastSweep = clock;
    for (const r of running) {
      const w = r.scenario.detection.windowMs;
      for (const [key, st] of r.keys) if (clock - st.last > w) r.keys.delete(key);
    }
  }

  function snapshot(): EngineSnapshot {
    return {
      version: 1,
      saved_at: now(),
      scenarios: running.map((r) => ({
        name: r.scenario.name,
        fingerprint: r.fingerprint,
        keys: [...r.keys].map(([k, st]) => [
          k,
          {
            times: st.times,
            values: st.values ? [...st.values] : null,
            first: st.first,
            last: st.last,
            latched: st.latched,
            ids: st.ids,
            ...(st.threshold !== undefined ? { threshold: st.threshold } : {}),
            ...(st.level !== undefined ? { level: st.level, leakAt: st.leakAt } : {}),
          },
        ]),
      })),
    };
  }

  /**
   * Loads saved windows for scenarios whose definition is unchanged; keys whose window has emptied
   * by `at` (default now) are dropped. Returns how many keys were restored.
   */
  function restore(snap: EngineSnapshot, at = now()): number {
    let restored = 0;
    const byName = new Map(running.map((r) => [r.scenario.name, r]));
    for (const saved of snap.scenarios) {
      const r = byName.get(saved.name);
      if (!r || r.fingerprint !== saved.fingerprint) continue;
      for (const [k, st] of saved.keys) {
        if (at - st.last > r.scenario.detection.windowMs) continue;
        if (r.keys.size >= maxKeys) break;
        r.keys.set(k, { ...st, values: st.values ? new Map(st.values) : null });
        restored++;
      }
    }
    return restored;
  }

  function getStats(): EngineStats {
    let keys = 0;
    for (const r of running) keys += r.keys.size;
    return { scenarios: running.length, keys, ...stats };
  }

  replaceScenarios(opts.scenarios);
  return {
    process,
    replaceScenarios,
    sweep,
    snapshot,
    restore,
    stats: getStats,
    scenarios: (): Scenario[] => running.map((r) => r.scenario),
  };
}
