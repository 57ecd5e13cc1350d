import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import type { Kysely } from "kysely";
import { triageFor } from "../alerts/triage/triage-repo.js";
import type { GeoInfo } from "../geo/geoip.js";
import { BadParameterError, shown } from "../query/bad-parameter.js";
import { type EventFilter, parseEventFilter } from "../query/event-filter.js";
import type { EventStore } from "../storage/event-store.js";
import type { StateDatabase } from "../storage/state-schema.js";
import { createEventRepository, TOP_DIMENSIONS, type TopDimension } from "./event-repository.js";
import {
  EventDetailSchema,
  EventPageSchema,
  GeoSchema,
  ListQuery,
  ProblemBody,
  StatsQuery,
  StatsSchema,
  TimelineSchema,
  TopQuery,
  TopSchema,
} from "./event-schemas.js";
import { ipSummaryRoutes } from "./ip-summary.js";
import { notFound, parseBoundedInt, READ_EVENTS, scopeSitesOf, withBadParameters } from "./route-support.js";

export interface EventRoutesDeps {
  eventStore: EventStore;
  /** The clock for the default time range (tests pin it). */
  now?: () => number;
  /** The state store: with it, each event carries its triage (status, assignee) or null. */
  db?: Kysely<StateDatabase>;
  /** GeoIP for the IP summary's country and AS (else the IP's latest event's). */
  geo?: { lookup(ip: string): GeoInfo | null };
}

const TAGS = ["events"];
const bad = { 400: ProblemBody };

/**
 * `GET /api/v1/events` and its views (detail, stats, timeline, top, geo). Every route reads the
 * same filter from the query string; a site-bound API key sees only its site whatever it asks.
 */
export function eventRoutes({
  eventStore,
  now = Date.now,
  db,
  geo,
}: EventRoutesDeps): FastifyPluginAsyncTypebox {
  const repo = createEventRepository(eventStore);

  /** One parameterised `where event_id in (…)` per page. */
  async function withTriage<E extends { event_id: string }>(events: E[]): Promise<E[]> {
    if (!db) return events;
    const triage = await triageFor(
      db,
      events.map((e) => e.event_id),
    );
    return events.map((e) => ({ ...e, triage: triage.get(e.event_id) ?? null }));
  }

  return async (app) => {
    const filterOf = (
      query: Readonly<Record<string, unknown>>,
      request: Parameters<typeof scopeSitesOf>[0],
    ) => {
      const filter: EventFilter = parseEventFilter(query, now());
      const scopeSites = scopeSitesOf(request, filter.sites);
      return scopeSites === undefined ? filter : { ...filter, scopeSites };
    };

    app.get(
      "/api/v1/events",
      {
        config: { access: READ_EVENTS },
        schema: {
          tags: TAGS,
          summary: "Search events, newest first, one page at a time",
          querystring: ListQuery,
          response: { 200: EventPageSchema, ...bad },
        },
      },
      (request, reply) =>
        withBadParameters(reply, async () => {
          const filter = filterOf(request.query, request);
          const limit = parseBoundedInt(request.query.limit, "limit", 1, 1000, 100);
          const page = await repo.list(filter, limit, request.query.cursor ?? null);
          return { ...page, items: await withTriage(page.items) };
        }),
    );

    app.get(
      "/api/v1/events/stats",
      {
        config: { access: READ_EVENTS },
        schema: {
          tags: TAGS,
          summary: "Counts by log type, severity, action and site, and distinct sources",
          querystring: StatsQuery,
          response: { 200: StatsSchema, ...bad },
        },
      },
      (request, reply) => withBadParameters(reply, async () => repo.stats(filterOf(request.query, request))),
    );

    app.get(
      "/api/v1/events/timeline",
      {
        config: { access: READ_EVENTS },
        schema: {
          tags: TAGS,
          summary: "Event counts over time per severity, in 60-120 zero-filled buckets",
          querystring: StatsQuery,
          response: { 200: TimelineSchema, ...bad },
        },
      },
      (request, reply) =>
        withBadParameters(reply, async () => repo.timeline(filterOf(request.query, request))),
    );

    app.get(
      "/api/v1/events/top",
      {
        config: { access: READ_EVENTS },
        schema: {
          tags: TAGS,
          summary: "The most frequent values of one dimension",
          querystring: TopQuery,
          response: { 200: TopSchema, ...bad },
        },
      },
      (request, reply) =>
        withBadParameters(reply, async () => {
          const filter = filterOf(request.query, request);
          const dim = request.query.dim;
          if (!(TOP_DIMENSIONS as readonly string[]).includes(dim)) {
            throw new BadParameterError("dim", `${shown(dim)} is not one of ${TOP_DIMENSIONS.join(", ")}`);
          }
          const limit = parseBoundedInt(request.query.limit, "limit", 1, 100, 10);
          return { items: await repo.top(filter, dim as TopDimension, limit) };
        }),
    );

    app.get(
      "/api/v1/events/geo",
      {
        config: { access: READ_EVENTS },
        schema: {
          tags: TAGS,
          summary: "Event counts per source country, placed on the country's centroid",
          querystring: StatsQuery,
          response: { 200: GeoSchema, ...bad },
        },
      },
      (request, reply) =>
        withBadParameters(reply, async () => ({ items: await repo.geo(filterOf(request.query, request)) })),
    );

    await app.register(ipSummaryRoutes({ eventStore, now, geo }));

    app.get(
      "/api/v1/events/:id",
      {
        config: { access: READ_EVENTS },
        schema: {
          tags: TAGS,
          summary: "One event with its ModSecurity rule hits",
          params: Type.Object({ id: Type.String({ description: "event_id (UUID)" }) }),
          response: { 200: EventDetailSchema, 404: ProblemBody },
        },
      },
      async (request, reply) => {
        const found = await repo.get(request.params.id, scopeSitesOf(request));
        if (!found) return notFound(reply, `No event with id ${shown(request.params.id)}`);
        const [event] = await withTriage([found.event]);
        return { ...found, event: event ?? found.event };
      },
    );
  };
}
