import { type Kysely, sql } from "kysely";
import type { ApiKeyScope } from "../http/access.js";
import type { StateDatabase } from "../storage/state-schema.js";

/** The only code that reads and writes the `api_keys` table. */
export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  site: string | null;
  client: string | null;
  created_by: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const PUBLIC_COLUMNS = [
  "id",
  "name",
  "prefix",
  "scopes",
  "site",
  "client",
  "created_by",
  "created_at",
  "last_used_at",
  "revoked_at",
] as const;

export function createApiKeysRepo(db: Kysely<StateDatabase>) {
  return {
    async insert(key: {
      id: string;
      name: string;
      key_hash: string;
      prefix: string;
      scopes: ApiKeyScope[];
      site: string | null;
      client?: string | null;
      created_by: string | null;
    }): Promise<ApiKeyRow> {
      return db.insertInto("api_keys").values(key).returning(PUBLIC_COLUMNS).executeTakeFirstOrThrow();
    },
    async list(): Promise<ApiKeyRow[]> {
      return db.selectFrom("api_keys").select(PUBLIC_COLUMNS).orderBy("created_at", "desc").execute();
    },
    async findActiveByHash(keyHash: string): Promise<ApiKeyRow | undefined> {
      return db
        .selectFrom("api_keys")
        .select(PUBLIC_COLUMNS)
        .where("key_hash", "=", keyHash)
        .where("revoked_at", "is", null)
        .executeTakeFirst();
    },
    /** Marks the key revoked; false when there is no such live key. */
    async revoke(id: string): Promise<boolean> {
      const result = await db
        .updateTable("api_keys")
        .set({ revoked_at: sql<Date>`now()` })
        .where("id", "=", id)
        .where("revoked_at", "is", null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async touchLastUsed(id: string): Promise<void> {
      await db.updateTable("api_keys").set({ last_used_at: sql<Date>`now()` }).where("id", "=", id).execute();
    },
  };
}

export type ApiKeysRepo = ReturnType<typeof createApiKeysRepo>;
