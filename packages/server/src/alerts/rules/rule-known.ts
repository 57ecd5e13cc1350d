import type { Kysely } from "kysely";
import type { StateDatabase } from "../../storage/state-schema.js";
import { type KnownRefs, referencesOf } from "./rule-validation.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Which of the channel ids and user names a rule body mentions exist, read from the state store.
 * Only well-formed UUIDs are asked for: PostgreSQL refuses to compare a uuid column with other text,
 * and such an id cannot exist anyway.
 */
export async function loadKnownRefs(db: Kysely<StateDatabase>, input: unknown): Promise<KnownRefs> {
  const refs = referencesOf(input);
  const ids = [...new Set(refs.channels.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))];
  const names = [...new Set(refs.users)];
  const channels =
    ids.length === 0
      ? []
      : await db.selectFrom("notification_channels").select("id").where("id", "in", ids).execute();
  const users =
    names.length === 0
      ? []
      : await db.selectFrom("users").select("username").where("username", "in", names).execute();
  return {
    channels: new Set(channels.map((c) => c.id)),
    users: new Set(users.map((u) => u.username)),
  };
}
