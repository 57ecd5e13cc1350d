import type { Kysely } from "kysely";
import type { StateDatabase } from "../storage/state-schema.js";
import type { ActorKind } from "./auth-tables.js";

/** The only code that reads and writes the `audit_log` table. */
export interface AuditEntry {
  id: string;
  at: Date;
  actor: string;
  actor_kind: ActorKind;
  action: string;
  target: string | null;
  status_code: number;
  detail: unknown;
  ip: string | null;
  /** The actor's client; null for operator staff and anonymous callers. */
  client: string | null;
}

export interface AuditFilter {
  /** Entries strictly older than this id (UUIDv7 ids sort by time). */
  beforeId?: string;
  actor?: string;
  action?: string;
  /** Substring of the target. */
  target?: string;
  /** At or after. */
  from?: Date;
  /** Before. */
  to?: Date;
  /** Only rows of this client's actors (a client admin's view). */
  client?: string;
  limit: number;
}

/** A LIKE pattern matching `text` anywhere, its own %, _ and backslash taken literally. */
const containing = (text: string): string => `%${text.replace(/[%_\\]/g, "\\$&")}%`;

export function createAuditRepo(db: Kysely<StateDatabase>) {
  return {
    async insert(entry: Omit<AuditEntry, "at">): Promise<void> {
      // jsonb travels as JSON text: the same on pg (which would turn arrays into SQL arrays) and PGlite.
      await db
        .insertInto("audit_log")
        .values({ ...entry, detail: JSON.stringify(entry.detail ?? {}) })
        .execute();
    },
    async list(filter: AuditFilter): Promise<AuditEntry[]> {
      let query = db.selectFrom("audit_log").selectAll().orderBy("id", "desc").limit(filter.limit);
      if (filter.beforeId) query = query.where("id", "<", filter.beforeId);
      if (filter.actor) query = query.where("actor", "=", filter.actor);
      if (filter.action) query = query.where("action", "like", containing(filter.action));
      if (filter.target) query = query.where("target", "like", containing(filter.target));
      if (filter.from) query = query.where("at", ">=", filter.from);
      if (filter.to) query = query.where("at", "<", filter.to);
      if (filter.client !== undefined) query = query.where("client", "=", filter.client);
      return query.execute();
    },
  };
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;
