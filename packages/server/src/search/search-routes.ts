import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import type { Kysely } from "kysely";
import { READ_EVENTS } from "../events/route-support.js";
import { principalOf } from "../http/guard.js";
import { HttpProblem, ProblemSchema, problemResponses } from "../http/problem.js";
import { compileKql } from "../query/kql/compile.js";
import { MAX_QUERY_CHARS } from "../query/kql/lexer.js";
import type { StateDatabase } from "../storage/state-schema.js";
import { kqlProblem } from "./kql-routes.js";
import { createSaved, deleteSaved, listHistory, listSaved } from "./saved-searches.js";
import { KqlProblemSchema } from "./search-schemas.js";
import { TEMPLATES } from "./templates.js";

const TAGS = ["search"];

const SavedSchema = Type.Object({
  id: Type.String({ format: "uuid" }),
  name: Type.String(),
  query: Type.String(),
  description: Type.String(),
  created_at: Type.String({ format: "date-time" }),
});

const HistorySchema = Type.Object({
  id: Type.String({ format: "uuid" }),
  query: Type.String(),
  ran_at: Type.String({ format: "date-time" }),
  ok: Type.Boolean({ description: "false: the query was refused (syntax, type, limit)" }),
  row_count: Type.Union([Type.Integer(), Type.Null()]),
  elapsed_ms: Type.Union([Type.Number(), Type.Null()]),
});

const TemplateSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  query: Type.String(),
  range_days: Type.Integer({ description: "The time range it is written for, in days back from now" }),
});

/** Saved queries and history belong to a signed-in user (API keys have neither). */
function userOf(request: FastifyRequest): string {
  const p = principalOf(request);
  if (p.kind !== "user")
    throw new HttpProblem(403, "Saved queries and history belong to users, not API keys");
  return p.userId;
}

/** Saved queries, history and templates of the KQL workbench. Each user sees only their own. */
export function searchRoutes({ db }: { db: Kysely<StateDatabase> }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      "/api/v1/search/saved",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags: TAGS,
          summary: "Your saved KQL queries",
          response: { 200: Type.Object({ items: Type.Array(SavedSchema) }) },
        },
      },
      async (request) => ({ items: await listSaved(db, userOf(request)) }),
    );

    app.post(
      "/api/v1/search/saved",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags: TAGS,
          summary: "Save a KQL query under a name (it must parse and compile)",
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 100 }),
              query: Type.String({ minLength: 1, maxLength: MAX_QUERY_CHARS }),
              description: Type.Optional(Type.String({ maxLength: 1000 })),
            },
            { additionalProperties: false },
          ),
          response: { 201: SavedSchema, 400: KqlProblemSchema, 409: ProblemSchema },
        },
      },
      async (request, reply) => {
        const userId = userOf(request);
        const { name, query, description } = request.body;
        try {
          // Only a query that would run is kept; the answer points at what is wrong, as a run would.
          const t = Date.now();
          compileKql(query, { from: t - 3600_000, to: t, now: t, limit: 1 });
        } catch (err) {
          const body = kqlProblem(err);
          if (!body) throw err;
          return reply.code(400).type("application/problem+json").send(body);
        }
        const saved = await createSaved(db, userId, { name: name.trim() || name, query, description });
        return reply.code(201).send(saved);
      },
    );

    app.delete(
      "/api/v1/search/saved/:id",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags: TAGS,
          summary: "Delete one of your saved queries",
          params: Type.Object({ id: Type.String() }),
          response: { 204: Type.Null(), ...problemResponses(404) },
        },
      },
      async (request, reply) => {
        const userId = userOf(request);
        const id = request.params.id;
        const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
        if (!uuid || !(await deleteSaved(db, userId, id)))
          throw new HttpProblem(404, "No such saved query of yours");
        return reply.code(204).send(null);
      },
    );

    app.get(
      "/api/v1/search/history",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags: TAGS,
          summary: "The KQL queries you ran, newest first (the last 100 are kept)",
          querystring: Type.Object({
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
          }),
          response: { 200: Type.Object({ items: Type.Array(HistorySchema) }) },
        },
      },
      async (request) => ({ items: await listHistory(db, userOf(request), request.query.limit ?? 50) }),
    );

    app.get(
      "/api/v1/search/templates",
      {
        config: { access: READ_EVENTS },
        schema: {
          tags: TAGS,
          summary: "Shipped hunting queries: brute force by user, top WAF rules, new countries, port scans",
          response: { 200: Type.Object({ items: Type.Array(TemplateSchema) }) },
        },
      },
      async () => ({ items: [...TEMPLATES] }),
    );
  };
}
