import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Kysely } from "kysely";
import { uuidv7 } from "uuidv7";
import { sha256Hex } from "../../auth/secrets.js";
import { HttpProblem } from "../../http/problem.js";
import type { StateDatabase } from "../../storage/state-schema.js";

/** A bouncer as the console lists it (never its key). */
export interface BouncerView {
  id: string;
  name: string;
  created_at: string;
  last_pull: string | null;
  ip_address: string;
  version: string;
  /** Sites whose bans it receives (plus global ones); empty = every ban. */
  sites: string[];
}

export interface AuthenticatedBouncer {
  id: string;
  name: string;
  cursor: string;
  last_pull: Date | null;
  sites: string[];
}

/** Bouncer API keys: random, shown once, stored as SHA-256 (like Vigil's API keys). */
export function createBouncerKeys(db: Kysely<StateDatabase>) {
  return {
    async list(): Promise<BouncerView[]> {
      const rows = await db
        .selectFrom("bouncers")
        .select(["id", "name", "created_at", "last_pull", "ip_address", "version", "sites"])
        .orderBy("created_at")
        .execute();
      return rows.map((row) => ({
        ...row,
        created_at: row.created_at.toISOString(),
        last_pull: row.last_pull?.toISOString() ?? null,
      }));
    },

    async create(
      name: string,
      createdBy: string,
      sites: string[] = [],
    ): Promise<{ id: string; name: string; api_key: string; sites: string[] }> {
      const unique = [...new Set(sites)];
      if (unique.length > 0) {
        const found = await db.selectFrom("sites").select("name").where("name", "in", unique).execute();
        const missing = unique.find((s) => !found.some((f) => f.name === s));
        if (missing) throw new HttpProblem(400, `sites: no site named "${missing}"`);
      }
      // Hex like cscli's keys: safe in any bouncer's config file format, no quoting needed.
      const apiKey = randomBytes(24).toString("hex");
      const id = uuidv7();
      const inserted = await db
        .insertInto("bouncers")
        .values({ id, name, key_hash: sha256Hex(apiKey), created_by: createdBy, sites: unique })
        .onConflict((oc) => oc.column("name").doNothing())
        .returning("id")
        .executeTakeFirst();
      if (!inserted) throw new HttpProblem(409, `A bouncer named "${name}" already exists`);
      return { id, name, api_key: apiKey, sites: unique };
    },

    async remove(id: string): Promise<void> {
      const result = await db.deleteFrom("bouncers").where("id", "=", id).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw new HttpProblem(404, `No bouncer with id ${id}`);
    },

    /** The bouncer holding this key, or null. */
    async authenticate(apiKey: string | undefined): Promise<AuthenticatedBouncer | null> {
      if (!apiKey) return null;
      const hash = sha256Hex(apiKey);
      const row = await db
        .selectFrom("bouncers")
        .select(["id", "name", "cursor", "last_pull", "key_hash", "sites"])
        .where("key_hash", "=", hash)
        .executeTakeFirst();
      // The lookup is by hash (an index probe leaks nothing about the key); compare anyway in
      // constant time so no code path ever compares secrets byte by byte.
      if (!row || !timingSafeEqual(Buffer.from(row.key_hash), Buffer.from(hash))) return null;
      return { id: row.id, name: row.name, cursor: row.cursor, last_pull: row.last_pull, sites: row.sites };
    },

    /** After a pull: when, from where, which software, and (for the stream) how far it has seen. */
    async recordPull(
      id: string,
      pull: { ip: string; userAgent: string; cursor?: string | undefined },
    ): Promise<void> {
      await db
        .updateTable("bouncers")
        .set({
          last_pull: new Date(),
          ip_address: pull.ip,
          version: pull.userAgent.slice(0, 200),
          ...(pull.cursor !== undefined ? { cursor: pull.cursor } : {}),
        })
        .where("id", "=", id)
        .execute();
    },
  };
}

export type BouncerKeys = ReturnType<typeof createBouncerKeys>;
