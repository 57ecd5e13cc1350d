import type { Kysely } from "kysely";
import type { Role } from "../http/access.js";
import { TEST_PASSWORD, type TestApp } from "../http/app-test-support.js";
import type { StateDatabase } from "../storage/state-schema.js";
import { createTestSites } from "../tenancy/test-sites.js";

/**
 * Clients for route tests of features built on their own state store: the clients and sites go into
 * that store (client names must exist there) and into the test app's (its users and its site
 * directory), then the app's directory is re-read.
 */
export async function addClients(
  t: TestApp,
  featureDb: Kysely<StateDatabase>,
  clients: Record<string, readonly string[]>,
): Promise<void> {
  for (const [client, sites] of Object.entries(clients)) {
    await createTestSites(featureDb, sites, client);
    await createTestSites(t.state.store.db, sites, client);
  }
  await t.app.siteDirectory.refresh();
}

/** A signed-in user of a client, created by the test app's admin. */
export async function clientUser(
  t: TestApp,
  username: string,
  role: Role,
  client: string,
): Promise<{ token: string }> {
  const res = await t.app.inject({
    method: "POST",
    url: "/api/v1/users",
    headers: t.as("admin"),
    payload: { username, password: TEST_PASSWORD, role, client },
  });
  if (res.statusCode !== 201) throw new Error(`create ${username}: ${res.statusCode} ${res.body}`);
  return { token: await t.login(username) };
}
