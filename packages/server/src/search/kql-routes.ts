import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply } from "fastify";
import { READ_EVENTS, scopeSitesOf } from "../events/route-support.js";
import type { Principal } from "../http/access.js";
import { PROBLEM_CONTENT_TYPE, problem } from "../http/problem.js";
import { BadParameterError } from "../query/bad-parameter.js";
import { parseEventFilter } from "../query/event-filter.js";
import { DEFAULT_LIMITS, DEFAULT_RESULT_LIMIT, type ExecutionLimits } from "../query/kql/compile.js";
import { KqlError } from "../query/kql/errors.js";
import { AGGREGATE_FUNCTIONS, ARG_EXTREMES, SCALAR_FUNCTIONS } from "../query/kql/functions.js";
import { OPERATOR_NAMES } from "../query/kql/parser.js";
import { type KqlResult, KqlRunError, runKql } from "../query/kql/run.js";
import { TABLES } from "../query/kql/schema.js";
import type { EventStore } from "../storage/event-store.js";
import { KqlBody, KqlProblemSchema, KqlResultSchema, SchemaResponse } from "./search-schemas.js";

export interface KqlRoutesDeps {
  eventStore: EventStore;
  now?: () => number;
  /** Bounds of every query (tests lower them). */
  limits?: ExecutionLimits;
  /** Told of each query that ran or was refused (the per-user history); its failure never fails the query. */
  onRun?: (run: {
    principal: Principal | null;
    query: string;
    ranAt: Date;
    result: KqlResult | null;
  }) => Promise<void>;
}

const TAGS = ["search"];

/** The 400 / 408 a query earns, with where it went wrong; null when the error is not the query's. */
export function kqlProblem(err: unknown): (ReturnType<typeof problem> & Record<string, unknown>) | null {
  if (err instanceof KqlError) {
    return {
      ...problem(400, err.message),
      line: err.line,
      column: err.column,
      ...(err.expected ? { expected: err.expected } : {}),
      ...(err.suggestions && err.suggestions.length > 0 ? { suggestions: [...err.suggestions] } : {}),
    };
  }
  if (err instanceof KqlRunError)
    return { ...problem(err.status, err.message), ...(err.limit ? { limit: err.limit } : {}) };
  if (err instanceof BadParameterError) return problem(400, err.message);
  return null;
}

function send(reply: FastifyReply, body: ReturnType<typeof problem>) {
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

/** `POST /api/v1/search/kql` and the schema the workbench completes from. */
export function kqlRoutes({
  eventStore,
  now = Date.now,
  limits = DEFAULT_LIMITS,
  onRun,
}: KqlRoutesDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      "/api/v1/search/kql",
      {
        config: { access: READ_EVENTS },
        schema: {
          tags: TAGS,
          summary:
            "Run a KQL query over the caller's events (read-only, bounded, scoped to the caller's sites)",
          body: KqlBody,
          response: { 200: KqlResultSchema, 400: KqlProblemSchema, 408: KqlProblemSchema },
        },
      },
      async (request, reply) => {
        const { query, from, to, limit } = request.body;
        const ranAt = new Date();
        const record = async (result: KqlResult | null) => {
          try {
            await onRun?.({ principal: request.principal, query, ranAt, result });
          } catch (err) {
            request.log.warn({ err }, "search history: could not record a query");
          }
        };
        try {
          const clock = now();
          const range = parseEventFilter({ from, to }, clock);
          const sites = scopeSitesOf(request);
          const result = await runKql(eventStore, query, {
            from: range.from,
            to: range.to,
            now: clock,
            ...(sites !== undefined ? { sites } : {}),
            limit: limit ?? DEFAULT_RESULT_LIMIT,
            limits,
          });
          await record(result);
          return result;
        } catch (err) {
          const body = kqlProblem(err);
          if (!body) throw err;
          if (!(err instanceof BadParameterError)) await record(null);
          return send(reply, body);
        }
      },
    );

    app.get(
      "/api/v1/search/schema",
      {
        config: { access: READ_EVENTS },
        schema: {
          tags: TAGS,
          summary: "The KQL tables and their columns, operators and functions (for completion)",
          response: { 200: SchemaResponse },
        },
      },
      async () => ({
        tables: Object.values(TABLES).map((t) => ({
          name: t.name,
          description: t.description,
          columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
        })),
        operators: [...OPERATOR_NAMES],
        functions: Object.keys(SCALAR_FUNCTIONS),
        aggregations: [...Object.keys(AGGREGATE_FUNCTIONS), ...Object.keys(ARG_EXTREMES)],
      }),
    );
  };
}
