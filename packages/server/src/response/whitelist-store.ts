import { type Kysely, sql } from "kysely";
import { uuidv7 } from "uuidv7";
import type { StateDatabase } from "../storage/state-schema.js";
import type { ParsedCidr } from "./ip-address.js";
import { toWhitelist } from "./response-rows.js";
import type { WhitelistEntry, WhitelistType } from "./types.js";

/** The whitelist: IPs and CIDR ranges that are never (hard), less (soft) or only watched (monitor). */
export interface WhitelistInput {
  range: ParsedCidr;
  type: WhitelistType;
  reason: string;
  description?: string | undefined;
  score_modifier?: number | undefined;
  alert_only?: boolean | undefined;
  expires_at?: string | null | undefined;
  tags?: string[] | undefined;
  is_active?: boolean | undefined;
}

export async function listWhitelist(db: Kysely<StateDatabase>): Promise<WhitelistEntry[]> {
  const rows = await db.selectFrom("whitelist").selectAll().orderBy("created_at", "desc").execute();
  return rows.map(toWhitelist);
}

/** Entries whose range covers `ip` (all of them: the policy skips the inactive and the expired). */
export async function whitelistFor(db: Kysely<StateDatabase>, ip: string): Promise<WhitelistEntry[]> {
  const rows = await db
    .selectFrom("whitelist")
    .selectAll()
    .where(sql<boolean>`cidr >>= ${ip}::inet`)
    .execute();
  return rows.map(toWhitelist);
}

export async function addWhitelist(
  db: Kysely<StateDatabase>,
  input: WhitelistInput,
  actor: string,
): Promise<WhitelistEntry> {
  const row = await db
    .insertInto("whitelist")
    .values({
      id: uuidv7(),
      ip: input.range.text,
      cidr: input.range.cidr,
      type: input.type,
      reason: input.reason,
      description: input.description ?? "",
      score_modifier: input.score_modifier ?? 0,
      alert_only: input.alert_only ?? false,
      expires_at: input.expires_at ?? null,
      tags: input.tags ?? [],
      is_active: input.is_active ?? true,
      created_by: actor,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toWhitelist(row);
}

export async function updateWhitelist(
  db: Kysely<StateDatabase>,
  id: string,
  input: WhitelistInput,
): Promise<WhitelistEntry | null> {
  const row = await db
    .updateTable("whitelist")
    .set({
      ip: input.range.text,
      cidr: input.range.cidr,
      type: input.type,
      reason: input.reason,
      description: input.description ?? "",
      score_modifier: input.score_modifier ?? 0,
      alert_only: input.alert_only ?? false,
      expires_at: input.expires_at ?? null,
      tags: input.tags ?? [],
      is_active: input.is_active ?? true,
      updated_at: new Date(),
    })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  return row ? toWhitelist(row) : null;
}

export async function deleteWhitelist(db: Kysely<StateDatabase>, id: string): Promise<boolean> {
  const res = await db.deleteFrom("whitelist").where("id", "=", id).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** Deactivates entries past their expiry; returns how many. */
export async function expireWhitelist(db: Kysely<StateDatabase>, now: Date): Promise<number> {
  const res = await db
    .updateTable("whitelist")
    .set({ is_active: false, updated_at: now })
    .where("is_active", "=", true)
    .where("expires_at", "is not", null)
    .where("expires_at", "<=", now)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}
