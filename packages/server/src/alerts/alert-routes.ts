import { Type } from "@fastify/type-provider-typebox";
import type { Kysely } from "kysely";
import { isUuid } from "../events/event-cursor.js";
import { READ_EVENTS, scopeSitesOf } from "../events/route-support.js";
import type { HttpFeature } from "../http/app.js";
import { siteScopeOf } from "../http/guard.js";
import { HttpProblem, problemResponses } from "../http/problem.js";
import { inStoreRange } from "../query/time-range.js";
import { actorOf, fieldError } from "../response/response-schemas.js";
import type { EventStore } from "../storage/event-store.js";
import type { StateDatabase } from "../storage/state-schema.js";
import { canSee } from "../tenancy/scope.js";
import { alertDetail, alertStats, decodeAlertCursor, listAlerts } from "./alert-queries.js";
import {
  AlertDetailSchema,
  AlertIdParams,
  AlertListQuery,
  AlertSchema,
  AlertStatsSchema,
  AssignBody,
  CommentBody,
  EscalateBody,
  NoteBody,
  ResolveBody,
} from "./alert-schemas.js";
import type { AlertService } from "./alert-service.js";
import { ALERT_STATES, type AlertState, SEVERITIES, type Severity } from "./types.js";

/**
 * The alerts API. Reads are for audit+ users and read-scoped API keys (a site-bound key sees only its
 * site's alerts, as with events); every action is for analysts and lands in the alert's history.
 */
const tags = ["alerts"];
const analyst = { access: { role: "analyst" as const } };
const actionResponses = { 200: AlertSchema, ...problemResponses(400, 404, 409) };

/** A comma list checked against its allowed values; a 400 naming the parameter otherwise. */
function commaList<T extends string>(
  raw: string | undefined,
  field: string,
  allowed: readonly T[],
): T[] | undefined {
  const values = raw
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = values?.find((v) => !(allowed as readonly string[]).includes(v));
  if (unknown !== undefined)
    throw fieldError("querystring", field, `"${unknown}" is not one of ${allowed.join(", ")}`);
  return values as T[] | undefined;
}

function time(raw: string | undefined, field: string): Date | undefined {
  if (raw === undefined || raw === "") return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw fieldError("querystring", field, `"${raw}" is not an ISO 8601 time`);
  // The same bounds as event times, named, rather than PostgreSQL's own message for year 0.
  if (!inStoreRange(ms))
    throw fieldError(
      "querystring",
      field,
      `"${raw}" is outside 1900-01-01T00:00:00Z to 2299-12-31T23:59:59.999Z`,
    );
  return new Date(ms);
}

export const alertRoutes =
  (deps: { db: Kysely<StateDatabase>; service: AlertService; eventStore: EventStore }): HttpFeature =>
  async (app) => {
    const { db, service, eventStore } = deps;

    // Every /alerts/:id route: an alert of a site outside the caller's scope does not exist for them.
    app.addHook("preHandler", async (req) => {
      const id = (req.params as { id?: unknown } | undefined)?.id;
      if (typeof id !== "string" || !isUuid(id) || !req.siteScope || req.siteScope.kind === "all") return;
      const row = await db.selectFrom("alerts").select("site").where("id", "=", id).executeTakeFirst();
      if (row && !canSee(siteScopeOf(req), row.site)) throw new HttpProblem(404, `No alert with id ${id}`);
    });

    app.get(
      "/api/v1/alerts",
      {
        config: { access: READ_EVENTS },
        schema: {
          tags,
          summary:
            "Alerts, newest first, filtered by state, severity, site, rule, assignee, source, time or text",
          querystring: AlertListQuery,
          response: {
            200: Type.Object({
              items: Type.Array(AlertSchema),
              next_cursor: Type.Union([Type.String(), Type.Null()]),
            }),
            ...problemResponses(400),
          },
        },
      },
      async (req) => {
        const q = req.query;
        const after = q.cursor ? decodeAlertCursor(q.cursor) : null;
        if (q.cursor && !after) throw fieldError("querystring", "cursor", "is not a cursor from this API");
        return listAlerts(
          db,
          {
            state: commaList<AlertState>(q.state, "state", ALERT_STATES),
            severity: commaList<Severity>(q.severity, "severity", SEVERITIES),
            site: q.site,
            scopeSites: scopeSitesOf(req, q.site ? [q.site] : []),
            rule: q.rule,
            // "me": the caller's own alerts (an API key is assigned nothing).
            assignee: q.assignee === "me" ? actorOf(req) : q.assignee,
            source: q.source,
            from: time(q.from, "from"),
            to: time(q.to, "to"),
            q: q.q,
            limit: q.limit,
          },
          after,
        );
      },
    );

    app.get(
      "/api/v1/alerts/stats",
      {
        config: { access: READ_EVENTS },
        schema: {
          tags,
          summary: "Open alerts by state and severity, alerts in 24 h, top rules, median time to acknowledge",
          response: { 200: AlertStatsSchema },
        },
      },
      async (req) => alertStats(db, new Date(service.now()), scopeSitesOf(req)),
    );

    app.get(
      "/api/v1/alerts/:id",
      {
        config: { access: READ_EVENTS },
        schema: {
          tags,
          summary: "One alert with its timeline of actions and its triggering events",
          params: AlertIdParams,
          response: { 200: AlertDetailSchema, ...problemResponses(404) },
        },
      },
      async (req) => {
        const detail = await alertDetail(db, eventStore, req.params.id, scopeSitesOf(req));
        if (!detail) throw new HttpProblem(404, `No alert with id ${req.params.id}`);
        return detail;
      },
    );

    app.post(
      "/api/v1/alerts/:id/acknowledge",
      {
        config: analyst,
        schema: {
          tags,
          summary: "Acknowledge a new alert",
          params: AlertIdParams,
          body: NoteBody,
          response: actionResponses,
        },
      },
      async (req) => service.acknowledge(req.params.id, actorOf(req), req.body?.note),
    );

    app.post(
      "/api/v1/alerts/:id/investigate",
      {
        config: analyst,
        schema: {
          tags,
          summary: "Mark an open alert as being investigated",
          params: AlertIdParams,
          body: NoteBody,
          response: actionResponses,
        },
      },
      async (req) => service.investigate(req.params.id, actorOf(req), req.body?.note),
    );

    app.post(
      "/api/v1/alerts/:id/assign",
      {
        config: analyst,
        schema: {
          tags,
          summary: "Assign an open alert to an active user",
          params: AlertIdParams,
          body: AssignBody,
          response: actionResponses,
        },
      },
      async (req) => service.assign(req.params.id, actorOf(req), req.body.user),
    );

    app.post(
      "/api/v1/alerts/:id/escalate",
      {
        config: analyst,
        schema: {
          tags,
          summary: "Escalate an open alert to another user (who is also assigned it)",
          params: AlertIdParams,
          body: EscalateBody,
          response: actionResponses,
        },
      },
      async (req) => service.escalate(req.params.id, actorOf(req), req.body.user, req.body.note),
    );

    app.post(
      "/api/v1/alerts/:id/resolve",
      {
        config: analyst,
        schema: {
          tags,
          summary: "Close an open alert as resolved (default) or as a false positive",
          params: AlertIdParams,
          body: ResolveBody,
          response: actionResponses,
        },
      },
      async (req) =>
        service.resolve(req.params.id, actorOf(req), {
          resolution: req.body?.resolution ?? "resolved",
          note: req.body?.note,
        }),
    );

    app.post(
      "/api/v1/alerts/:id/reopen",
      {
        config: analyst,
        schema: {
          tags,
          summary: "Reopen a resolved or false-positive alert (back to new)",
          params: AlertIdParams,
          body: NoteBody,
          response: actionResponses,
        },
      },
      async (req) => service.reopen(req.params.id, actorOf(req), req.body?.note),
    );

    app.post(
      "/api/v1/alerts/:id/comments",
      {
        config: analyst,
        schema: {
          tags,
          summary: "Add a comment to an alert's timeline",
          params: AlertIdParams,
          body: CommentBody,
          response: { 201: AlertSchema, ...problemResponses(400, 404) },
        },
      },
      async (req, reply) => {
        const alert = await service.comment(req.params.id, actorOf(req), req.body.text);
        return reply.code(201).send(alert);
      },
    );
  };
