import type { Kysely } from "kysely";
import type { SiteScope } from "../http/access.js";
import { HttpProblem } from "../http/problem.js";
import type { StateDatabase } from "../storage/state-schema.js";
import { clientForWrite } from "../tenancy/scope.js";

/**
 * Alert rules and notification channels belong to a client (or, with client null, to the operator).
 * A client's users see and manage their client's only; operator staff see all. These helpers keep the
 * rule and channel routes answering alike.
 */

/** Which client owns which site: the tenancy site directory (tenancy/site-directory.ts) fits. */
export interface ClientSites {
  sitesOf(client: string): readonly string[];
  clientOf(site: string): string | undefined;
}

/** Until a directory is given (tests of other things): no client has a site, every site is the operator's. */
export const NO_CLIENT_SITES: ClientSites = { sitesOf: () => [], clientOf: () => undefined };

/** Whether a record of `client` exists for the scope (a client's user: their client's only). */
export function ownedBy(scope: SiteScope, client: string | null): boolean {
  return scope.kind === "all" || (scope.client !== null && client === scope.client);
}

/**
 * The client a created or replaced record belongs to: a client's user writes for their own client
 * (naming another is 403); staff name one (it must exist: 400) or null, and on a replace that leaves
 * `client` out the record keeps its client.
 */
export async function clientOfWrite(
  db: Kysely<StateDatabase>,
  scope: SiteScope,
  requested: unknown,
  current: string | null = null,
): Promise<string | null> {
  if (requested !== undefined && requested !== null && typeof requested !== "string") {
    throw new HttpProblem(400, "client: must be a client name or null");
  }
  if (scope.kind === "all" && requested === undefined) return current;
  // A scope of sites without a client (a site key of an unregistered site) owns no rule or channel.
  if (scope.kind === "sites" && scope.client === null)
    throw new HttpProblem(403, "Forbidden: no client to write for");
  const client = clientForWrite(scope, requested);
  if (client !== null && scope.kind === "all") {
    const row = await db.selectFrom("clients").select("name").where("name", "=", client).executeTakeFirst();
    if (!row) throw new HttpProblem(400, `client: no client named ${client}`);
  }
  return client;
}
