import { type Kysely, type Selectable, sql } from "kysely";
import { uuidv7 } from "uuidv7";
import { tryWithAdvisoryLock } from "../../storage/state-lock.js";
import type { StateDatabase } from "../../storage/state-schema.js";
import type { FeedFormat } from "./feed-parse.js";
import type { BlocklistFeedsTable, FeedStatus } from "./feed-tables.js";

/**
 * The repository of blocklist feeds: the only code here that talks to PostgreSQL.
 *
 * Entries live in `blocklist_entries` (one row per IP/CIDR, with its country) rather than in a file
 * under the data directory: every node of a cluster reads the same set without the network, a
 * restart reloads it in one query, and a refresh replaces it atomically (delete + bulk insert in one
 * transaction, the feed row locked so two nodes never interleave their writes).
 */
export type FeedRow = Selectable<BlocklistFeedsTable>;

export interface FeedInput {
  name: string;
  url: string;
  format: FeedFormat;
  enabled?: boolean | undefined;
  refresh_minutes?: number | undefined;
  sync_to_xgs?: boolean | undefined;
}

export type FeedPatch = Partial<FeedInput>;

export interface EntriesUpdate {
  values: string[];
  countries: string[];
  invalid: number;
  etag: string | null;
  lastModified: string | null;
  /** A note kept in last_error even on success (e.g. "3 invalid lines: …"), or null. */
  note: string | null;
}

/** Rows per INSERT … SELECT unnest(…): big enough to be quick, small enough for any driver. */
const INSERT_CHUNK = 20_000;

export class FeedStore {
  constructor(private readonly db: Kysely<StateDatabase>) {}

  all(): Promise<FeedRow[]> {
    return this.db.selectFrom("blocklist_feeds").selectAll().orderBy("name").execute();
  }

  get(id: string): Promise<FeedRow | undefined> {
    return this.db.selectFrom("blocklist_feeds").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async create(input: FeedInput): Promise<FeedRow> {
    return this.db
      .insertInto("blocklist_feeds")
      .values({
        id: uuidv7(),
        name: input.name,
        url: input.url,
        format: input.format,
        enabled: input.enabled ?? true,
        refresh_minutes: input.refresh_minutes ?? 60,
        sync_to_xgs: input.sync_to_xgs ?? false,
        etag: null,
        last_modified: null,
        last_error: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async update(id: string, patch: FeedPatch): Promise<FeedRow | undefined> {
    const row = await this.get(id);
    if (!row) return undefined;
    // Nothing to change (`{}`): an UPDATE with an empty SET is a syntax error.
    if (Object.values(patch).every((v) => v === undefined)) return row;
    const changedSource =
      (patch.url !== undefined && patch.url !== row.url) ||
      (patch.format !== undefined && patch.format !== row.format);
    return this.db
      .updateTable("blocklist_feeds")
      .set({
        ...patch,
        // A new URL or format is a different document: forget the validators and fetch it soon.
        ...(changedSource ? { etag: null, last_modified: null, next_refresh_at: sql<Date>`now()` } : {}),
        // A new period counts from the last fetch, so shortening it takes effect at once.
        ...(!changedSource &&
        patch.refresh_minutes !== undefined &&
        patch.refresh_minutes !== row.refresh_minutes
          ? {
              next_refresh_at: sql<Date>`coalesce(last_refresh, now()) + make_interval(mins => ${patch.refresh_minutes}::int)`,
            }
          : {}),
      })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirst();
  }

  async remove(id: string): Promise<boolean> {
    const res = await this.db.deleteFrom("blocklist_feeds").where("id", "=", id).executeTakeFirst();
    return res.numDeletedRows > 0n;
  }

  /** Values of one feed, as one string (one query, one row: far cheaper than 100k row objects). */
  async values(id: string): Promise<string[]> {
    const { rows } = await sql<{ v: string | null }>`
      select string_agg(value, E'\n') as v from blocklist_entries where feed_id = ${id}`.execute(this.db);
    const v = rows[0]?.v;
    return v ? v.split("\n") : [];
  }

  async countries(id: string): Promise<{ key: string; count: number }[]> {
    const rows = await this.db
      .selectFrom("blocklist_entries")
      .select(["country as key", (eb) => eb.fn.countAll<string>().as("count")])
      .where("feed_id", "=", id)
      .groupBy("country")
      .orderBy("count", "desc")
      .orderBy("country")
      .execute();
    return rows.map((r) => ({ key: r.key, count: Number(r.count) }));
  }

  /** Distinct values across enabled feeds marked sync_to_xgs, sorted. */
  async xgsValues(): Promise<string[]> {
    const rows = await this.db
      .selectFrom("blocklist_entries as e")
      .innerJoin("blocklist_feeds as f", "f.id", "e.feed_id")
      .select("e.value")
      .distinct()
      .where("f.enabled", "=", true)
      .where("f.sync_to_xgs", "=", true)
      .orderBy("e.value")
      .execute();
    return rows.map((r) => r.value);
  }

  /** Replace a feed's entries and record the successful refresh, atomically. */
  async replaceEntries(id: string, u: EntriesUpdate): Promise<FeedRow | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const locked = await tx
        .selectFrom("blocklist_feeds")
        .select("id")
        .where("id", "=", id)
        .forUpdate()
        .executeTakeFirst();
      if (!locked) return undefined; // deleted while we were fetching
      await tx.deleteFrom("blocklist_entries").where("feed_id", "=", id).execute();
      for (let i = 0; i < u.values.length; i += INSERT_CHUNK) {
        const values = u.values.slice(i, i + INSERT_CHUNK);
        const countries = u.countries.slice(i, i + INSERT_CHUNK);
        await sql`insert into blocklist_entries (feed_id, value, country)
          select ${id}::uuid, v, c from unnest(${values}::text[], ${countries}::text[]) as t(v, c)`.execute(
          tx,
        );
      }
      return tx
        .updateTable("blocklist_feeds")
        .set({
          etag: u.etag,
          last_modified: u.lastModified,
          last_refresh: sql<Date>`now()`,
          last_status: "ok",
          last_error: u.note,
          entries: u.values.length,
          invalid_lines: u.invalid,
          entries_version: sql<number>`entries_version + 1`,
        })
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirst();
    });
  }

  /** Record a refresh that changed no entries (304, or a failure: the previous entries stay). */
  async recordAttempt(id: string, status: Exclude<FeedStatus, "never">, error: string | null): Promise<void> {
    await this.db
      .updateTable("blocklist_feeds")
      .set({ last_refresh: sql<Date>`now()`, last_status: status, last_error: error })
      .where("id", "=", id)
      .execute();
  }

  /**
   * Claim the feeds due for a scheduled refresh, once per cluster: under an advisory lock, move each
   * due feed's next_refresh_at forward and return it. The fetches run after the lock is released (on
   * PGlite the locked connection is the only one, and a download must not hold it).
   */
  async claimDue(): Promise<string[]> {
    const res = await tryWithAdvisoryLock(this.db, "intel.feeds.refresh", async (conn) => {
      const rows = await conn
        .updateTable("blocklist_feeds")
        .set({ next_refresh_at: sql<Date>`now() + make_interval(mins => refresh_minutes)` })
        .where("enabled", "=", true)
        .where("next_refresh_at", "<=", sql<Date>`now()`)
        .returning("id")
        .execute();
      return rows.map((r) => r.id);
    });
    return res.ran ? res.value : [];
  }
}
