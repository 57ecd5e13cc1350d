import type { Kysely } from "kysely";
import { uuidv7 } from "uuidv7";
import { HttpProblem } from "../http/problem.js";
import type { StateDatabase } from "../storage/state-schema.js";
import "./search-tables.js";

/** Newest history entries kept per user. */
export const HISTORY_PER_USER = 100;

export interface SavedSearch {
  id: string;
  name: string;
  query: string;
  description: string;
  created_at: string;
}

export interface HistoryEntry {
  id: string;
  query: string;
  ran_at: string;
  ok: boolean;
  row_count: number | null;
  elapsed_ms: number | null;
}

type Db = Kysely<StateDatabase>;

export async function listSaved(db: Db, userId: string): Promise<SavedSearch[]> {
  const rows = await db
    .selectFrom("saved_searches")
    .select(["id", "name", "query", "description", "created_at"])
    .where("user_id", "=", userId)
    .orderBy("name")
    .execute();
  return rows.map((r) => ({ ...r, created_at: r.created_at.toISOString() }));
}

/** A 409 when the user already has a query of that name. */
export async function createSaved(
  db: Db,
  userId: string,
  input: { name: string; query: string; description?: string | undefined },
): Promise<SavedSearch> {
  try {
    const row = await db
      .insertInto("saved_searches")
      .values({
        id: uuidv7(),
        user_id: userId,
        name: input.name,
        query: input.query,
        description: input.description ?? "",
        created_at: new Date(),
      })
      .returning(["id", "name", "query", "description", "created_at"])
      .executeTakeFirstOrThrow();
    return { ...row, created_at: row.created_at.toISOString() };
  } catch (err) {
    if ((err as { code?: unknown }).code === "23505") {
      throw new HttpProblem(409, `You already have a saved query named ${JSON.stringify(input.name)}.`);
    }
    throw err;
  }
}

/** Deletes one of the user's saved queries; false when it is not theirs or does not exist. */
export async function deleteSaved(db: Db, userId: string, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom("saved_searches")
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function recordHistory(
  db: Db,
  userId: string,
  entry: Omit<HistoryEntry, "id" | "ran_at"> & { ran_at: Date },
) {
  await db
    .insertInto("search_history")
    .values({ id: uuidv7(), user_id: userId, ...entry })
    .execute();
  // Keep the newest HISTORY_PER_USER: whatever is older than the last of them goes.
  const keep = await db
    .selectFrom("search_history")
    .select(["ran_at", "id"])
    .where("user_id", "=", userId)
    .orderBy("ran_at", "desc")
    .orderBy("id", "desc")
    .offset(HISTORY_PER_USER - 1)
    .limit(1)
    .executeTakeFirst();
  if (keep) {
    await db
      .deleteFrom("search_history")
      .where("user_id", "=", userId)
      .where((eb) =>
        eb.or([
          eb("ran_at", "<", keep.ran_at),
          eb.and([eb("ran_at", "=", keep.ran_at), eb("id", "<", keep.id)]),
        ]),
      )
      .execute();
  }
}

export async function listHistory(db: Db, userId: string, limit: number): Promise<HistoryEntry[]> {
  const rows = await db
    .selectFrom("search_history")
    .select(["id", "query", "ran_at", "ok", "row_count", "elapsed_ms"])
    .where("user_id", "=", userId)
    .orderBy("ran_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, ran_at: r.ran_at.toISOString() }));
}
