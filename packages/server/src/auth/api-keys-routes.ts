import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import { principalOf, siteScopeOf } from "../http/guard.js";
import { problemResponses } from "../http/problem.js";
import type { ApiKeysService } from "./api-keys-service.js";
import { ApiKeyList, CreateApiKeyBody, CreatedApiKey, IdParams } from "./auth-schemas.js";

/** /api/v1/api-keys: keys for machines, admins only (a client's admin: that client's keys). */
export function apiKeysRoutes(deps: { apiKeys: ApiKeysService }): FastifyPluginAsyncTypebox {
  const { apiKeys } = deps;
  const admin = { access: { role: "admin" } } as const;
  return async (app) => {
    app.get(
      "/api/v1/api-keys",
      {
        config: admin,
        schema: {
          tags: ["api-keys"],
          summary: "List API keys (never the keys themselves)",
          response: { 200: ApiKeyList, ...problemResponses(401, 403) },
        },
      },
      async (request) => ({ items: await apiKeys.list(siteScopeOf(request)) }),
    );

    app.post(
      "/api/v1/api-keys",
      {
        config: admin,
        schema: {
          tags: ["api-keys"],
          summary: "Create an API key; the key is in this response only",
          body: CreateApiKeyBody,
          response: { 201: CreatedApiKey, ...problemResponses(400, 401, 403) },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await apiKeys.create(request.body, principalOf(request), siteScopeOf(request))),
    );

    app.delete(
      "/api/v1/api-keys/:id",
      {
        config: admin,
        schema: {
          tags: ["api-keys"],
          summary: "Revoke an API key",
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses(401, 403, 404) },
        },
      },
      async (request, reply) => {
        await apiKeys.revoke(request.params.id, siteScopeOf(request));
        return reply.code(204).send(null);
      },
    );
  };
}
