import { type Kysely, sql } from "kysely";
import type { StateDatabase } from "../../storage/state-schema.js";
import type { SyncState, TargetType } from "./enforcement-tables.js";
import "./enforcement-tables.js";

/** The only code that reads and writes `enforcement_targets` and `enforcement_delivered`. */
export interface TargetRow {
  id: string;
  name: string;
  type: TargetType;
  enabled: boolean;
  /** As stored: secrets sealed. */
  config: Record<string, unknown>;
  state: SyncState;
  last_sync: Date | null;
  last_error: string | null;
  in_sync: number;
  pending: number;
  /** Bound sites (see EnforcementTargetsTable.sites). */
  sites: string[];
}

/**
 * The blocklist-feed group's sync on a Sophos XGS target (additive to the ban fields; all null for
 * webhooks, when no feed source is wired, or before the first feed pass). Kept apart so a feed
 * failure never marks the bans as failing. Held in memory by the node that ran the pass.
 */
export interface FeedSyncStatus {
  feed_in_sync: number | null;
  feed_pending: number | null;
  feed_error: string | null;
  feed_last_sync: string | null;
}

export const NO_FEED_STATUS: FeedSyncStatus = {
  feed_in_sync: null,
  feed_pending: null,
  feed_error: null,
  feed_last_sync: null,
};

export interface TargetStatus extends FeedSyncStatus {
  state: SyncState;
  last_sync: string | null;
  last_error: string | null;
  in_sync: number;
  pending: number;
}

const COLUMNS = [
  "id",
  "name",
  "type",
  "enabled",
  "config",
  "state",
  "last_sync",
  "last_error",
  "in_sync",
  "pending",
  "sites",
] as const;

export function statusOf(row: TargetRow, feed: FeedSyncStatus = NO_FEED_STATUS): TargetStatus {
  return {
    state: row.state,
    last_sync: row.last_sync?.toISOString() ?? null,
    last_error: row.last_error,
    in_sync: row.in_sync,
    pending: row.pending,
    ...feed,
  };
}

export function createTargetRepo(db: Kysely<StateDatabase>) {
  return {
    list(): Promise<TargetRow[]> {
      return db.selectFrom("enforcement_targets").select(COLUMNS).orderBy("name").execute();
    },
    get(id: string): Promise<TargetRow | undefined> {
      return db.selectFrom("enforcement_targets").select(COLUMNS).where("id", "=", id).executeTakeFirst();
    },
    async unknownSites(sites: string[]): Promise<string[]> {
      if (sites.length === 0) return [];
      const found = await db.selectFrom("sites").select("name").where("name", "in", sites).execute();
      const known = new Set(found.map((r) => r.name));
      return sites.filter((s) => !known.has(s));
    },
    async insert(row: {
      id: string;
      name: string;
      type: TargetType;
      enabled: boolean;
      config: object;
      sites?: string[];
    }) {
      return db
        .insertInto("enforcement_targets")
        .values({ ...row, config: JSON.stringify(row.config) })
        .returning(COLUMNS)
        .executeTakeFirstOrThrow();
    },
    async update(id: string, patch: { name: string; enabled: boolean; config: object; sites: string[] }) {
      return db
        .updateTable("enforcement_targets")
        .set({ ...patch, config: JSON.stringify(patch.config), updated_at: sql<Date>`now()` })
        .where("id", "=", id)
        .returning(COLUMNS)
        .executeTakeFirst();
    },
    async remove(id: string): Promise<boolean> {
      const r = await db.deleteFrom("enforcement_targets").where("id", "=", id).executeTakeFirst();
      return r.numDeletedRows > 0n;
    },
    async nameTaken(name: string, exceptId?: string): Promise<boolean> {
      let q = db.selectFrom("enforcement_targets").select("id").where("name", "=", name);
      if (exceptId) q = q.where("id", "<>", exceptId);
      return (await q.executeTakeFirst()) !== undefined;
    },
    async setStatus(
      id: string,
      s: { state: SyncState; last_error: string | null; in_sync: number; pending: number },
    ) {
      return db
        .updateTable("enforcement_targets")
        .set({ ...s, last_sync: sql<Date>`now()` })
        .where("id", "=", id)
        .returning(COLUMNS)
        .executeTakeFirst();
    },
    /**
     * Claims a target for one sync: an atomic UPDATE, so across nodes only one pushes to a firewall at a
     * time. A lease (not a session advisory lock) because the sync talks to the network for seconds and
     * must not hold a pooled connection — on PGlite, the only one — meanwhile.
     */
    async claim(id: string, leaseMs: number): Promise<boolean> {
      const r = await db
        .updateTable("enforcement_targets")
        .set({ lease_until: sql<Date>`now() + ${`${leaseMs} milliseconds`}::interval` })
        .where("id", "=", id)
        .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", sql<Date>`now()`)]))
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
    /** Extends a lease this node holds (a long feed pass must not let another node in meanwhile). */
    async renew(id: string, leaseMs: number): Promise<void> {
      await db
        .updateTable("enforcement_targets")
        .set({ lease_until: sql<Date>`now() + ${`${leaseMs} milliseconds`}::interval` })
        .where("id", "=", id)
        .execute();
    },
    async release(id: string): Promise<void> {
      await db.updateTable("enforcement_targets").set({ lease_until: null }).where("id", "=", id).execute();
    },
    delivered(targetId: string) {
      return db
        .selectFrom("enforcement_delivered")
        .select(["ip", "status", "expires_at"])
        .where("target_id", "=", targetId)
        .execute();
    },
    async markDelivered(targetId: string, ip: string, status: string, expiresAt: Date | null): Promise<void> {
      await db
        .insertInto("enforcement_delivered")
        .values({ target_id: targetId, ip, status, expires_at: expiresAt })
        .onConflict((oc) => oc.columns(["target_id", "ip"]).doUpdateSet({ status, expires_at: expiresAt }))
        .execute();
    },
    async forget(targetId: string, ip: string): Promise<void> {
      await db
        .deleteFrom("enforcement_delivered")
        .where("target_id", "=", targetId)
        .where("ip", "=", ip)
        .execute();
    },
  };
}

export type TargetRepo = ReturnType<typeof createTargetRepo>;
