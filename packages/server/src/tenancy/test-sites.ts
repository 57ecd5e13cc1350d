import type { Kysely } from "kysely";
import type { StateDatabase } from "../storage/state-schema.js";

/**
 * Registers sites (and their client) straight in the state store, for tests of features that need a
 * site to exist (sources, site-bound keys, bound targets). The app's directory re-reads the table on
 * the next write through the tenancy routes; tests that scope requests call `app.siteDirectory.refresh()`.
 */
export async function createTestSites(
  db: Kysely<StateDatabase>,
  sites: readonly string[],
  client = "default",
): Promise<void> {
  await db
    .insertInto("clients")
    .values({ name: client })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  if (sites.length === 0) return;
  await db
    .insertInto("sites")
    .values(sites.map((name) => ({ name, client })))
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
}
