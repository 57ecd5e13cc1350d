import { uuidv7 } from "uuidv7";
import type { ApiKeyScope, Principal } from "../http/access.js";
import { HttpProblem } from "../http/problem.js";
import type { ApiKeyRow, ApiKeysRepo } from "./api-keys-repo.js";
import { newApiKey, sha256Hex } from "./secrets.js";

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  site: string | null;
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
export function createApiKeysService(deps: { apiKeys: ApiKeysRepo }) {
  const { apiKeys } = deps;
  return {
    async list(): Promise<ApiKeyView[]> {
      return (await apiKeys.list()).map(toView);
    },

    async create(
      input: { name: string; scopes: ApiKeyScope[]; site?: string | null | undefined },
      actor: Principal,
    ): Promise<ApiKeyView & { key: string }> {
      const scopes = [...new Set(input.scopes)];
      if (scopes.length === 0) throw new HttpProblem(400, "An API key needs at least one scope");
      const key = newApiKey();
      const row = await apiKeys.insert({
        id: uuidv7(),
        name: input.name,
        key_hash: sha256Hex(key),
        prefix: key.slice(0, 10),
        scopes,
        site: input.site ?? null,
        created_by: actor.kind === "user" ? actor.userId : null,
      });
      return { ...toView(row), key };
    },

    async revoke(id: string): Promise<void> {
      if (!(await apiKeys.revoke(id))) throw new HttpProblem(404, `No active API key with id ${id}`);
    },
  };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
