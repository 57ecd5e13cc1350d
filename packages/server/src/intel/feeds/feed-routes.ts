import { Type } from "@fastify/type-provider-typebox";
import type { HttpFeature } from "../../http/app.js";
import { isAdminUser } from "../../http/guard.js";
import { HttpProblem, ProblemSchema } from "../../http/problem.js";
import { scoreFromFeeds } from "../reputation.js";
import type { FeedService } from "./feed-service.js";
import { parseIp } from "./ip-set.js";

/** Blocklist feeds: list, subscribe, edit, unsubscribe, refresh now, and look an IP up in them. */
const Format = Type.Union([Type.Literal("plain"), Type.Literal("crowdsec_json")]);

const Feed = Type.Object({
  id: Type.String({ format: "uuid" }),
  name: Type.String(),
  url: Type.String(),
  format: Format,
  enabled: Type.Boolean(),
  refresh_minutes: Type.Integer(),
  sync_to_xgs: Type.Boolean({ description: "mirror the entries into the XGS group grp_VGX-CrowdSBlockL" }),
  last_refresh: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  last_status: Type.Union([
    Type.Literal("never"),
    Type.Literal("ok"),
    Type.Literal("not_modified"),
    Type.Literal("error"),
  ]),
  last_error: Type.Union([Type.String(), Type.Null()]),
  entries: Type.Integer(),
  invalid_lines: Type.Integer(),
  countries: Type.Array(Type.Object({ key: Type.String(), count: Type.Integer() })),
});

const URL_PATTERN = "^https?://\\S+$";
const FeedInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    url: Type.String({ pattern: URL_PATTERN, maxLength: 2000 }),
    format: Format,
    refresh_minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10080 })),
    enabled: Type.Optional(Type.Boolean()),
    sync_to_xgs: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const FeedPatch = Type.Partial(FeedInput, { additionalProperties: false });
const IdParams = Type.Object({ id: Type.String({ format: "uuid" }) });

function checkUrl(url: string | undefined): void {
  if (url === undefined) return;
  try {
    new URL(url);
  } catch {
    throw new HttpProblem(400, `url: "${url}" is not a valid http(s) URL`);
  }
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "23505";
}

export interface FeedRoutesDeps {
  feeds: FeedService;
}

export const feedRoutes =
  ({ feeds }: FeedRoutesDeps): HttpFeature =>
  async (app) => {
    const notFound = (id: string) => new HttpProblem(404, `No blocklist feed with id ${id}`);
    const taken = (name: string | undefined) => new HttpProblem(409, `A feed named "${name}" already exists`);

    app.get(
      "/api/v1/feeds",
      {
        config: { access: { role: "audit", staff: true } },
        schema: {
          tags: ["feeds"],
          summary: "Blocklist feeds with refresh status, entry counts and countries",
          response: { 200: Type.Object({ items: Type.Array(Feed) }) },
        },
      },
      // Credentials written inside a feed URL are shown to admins only.
      async (req) => ({ items: await feeds.list(isAdminUser(req)) }),
    );

    app.get(
      "/api/v1/feeds/lookup",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags: ["feeds"],
          summary: "Which enabled feeds list an IP, and the reputation score that gives",
          querystring: Type.Object({ ip: Type.String({ maxLength: 64 }) }),
          response: {
            200: Type.Object({ ip: Type.String(), feeds: Type.Array(Type.String()), score: Type.Integer() }),
            400: ProblemSchema,
          },
        },
      },
      async (req) => {
        const addr = parseIp(req.query.ip);
        if (!addr) throw new HttpProblem(400, `ip: "${req.query.ip}" is not an IPv4 or IPv6 address`);
        const names = feeds.feedsContaining(addr);
        return { ip: req.query.ip.trim(), feeds: names, score: scoreFromFeeds(names.length) };
      },
    );

    app.post(
      "/api/v1/feeds",
      {
        config: { access: { role: "admin", staff: true } },
        schema: {
          tags: ["feeds"],
          summary:
            "Subscribe to a feed (plain IP/CIDR list or CrowdSec decision JSON); first fetch starts at once",
          body: FeedInput,
          response: { 201: Feed, 400: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (req, reply) => {
        checkUrl(req.body.url);
        try {
          const feed = await feeds.create(req.body);
          if (feed.enabled) feeds.kick(feed.id);
          reply.code(201);
          return feed;
        } catch (err) {
          if (isUniqueViolation(err)) throw taken(req.body.name);
          throw err;
        }
      },
    );

    app.put(
      "/api/v1/feeds/:id",
      {
        config: { access: { role: "admin", staff: true } },
        schema: {
          tags: ["feeds"],
          summary: "Change a feed (a new URL or format is fetched afresh)",
          params: IdParams,
          body: FeedPatch,
          response: { 200: Feed, 400: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (req) => {
        checkUrl(req.body.url);
        try {
          const feed = await feeds.update(req.params.id, req.body);
          if (!feed) throw notFound(req.params.id);
          return feed;
        } catch (err) {
          if (isUniqueViolation(err)) throw taken(req.body.name);
          throw err;
        }
      },
    );

    app.delete(
      "/api/v1/feeds/:id",
      {
        config: { access: { role: "admin", staff: true } },
        schema: {
          tags: ["feeds"],
          summary: "Unsubscribe (its entries are deleted)",
          params: IdParams,
          response: { 204: Type.Null(), 404: ProblemSchema },
        },
      },
      async (req, reply) => {
        if (!(await feeds.remove(req.params.id))) throw notFound(req.params.id);
        reply.code(204);
      },
    );

    app.post(
      "/api/v1/feeds/:id/refresh",
      {
        config: { access: { role: "analyst", staff: true } },
        schema: {
          tags: ["feeds"],
          summary: "Fetch the feed now (runs in the background; the feed's status shows the outcome)",
          params: IdParams,
          response: { 202: Feed, 404: ProblemSchema },
        },
      },
      async (req, reply) => {
        const feed = await feeds.get(req.params.id, isAdminUser(req));
        if (!feed) throw notFound(req.params.id);
        feeds.kick(feed.id);
        reply.code(202);
        return feed;
      },
    );
  };
