import { uuidv7 } from "uuidv7";
import type { ApiKeyScope, Principal, SiteScope } from "../http/access.js";
import { ALL_SITES } from "../http/guard.js";
import { HttpProblem } from "../http/problem.js";
import { assertSite, clientForWrite } from "../tenancy/scope.js";
import type { ApiKeyRow, ApiKeysRepo } from "./api-keys-repo.js";
import { newApiKey, sha256Hex } from "./secrets.js";

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  site: string | null;
  client: string | null;
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

function toView(row: ApiKeyRow): ApiKeyView {
  return {
    ...row,
    created_at: row.created_at.toISOString(),
    last_used_at: row.last_used_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
  };
}

/** API keys for machines (ingest, metrics scraping, read access). The key is shown once, at creation. */
export function createApiKeysService(deps: {
  apiKeys: ApiKeysRepo;
  /** The client owning a site, or undefined when there is no such site (the tenancy tables). */
  siteClient: (site: string) => Promise<string | undefined>;
}) {
  const { apiKeys } = deps;
  const inScope = (scope: SiteScope, row: ApiKeyRow) => scope.kind === "all" || row.client === scope.client;
  return {
    async list(scope: SiteScope = ALL_SITES): Promise<ApiKeyView[]> {
      return (await apiKeys.list()).filter((k) => inScope(scope, k)).map(toView);
    },

    /**
     * A key bound to a site acts for that site's client; a client's admin makes keys for the client's
     * sites only; an operator key (no site, no client) can only come from staff.
     */
    async create(
      input: { name: string; scopes: ApiKeyScope[]; site?: string | null | undefined },
      actor: Principal,
      scope: SiteScope = ALL_SITES,
    ): Promise<ApiKeyView & { key: string }> {
      const scopes = [...new Set(input.scopes)];
      if (scopes.length === 0) throw new HttpProblem(400, "An API key needs at least one scope");
      let client = clientForWrite(scope, null);
      if (input.site) {
        const owner = await deps.siteClient(input.site);
        if (owner === undefined) throw new HttpProblem(400, `site: no site named ${input.site}`);
        assertSite(scope, input.site);
        client = owner;
      }
      const key = newApiKey();
      const row = await apiKeys.insert({
        id: uuidv7(),
        name: input.name,
        key_hash: sha256Hex(key),
        prefix: key.slice(0, 10),
        scopes,
        site: input.site ?? null,
        client,
        created_by: actor.kind === "user" ? actor.userId : null,
      });
      return { ...toView(row), key };
    },

    async revoke(id: string, scope: SiteScope = ALL_SITES): Promise<void> {
      const mine = (await apiKeys.list()).find((k) => k.id === id && inScope(scope, k));
      if (!mine || !(await apiKeys.revoke(id))) throw new HttpProblem(404, `No active API key with id ${id}`);
    },
  };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
