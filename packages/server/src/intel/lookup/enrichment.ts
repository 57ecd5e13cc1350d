import type { Event } from "../../ingest/event.js";
import { canonicalIp } from "../../response/ip-address.js";
import type { ThreatLookupResult } from "./lookup-result.js";
import { type ThreatLookup, ThreatLookupRefused } from "./threat-lookup.js";

/**
 * Background enrichment (issue 10): IPs that trip a scenario, reach a pending approval or keep
 * getting dropped are looked up without anyone asking, so the IP page and the ban policy find a
 * score in the cache, and the console hears of a high or critical one at once (`threat_detected`).
 *
 * Budget: at most `perHour` lookups that were not already fresh in the cache (each may spend
 * several providers' quota), a bounded queue (older requests win: an attack's first IPs matter
 * most), two lookups at a time. Past the budget, requests are counted as skipped, never queued.
 */
export type EnrichReason = "detection" | "pending" | "drops";

export interface ThreatDetected {
  ip: string;
  aggregated_score: number;
  threat_level: ThreatLookupResult["threat_level"];
  is_malicious: boolean;
  categories: string[];
  sources: string[];
  country: string | null;
  /** Why the IP was looked up. */
  reason: EnrichReason;
  /** The sites where it was seen (the message goes only to clients who may see one of them). */
  sites: string[];
  checked_at: string;
}

export interface EnrichmentOptions {
  lookup: Pick<ThreatLookup, "lookup" | "cached" | "refusal">;
  /** How long a cached result is fresh (the lookup's own TTL). */
  cacheTtlMs: number;
  /** Told about each IP scoring high or critical (once per fresh lookup). */
  onThreat: (t: ThreatDetected) => void;
  /** Lookups per hour that may ask providers (default 200). */
  perHour?: number;
  /** Dropped events from one IP within `dropWindowMs` that trigger a lookup (default 20 in 10 min). */
  dropThreshold?: number;
  dropWindowMs?: number;
  maxQueued?: number;
  concurrency?: number;
  now?: () => number;
  log: { warn(obj: object, msg?: string): void };
}

export interface EnrichmentStats {
  queued: number;
  done: number;
  /** Lookups answered from a fresh cache entry (no budget spent). */
  cached: number;
  /** Requests dropped: over the hourly budget or the queue full. */
  skipped: number;
  failed: number;
}

export interface Enrichment {
  enqueue(ip: string, reason: EnrichReason, site: string): void;
  /** The ingest pipeline's `onEvents` consumer: counts drops per source IP. */
  consume(events: readonly Event[]): void;
  stats(): EnrichmentStats;
  /** Resolves when nothing is queued or running (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const HOUR = 3_600_000;
const DROP_ACTIONS = new Set(["drop", "reject"]);
const HIGH = new Set(["high", "critical"]);

export function createEnrichment(o: EnrichmentOptions): Enrichment {
  const now = o.now ?? Date.now;
  const perHour = o.perHour ?? 200;
  const dropThreshold = o.dropThreshold ?? 20;
  const dropWindowMs = o.dropWindowMs ?? 10 * 60_000;
  const maxQueued = o.maxQueued ?? 1000;
  const concurrency = o.concurrency ?? 2;
  const queue = new Map<string, { reason: EnrichReason; sites: Set<string> }>();
  const running = new Map<string, { reason: EnrichReason; sites: Set<string> }>();
  /** Start times of the lookups that asked providers within the last hour. */
  const spent: number[] = [];
  /** Per IP: the drop count in the current window and when the window started. */
  const drops = new Map<string, { count: number; since: number }>();
  const counters: EnrichmentStats = { queued: 0, done: 0, cached: 0, skipped: 0, failed: 0 };
  let closed = false;
  let idleWaiters: Array<() => void> = [];

  function budgetLeft(at: number): boolean {
    while (spent.length > 0 && (spent[0] ?? 0) <= at - HOUR) spent.shift();
    return spent.length < perHour;
  }

  /** IP → the `checked_at` of the result last announced: one notice per lookup result, not per detection. */
  const announced = new Map<string, string>();
  function announcedRecently(ip: string, checkedAt: string): boolean {
    if (announced.get(ip) === checkedAt) return true;
    announced.delete(ip);
    announced.set(ip, checkedAt);
    // Bounded: the oldest notices are forgotten first (a Map iterates in insertion order).
    if (announced.size > 10_000) announced.delete(announced.keys().next().value as string);
    return false;
  }

  function settleIdle(): void {
    if (queue.size > 0 || running.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  function pump(): void {
    while (!closed && running.size < concurrency && queue.size > 0) {
      const [ip, job] = queue.entries().next().value as [
        string,
        { reason: EnrichReason; sites: Set<string> },
      ];
      queue.delete(ip);
      running.set(ip, job);
      void work(ip, job).finally(() => {
        running.delete(ip);
        pump();
        settleIdle();
      });
    }
  }

  async function work(ip: string, job: { reason: EnrichReason; sites: Set<string> }): Promise<void> {
    try {
      if (await o.lookup.refusal(ip)) return;
      // A fresh cache entry (from an analyst, the ban policy or an earlier enrichment) costs nothing,
      // so it never counts against the budget; it is still announced if nobody was told yet.
      const hit = await o.lookup.cached(ip);
      let result: ThreatLookupResult;
      if (hit && now() - Date.parse(hit.checked_at) < o.cacheTtlMs) {
        counters.cached++;
        result = hit;
      } else {
        const at = now();
        if (!budgetLeft(at)) {
          counters.skipped++;
          return;
        }
        spent.push(at);
        result = await o.lookup.lookup(ip);
        counters.done++;
      }
      if (HIGH.has(result.threat_level) && !announcedRecently(ip, result.checked_at)) {
        o.onThreat({
          ip: result.ip,
          aggregated_score: result.aggregated_score,
          threat_level: result.threat_level,
          is_malicious: result.is_malicious,
          categories: result.categories,
          sources: result.sources,
          country: result.country,
          reason: job.reason,
          sites: [...job.sites],
          checked_at: result.checked_at,
        });
      }
    } catch (err) {
      if (err instanceof ThreatLookupRefused) return;
      counters.failed++;
      o.log.warn({ err, ip }, "background threat lookup failed");
    }
  }

  function enqueue(text: string, reason: EnrichReason, site: string): void {
    if (closed || perHour <= 0) return;
    const ip = canonicalIp(text);
    if (ip === null) return;
    const pending = queue.get(ip) ?? running.get(ip);
    if (pending) {
      if (site) pending.sites.add(site);
      return;
    }
    if (queue.size >= maxQueued) {
      counters.skipped++;
      return;
    }
    queue.set(ip, { reason, sites: new Set(site ? [site] : []) });
    counters.queued++;
    pump();
  }

  return {
    enqueue,
    consume(events) {
      const at = now();
      for (const e of events) {
        if (!e.src_ip || !DROP_ACTIONS.has(e.action)) continue;
        const d = drops.get(e.src_ip);
        if (!d || at - d.since > dropWindowMs) {
          drops.set(e.src_ip, { count: 1, since: at });
          continue;
        }
        d.count++;
        // Exactly at the threshold: one lookup per window, however long the drops go on.
        if (d.count === dropThreshold) enqueue(e.src_ip, "drops", e.site);
      }
      // Bounded memory under a scan from many addresses: forget expired windows now and then.
      if (drops.size > 50_000) {
        for (const [ip, d] of drops) if (at - d.since > dropWindowMs) drops.delete(ip);
      }
    },
    stats: () => ({ ...counters }),
    idle() {
      if (queue.size === 0 && running.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async close() {
      closed = true;
      queue.clear();
      if (running.size > 0) await new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}
