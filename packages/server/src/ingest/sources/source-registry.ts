import type { Kysely } from "kysely";
import type { Logger } from "pino";
import { uuidv7 } from "uuidv7";
import { HttpProblem } from "../../http/problem.js";
import type { StateDatabase } from "../../storage/state-schema.js";
import type { SourceMatchType } from "./source-tables.js";

/**
 * Who sent a line, and so which site it belongs to and which time zone its wall-clock times are in.
 * Lookups are synchronous from an in-memory copy (ingest calls this for every line); unknown senders and
 * counters are written back to the state store every few seconds.
 */
export const DEFAULT_SITE = "default";

export interface ResolvedSource {
  site: string;
  timezone: string;
  registered: boolean;
}

export interface SourceView {
  id: string;
  match_type: SourceMatchType;
  match_value: string;
  name: string;
  site: string;
  timezone: string;
  registered: boolean;
  /** For a hostname or serial: the sender address it was last seen behind ("" when never seen). */
  via: string;
  first_seen: string | null;
  last_seen: string | null;
  event_count: number;
}

export interface SourceInput {
  match_type: SourceMatchType;
  match_value: string;
  site: string;
  timezone: string;
  name?: string;
}

interface Seen {
  type: SourceMatchType;
  value: string;
  /** The sender address a hostname or serial came from; "" for an address itself. */
  via: string;
  count: number;
  first: number;
  last: number;
}

const key = (type: SourceMatchType, value: string) => `${type}:${value.toLowerCase()}`;

/**
 * Distinct senders and devices counted between two flushes (every 5 s). Beyond it, new names wait for
 * the next flush: a relay whose hostnames are junk cannot fill the sources table in one burst.
 */
const MAX_SEEN_PER_FLUSH = 2_000;

export class SourceRegistry {
  private registered = new Map<string, ResolvedSource>();
  /** Counters since the last flush, by match key (unknown senders are keyed by IP). */
  private seen = new Map<string, Seen>();
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly db: Kysely<StateDatabase>,
    private readonly defaultTimezone: string,
    private readonly log: Pick<Logger, "warn" | "error">,
  ) {}

  static async open(db: Kysely<StateDatabase>, defaultTimezone: string, log: Pick<Logger, "warn" | "error">) {
    const r = new SourceRegistry(db, defaultTimezone, log);
    await r.reload();
    r.timer = setInterval(() => {
      r.flush().catch((err) => log.error({ err }, "could not record log senders"));
    }, 5_000);
    r.timer.unref();
    return r;
  }

  /** Site and zone for a syslog sender: its device serial first, then header hostname, then peer IP. */
  resolve(ip: string, hostname = "", serial = ""): ResolvedSource {
    const hit =
      (serial && this.registered.get(key("serial", serial))) ||
      (hostname && this.registered.get(key("hostname", hostname))) ||
      this.registered.get(key("ip", ip));
    return hit ?? { site: DEFAULT_SITE, timezone: this.defaultTimezone, registered: false };
  }

  /** Only the peer IP counts here: a hostname in a header can be anything the sender writes. */
  isRegisteredIp(ip: string): boolean {
    return this.registered.has(key("ip", ip));
  }

  /** Counts lines from a sender; unknown senders are listed for an admin to assign. */
  noteSeen(ip: string, count: number, now = Date.now()): void {
    this.count("ip", ip, "", count, now);
  }

  /**
   * Counts a line's syslog hostname or device serial behind its sender address, so the Sources page can
   * list every device one address carries and map each to its own site. A hostname that is just the
   * address again says nothing new and is not recorded.
   */
  noteDevice(ip: string, type: "hostname" | "serial", value: string, now = Date.now()): void {
    if (!value || value.length > 255 || (type === "hostname" && value === ip)) return;
    this.count(type, value, ip, 1, now);
  }

  private count(type: SourceMatchType, value: string, via: string, count: number, now: number): void {
    const k = key(type, value);
    const s = this.seen.get(k);
    if (s) {
      s.count += count;
      s.last = now;
      s.via = via;
    } else if (this.seen.size < MAX_SEEN_PER_FLUSH) {
      this.seen.set(k, { type, value: value.toLowerCase(), via, count, first: now, last: now });
    }
  }

  async list(): Promise<SourceView[]> {
    await this.flush();
    const rows = await this.db
      .selectFrom("sources")
      .selectAll()
      .orderBy("registered", "desc")
      .orderBy("last_seen", "desc")
      .execute();
    return rows.map((r) => ({
      id: r.id,
      match_type: r.match_type,
      match_value: r.match_value,
      name: r.name,
      site: r.site,
      timezone: r.timezone,
      registered: r.registered,
      via: r.via,
      first_seen: r.first_seen ? r.first_seen.toISOString() : null,
      last_seen: r.last_seen ? r.last_seen.toISOString() : null,
      event_count: Number(r.event_count),
    }));
  }

  /** A source's site must be a registered site (tenancy/): a 400 naming it otherwise. */
  private async assertSite(site: string | undefined): Promise<void> {
    if (site === undefined) return;
    const found = await this.db
      .selectFrom("sites")
      .select("name")
      .where("name", "=", site)
      .executeTakeFirst();
    if (!found)
      throw new HttpProblem(400, `site: no site named "${site}"; create it first (Clients and sites)`);
  }

  /** Registers a sender (or takes over the row an unknown sender left). */
  async register(input: SourceInput): Promise<SourceView> {
    await this.assertSite(input.site);
    const value = input.match_value.trim().toLowerCase();
    const row = await this.db
      .insertInto("sources")
      .values({
        id: uuidv7(),
        match_type: input.match_type,
        match_value: value,
        name: input.name ?? "",
        site: input.site,
        timezone: input.timezone,
        registered: true,
      })
      .onConflict((oc) =>
        oc.columns(["match_type", "match_value"]).doUpdateSet({
          name: input.name ?? "",
          site: input.site,
          timezone: input.timezone,
          registered: true,
        }),
      )
      .returning("id")
      .executeTakeFirstOrThrow();
    await this.reload();
    return this.get(row.id) as Promise<SourceView>;
  }

  async update(
    id: string,
    patch: Partial<Omit<SourceInput, "match_type" | "match_value">>,
  ): Promise<SourceView | null> {
    await this.assertSite(patch.site);
    const res = await this.db
      .updateTable("sources")
      .set({ ...patch, registered: true })
      .where("id", "=", id)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) return null;
    await this.reload();
    return this.get(id);
  }

  async remove(id: string): Promise<boolean> {
    const res = await this.db.deleteFrom("sources").where("id", "=", id).executeTakeFirst();
    await this.reload();
    return Number(res.numDeletedRows) > 0;
  }

  async get(id: string): Promise<SourceView | null> {
    return (await this.list()).find((s) => s.id === id) ?? null;
  }

  async reload(): Promise<void> {
    const rows = await this.db
      .selectFrom("sources")
      .select(["match_type", "match_value", "site", "timezone"])
      .where("registered", "=", true)
      .execute();
    const next = new Map<string, ResolvedSource>();
    for (const r of rows)
      next.set(key(r.match_type, r.match_value), { site: r.site, timezone: r.timezone, registered: true });
    this.registered = next;
  }

  /** Writes counters and newly seen senders to the state store. */
  async flush(): Promise<void> {
    if (this.seen.size === 0) return;
    const batch = this.seen;
    this.seen = new Map();
    for (const s of batch.values()) {
      try {
        await this.db
          .insertInto("sources")
          .values({
            id: uuidv7(),
            match_type: s.type,
            match_value: s.value,
            site: DEFAULT_SITE,
            timezone: this.defaultTimezone,
            registered: false,
            via: s.via,
            first_seen: new Date(s.first),
            last_seen: new Date(s.last),
            event_count: String(s.count),
          })
          .onConflict((oc) =>
            oc.columns(["match_type", "match_value"]).doUpdateSet((eb) => ({
              last_seen: new Date(s.last),
              first_seen: eb.fn.coalesce("sources.first_seen", eb.val(new Date(s.first))),
              event_count: eb("sources.event_count", "+", eb.val(String(s.count))),
              via: s.via,
            })),
          )
          .execute();
      } catch (err) {
        this.log.warn({ err, sender: s.value }, "could not record a log sender");
      }
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}
