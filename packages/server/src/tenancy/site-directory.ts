import type { Kysely } from "kysely";
import type { Principal, SiteScope } from "../http/access.js";
import { ALL_SITES } from "../http/guard.js";
import type { StateDatabase } from "../storage/state-schema.js";

/** How often a node re-reads the sites table, for changes another node made. */
const REFRESH_MS = 30_000;

/**
 * Which client owns which site, held in memory: the guard turns every request's principal into its
 * scope from this without a query. Writes through the tenancy routes refresh it at once; other nodes
 * see a change within REFRESH_MS.
 */
export function createSiteDirectory(db: Kysely<StateDatabase>) {
  let clientBySite = new Map<string, string>();
  let sitesByClient = new Map<string, string[]>();

  async function refresh(): Promise<void> {
    const rows = await db.selectFrom("sites").select(["name", "client"]).orderBy("name").execute();
    const bySite = new Map<string, string>();
    const byClient = new Map<string, string[]>();
    for (const r of rows) {
      bySite.set(r.name, r.client);
      const list = byClient.get(r.client) ?? [];
      list.push(r.name);
      byClient.set(r.client, list);
    }
    clientBySite = bySite;
    sitesByClient = byClient;
  }

  const timer = setInterval(() => void refresh().catch(() => undefined), REFRESH_MS);
  timer.unref();

  function sitesOf(client: string): readonly string[] {
    return sitesByClient.get(client) ?? [];
  }

  return {
    refresh,
    sitesOf,
    /** The client owning a site, or undefined for a site with no row (only staff see those). */
    clientOf(site: string): string | undefined {
      return clientBySite.get(site);
    },
    has(site: string): boolean {
      return clientBySite.has(site);
    },
    /** The scope of a caller: see SiteScope. */
    scopeFor(p: Principal): SiteScope {
      if (p.kind === "user") {
        return p.client === null ? ALL_SITES : { kind: "sites", client: p.client, sites: sitesOf(p.client) };
      }
      if (p.site !== null) {
        return { kind: "sites", client: p.client ?? clientBySite.get(p.site) ?? null, sites: [p.site] };
      }
      if (p.client !== null) return { kind: "sites", client: p.client, sites: sitesOf(p.client) };
      return ALL_SITES;
    },
    close(): void {
      clearInterval(timer);
    },
  };
}

export type SiteDirectory = ReturnType<typeof createSiteDirectory>;
