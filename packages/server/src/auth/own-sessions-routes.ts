import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import { principalOf } from "../http/guard.js";
import { HttpProblem, problemResponses } from "../http/problem.js";
import { IdParams } from "./auth-schemas.js";
import { OwnSessionList } from "./mfa-schemas.js";
import type { SessionsRepo } from "./sessions-repo.js";

function userIdOf(request: Parameters<typeof principalOf>[0]) {
  const principal = principalOf(request);
  if (principal.kind !== "user") throw new HttpProblem(403, "Forbidden: API keys have no sessions");
  return principal;
}

/** GET /auth/sessions and DELETE /auth/sessions/:id: one's own signed-in sessions. */
export function ownSessionsRoutes(deps: { sessions: SessionsRepo }): FastifyPluginAsyncTypebox {
  const { sessions } = deps;
  return async (app) => {
    app.get(
      "/api/v1/auth/sessions",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags: ["auth"],
          summary: "One's own live sessions (browsers and devices signed in)",
          response: { 200: OwnSessionList, ...problemResponses(401, 403) },
        },
      },
      async (request) => {
        const me = userIdOf(request);
        const rows = await sessions.listActiveForUser(me.userId);
        return {
          items: rows.map((r) => ({
            id: r.id,
            created_at: r.created_at.toISOString(),
            last_seen_at: r.last_seen_at.toISOString(),
            ip: r.ip,
            user_agent: r.user_agent,
            current: r.id === me.sessionId,
          })),
        };
      },
    );

    app.delete(
      "/api/v1/auth/sessions/:id",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags: ["auth"],
          summary: "Sign out one of one's own sessions",
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses(401, 403, 404) },
        },
      },
      async (request, reply) => {
        const me = userIdOf(request);
        // Someone else's session id reads as unknown: ids are not to be probed.
        if (!(await sessions.revokeOwn(request.params.id, me.userId))) {
          throw new HttpProblem(404, `No live session of yours with id ${request.params.id}`);
        }
        return reply.code(204).send(null);
      },
    );
  };
}
