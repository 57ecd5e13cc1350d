import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { siteScopeOf } from "../http/guard.js";
import { problemResponses } from "../http/problem.js";
import type { AuditService } from "./audit-service.js";
import { AuditList, AuditQuery } from "./auth-schemas.js";

/** GET /api/v1/audit: who changed what, newest first, admins only. */
export function auditRoutes(deps: { audit: AuditService }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      "/api/v1/audit",
      {
        config: { access: { role: "admin" } },
        schema: {
          tags: ["audit"],
          summary: "The audit log",
          querystring: AuditQuery,
          response: { 200: AuditList, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        // A client's admin reads the trail of its own client's users and keys only.
        const scope = siteScopeOf(request);
        return deps.audit.list({
          ...request.query,
          ...(scope.kind === "sites" ? { client: scope.client ?? "" } : {}),
        });
      },
    );
  };
}
