import { Type } from "@fastify/type-provider-typebox";
import type { Kysely } from "kysely";
import { stringEnum } from "../../auth/auth-schemas.js";
import { isUuid } from "../../events/event-cursor.js";
import type { HttpFeature } from "../../http/app.js";
import { siteScopeOf } from "../../http/guard.js";
import { HttpProblem, problemResponses } from "../../http/problem.js";
import { actorOf, fieldError } from "../../response/response-schemas.js";
import type { EventStore } from "../../storage/event-store.js";
import type { StateDatabase } from "../../storage/state-schema.js";
import { visibleSites } from "../../tenancy/scope.js";
import { TRIAGE_STATUSES } from "../types.js";
import { upsertTriage } from "./triage-repo.js";

/** `PATCH /api/v1/events/:id/status`: an analyst sets an event's triage status and assignee. */
const Status = stringEnum(TRIAGE_STATUSES);

export const TriageSchema = Type.Object(
  {
    event_id: Type.String(),
    status: Status,
    assigned_to: Type.Union([Type.String(), Type.Null()]),
    updated_by: Type.String(),
    updated_at: Type.String({ format: "date-time" }),
  },
  { title: "EventTriage" },
);

export const triageRoutes =
  (deps: { db: Kysely<StateDatabase>; eventStore: EventStore; now?: () => number }): HttpFeature =>
  async (app) => {
    const { db, eventStore } = deps;
    const clock = deps.now ?? Date.now;

    app.patch(
      "/api/v1/events/:id/status",
      {
        config: { access: { role: "analyst" } },
        schema: {
          tags: ["events"],
          summary: "Triage an event: its status (new, investigating, resolved) and who works on it",
          params: Type.Object({ id: Type.String({ description: "event_id (UUID)" }) }),
          body: Type.Object(
            {
              status: Type.Optional(Status),
              assigned_to: Type.Optional(
                Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()], {
                  description: "A username; null clears the assignment",
                }),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 200: TriageSchema, ...problemResponses(400, 404) },
        },
      },
      async (req) => {
        const { id } = req.params;
        const { status, assigned_to } = req.body;
        if (status === undefined && assigned_to === undefined)
          throw fieldError("body", "status", "or assigned_to is required");
        if (typeof assigned_to === "string") {
          const user = await db
            .selectFrom("users")
            .select("is_active")
            .where("username", "=", assigned_to)
            .executeTakeFirst();
          if (!user?.is_active)
            throw fieldError("body", "assigned_to", `"${assigned_to}" is not an active user`);
        }
        // Another client's event does not exist for this caller.
        const sites = visibleSites(siteScopeOf(req));
        const found = isUuid(id)
          ? await eventStore.query(
              `SELECT 1 AS ok FROM events WHERE event_id = {id:UUID}${sites ? " AND site IN {sites:Array(String)}" : ""} LIMIT 1`,
              sites ? { id, sites } : { id },
            )
          : [];
        if (found.length === 0) throw new HttpProblem(404, `No event with id ${id}`);
        return upsertTriage(db, id.toLowerCase(), { status, assigned_to }, actorOf(req), new Date(clock()));
      },
    );
  };
