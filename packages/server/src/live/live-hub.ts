import type { Event } from "../ingest/event.js";

/**
 * Fans live messages out to WebSocket clients. Each client has its own filters (sites, severities) and a
 * bounded budget: a slow client or a flood never slows ingestion — messages it cannot take are counted
 * and the client is told (`lagged`) instead of the server buffering without end.
 */
export interface LiveSocket {
  send(data: string): void;
  readonly bufferedAmount: number;
  readonly readyState: number;
}

export interface Subscription {
  sites: string[];
  severities: string[];
}

export interface LiveHubOptions {
  /** Bytes a client may have waiting in its socket before new messages are dropped for it. */
  maxBufferedBytes?: number;
  /** Messages per second per client, beyond which messages are dropped (and counted). */
  maxPerSecond?: number;
  /** Events in live messages carry at most this much of raw_log (the full line is one API call away). */
  rawLogPreview?: number;
}

interface Client {
  socket: LiveSocket;
  sub: Subscription;
  /** Null: sees every site. A site-bound principal sees only its own. */
  allowedSite: string | null;
  dropped: number;
  windowStart: number;
  sentInWindow: number;
}

const OPEN = 1;

export class LiveHub {
  private readonly clients = new Set<Client>();
  private readonly maxBuffered: number;
  private readonly maxPerSecond: number;
  private readonly rawPreview: number;
  private timer: NodeJS.Timeout | null = null;
  private droppedTotal = 0;

  constructor(o: LiveHubOptions = {}) {
    this.maxBuffered = o.maxBufferedBytes ?? 1 << 20;
    this.maxPerSecond = o.maxPerSecond ?? 500;
    this.rawPreview = o.rawLogPreview ?? 2048;
  }

  get size(): number {
    return this.clients.size;
  }

  get dropped(): number {
    return this.droppedTotal;
  }

  add(
    socket: LiveSocket,
    allowedSite: string | null,
  ): { update(sub: Partial<Subscription>): void; remove(): void } {
    const client: Client = {
      socket,
      sub: { sites: [], severities: [] },
      allowedSite,
      dropped: 0,
      windowStart: Date.now(),
      sentInWindow: 0,
    };
    this.clients.add(client);
    this.ensureTimer();
    return {
      update: (sub) => {
        client.sub = {
          sites: sub.sites ?? client.sub.sites,
          severities: sub.severities ?? client.sub.severities,
        };
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

  /** Publishes new events to every client whose filters match. */
  publishEvents(events: readonly Event[]): void {
    if (this.clients.size === 0) return;
    const now = Date.now();
    for (const e of events) {
      let text: string | null = null;
      for (const c of this.clients) {
        if (!this.matches(c, e.site, e.severity)) continue;
        text ??= JSON.stringify({ type: "new_event", data: this.toWire(e) });
        this.deliver(c, text, now);
      }
    }
  }

  /** Publishes any other message (bans, alerts…) scoped to a site and severity when it has them. */
  publish(type: string, data: unknown, scope: { site?: string; severity?: string } = {}): void {
    const text = JSON.stringify({ type, data });
    const now = Date.now();
    for (const c of this.clients) {
      if (scope.site !== undefined && !this.matches(c, scope.site, scope.severity ?? "")) continue;
      this.deliver(c, text, now);
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.clients.clear();
  }

  private matches(c: Client, site: string, severity: string): boolean {
    if (c.allowedSite !== null && c.allowedSite !== site) return false;
    if (c.sub.sites.length > 0 && !c.sub.sites.includes(site)) return false;
    if (severity && c.sub.severities.length > 0 && !c.sub.severities.includes(severity)) return false;
    return true;
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

  /** Tells lagging clients how much they missed, once a second. */
  private ensureTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      for (const c of this.clients) {
        if (c.dropped > 0 && c.socket.readyState === OPEN && c.socket.bufferedAmount <= this.maxBuffered) {
          c.socket.send(JSON.stringify({ type: "lagged", dropped: c.dropped }));
          c.dropped = 0;
        }
      }
    }, 1000);
    this.timer.unref();
  }
}
