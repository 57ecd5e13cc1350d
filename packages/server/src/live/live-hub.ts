import type { Event } from "../ingest/event.js";
import { NOTHING, type Subscription, severityRank, topicOf } from "./live-topics.js";

/**
 * Fans live messages out to WebSocket clients. A client receives only the topics it subscribed to (a
 * page that shows no events gets no events), events only from its rooms (sites, minimum severity),
 * and at most `maxEventsPerSecond` events: above that the feed is sampled evenly and the client is
 * told how many it skipped (`skipped`, once a second). A slow client or a flood never slows ingestion —
 * messages it cannot take are counted and the client is told (`lagged`) instead of buffering without end.
 */
export interface LiveSocket {
  send(data: string): void;
  readonly bufferedAmount: number;
  readonly readyState: number;
}

export interface LiveHubOptions {
  /** Bytes a client may have waiting in its socket before new messages are dropped for it. */
  maxBufferedBytes?: number;
  /** Messages per second per client, beyond which messages are dropped (and counted as lagged). */
  maxPerSecond?: number;
  /** Live events per second per client; a human reads a few, so above this the feed is a sample. */
  maxEventsPerSecond?: number;
  /** Events in live messages carry at most this much of raw_log (the full line is one API call away). */
  rawLogPreview?: number;
  /** How often stats, skipped and lagged reports go out. */
  tickMs?: number;
}

interface Client {
  socket: LiveSocket;
  sub: Subscription;
  /**
   * Null: sees every site (operator staff). Otherwise the caller's scope, asked at each message so a
   * site moved to or from the client takes effect on open connections too.
   */
  allowed: ((site: string) => boolean) | null;
  dropped: number;
  skipped: number;
  /** Token bucket of the event sample: refills at maxEventsPerSecond, holds at most one second's worth. */
  tokens: number;
  refilledAt: number;
  windowStart: number;
  sentInWindow: number;
}

export interface LiveHandle {
  /** Replaces the given parts of the subscription. */
  update(sub: Partial<Subscription>): void;
  remove(): void;
}

const OPEN = 1;

export class LiveHub {
  private readonly clients = new Set<Client>();
  private readonly maxBuffered: number;
  private readonly maxPerSecond: number;
  private readonly maxEvents: number;
  private readonly rawPreview: number;
  private readonly tickMs: number;
  private timer: NodeJS.Timeout | null = null;
  private droppedTotal = 0;
  private skippedTotal = 0;
  /** Events per site and severity since the last stats tick. */
  private counts = new Map<string, Map<string, number>>();

  constructor(o: LiveHubOptions = {}) {
    this.maxBuffered = o.maxBufferedBytes ?? 1 << 20;
    this.maxPerSecond = o.maxPerSecond ?? 500;
    this.maxEvents = o.maxEventsPerSecond ?? 50;
    this.rawPreview = o.rawLogPreview ?? 2048;
    this.tickMs = o.tickMs ?? 1000;
  }

  get size(): number {
    return this.clients.size;
  }

  /** Messages dropped because clients fell behind (not counting deliberate sampling). */
  get dropped(): number {
    return this.droppedTotal;
  }

  /** Events left out of clients' samples. */
  get skipped(): number {
    return this.skippedTotal;
  }

  /** A new client subscribes to nothing until it says what it wants. */
  add(socket: LiveSocket, allowed: ((site: string) => boolean) | null): LiveHandle {
    const now = Date.now();
    const client: Client = {
      socket,
      sub: NOTHING,
      allowed,
      dropped: 0,
      skipped: 0,
      tokens: this.maxEvents,
      refilledAt: now,
      windowStart: now,
      sentInWindow: 0,
    };
    this.clients.add(client);
    this.ensureTimer();
    return {
      update: (sub) => {
        client.sub = { ...client.sub, ...sub };
      },
      remove: () => {
        this.clients.delete(client);
        if (this.clients.size === 0 && this.timer) {
          clearInterval(this.timer);
          this.timer = null;
        }
      },
    };
  }

  /** Publishes new events to the clients subscribed to them, sampled per client above the rate. */
  publishEvents(events: readonly Event[]): void {
    if (this.clients.size === 0 || events.length === 0) return;
    this.count(events);
    const now = Date.now();
    const texts: (string | undefined)[] = new Array(events.length);
    const matched: number[] = [];
    for (const c of this.clients) {
      if (!c.sub.topics.has("events") || c.socket.readyState !== OPEN) continue;
      matched.length = 0;
      for (let i = 0; i < events.length; i++) {
        const e = events[i] as Event;
        if (this.inRoom(c, e.site, e.severity)) matched.push(i);
      }
      if (matched.length === 0) continue;
      c.tokens = Math.min(this.maxEvents, c.tokens + ((now - c.refilledAt) * this.maxEvents) / 1000);
      c.refilledAt = now;
      const take = Math.min(matched.length, Math.floor(c.tokens));
      // Evenly spread over the batch rather than its first events, so the sample looks like the traffic.
      for (let k = 0; k < take; k++) {
        const i = matched[Math.floor((k * matched.length) / take)] as number;
        texts[i] ??= JSON.stringify({ type: "new_event", data: this.toWire(events[i] as Event) });
        this.deliver(c, texts[i] as string, now);
      }
      c.tokens -= take;
      const left = matched.length - take;
      c.skipped += left;
      this.skippedTotal += left;
    }
  }

  /**
   * Publishes any other message (bans, alerts…) to the clients subscribed to its topic. A message of
   * some sites reaches only clients allowed to see one of them; a message of no site (Vigil's own
   * health, enforcement targets) reaches operator staff only.
   */
  publish(
    type: string,
    data: unknown,
    scope: { site?: string; sites?: readonly string[]; severity?: string } = {},
  ): void {
    const topic = topicOf(type);
    let text: string | null = null;
    const now = Date.now();
    const sites = [...(scope.sites ?? []), ...(scope.site ? [scope.site] : [])];
    for (const c of this.clients) {
      if (!c.sub.topics.has(topic)) continue;
      const allowed = c.allowed;
      if (allowed !== null && !sites.some((s) => allowed(s))) continue;
      text ??= JSON.stringify({ type, data });
      this.deliver(c, text, now);
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.clients.clear();
  }

  private seesSite(c: Client, site: string): boolean {
    if (c.allowed !== null && !c.allowed(site)) return false;
    return c.sub.sites.length === 0 || c.sub.sites.includes(site);
  }

  private inRoom(c: Client, site: string, severity: string): boolean {
    if (!this.seesSite(c, site)) return false;
    if (c.sub.severities.length > 0 && !c.sub.severities.includes(severity)) return false;
    if (c.sub.minSeverity !== null && severityRank(severity) > severityRank(c.sub.minSeverity)) return false;
    return true;
  }

  private count(events: readonly Event[]): void {
    for (const e of events) {
      let bySeverity = this.counts.get(e.site);
      if (!bySeverity) {
        bySeverity = new Map();
        this.counts.set(e.site, bySeverity);
      }
      bySeverity.set(e.severity, (bySeverity.get(e.severity) ?? 0) + 1);
    }
  }

  private deliver(c: Client, text: string, now: number): void {
    if (c.socket.readyState !== OPEN) return;
    if (now - c.windowStart >= 1000) {
      c.windowStart = now;
      c.sentInWindow = 0;
    }
    if (c.sentInWindow >= this.maxPerSecond || c.socket.bufferedAmount > this.maxBuffered) {
      c.dropped++;
      this.droppedTotal++;
      return;
    }
    c.sentInWindow++;
    c.socket.send(text);
  }

  private toWire(e: Event): Record<string, unknown> {
    const raw = e.raw_log.length > this.rawPreview ? `${e.raw_log.slice(0, this.rawPreview)}…` : e.raw_log;
    return { ...e, timestamp: new Date(e.timestamp).toISOString(), raw_log: raw };
  }

  /** The stats of the sites a client sees: events since the last tick, by severity. */
  private statsFor(c: Client): { events: number; by_severity: Record<string, number> } | null {
    let events = 0;
    const by: Record<string, number> = {};
    for (const [site, bySeverity] of this.counts) {
      if (!this.seesSite(c, site)) continue;
      for (const [severity, n] of bySeverity) {
        events += n;
        by[severity] = (by[severity] ?? 0) + n;
      }
    }
    return events > 0 ? { events, by_severity: by } : null;
  }

  /** Once a tick: stats to their subscribers, and how much each client skipped (sampling) or missed (lag). */
  tick(): void {
    const now = Date.now();
    for (const c of this.clients) {
      if (c.socket.readyState !== OPEN || c.socket.bufferedAmount > this.maxBuffered) continue;
      if (c.sub.topics.has("stats")) {
        const stats = this.statsFor(c);
        if (stats)
          this.deliver(
            c,
            JSON.stringify({ type: "stats", data: { ...stats, interval_ms: this.tickMs } }),
            now,
          );
      }
      if (c.skipped > 0) {
        c.socket.send(
          JSON.stringify({ type: "skipped", skipped: c.skipped, max_per_second: this.maxEvents }),
        );
        c.skipped = 0;
      }
      if (c.dropped > 0) {
        c.socket.send(JSON.stringify({ type: "lagged", dropped: c.dropped }));
        c.dropped = 0;
      }
    }
    this.counts = new Map();
  }

  private ensureTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }
}
