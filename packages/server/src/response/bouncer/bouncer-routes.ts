import { isIP } from "node:net";
import { Type } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Kysely } from "kysely";
import type { HttpFeature } from "../../http/app.js";
import { principalOf } from "../../http/guard.js";
import { type Problem, problem, problemResponses, sendProblem } from "../../http/problem.js";
import type { StateDatabase } from "../../storage/state-schema.js";
import { type AuthenticatedBouncer, createBouncerKeys } from "./bouncer-keys.js";
import { decisionsArrayJson, type FormatOptions, parseDecisionFilter } from "./decision-format.js";
import { createDecisionLog, type DecisionLogOptions } from "./decision-log.js";

/**
 * The CrowdSec-compatible Local API for bouncers (`/v1/decisions/stream`, `/v1/decisions`), so stock
 * CrowdSec bouncers (firewall, nginx, HAProxy, Cloudflare, custom…) enforce Vigil's bans, and
 * `/api/v1/bouncers` to create, list and revoke their keys.
 *
 * The `/v1` routes are public in Vigil's route table: they check their own `X-Api-Key`, and answer
 * as CrowdSec does (403 `{"message":"access forbidden"}`, `null` for an empty list), not with
 * problem+json, because bouncers are written against CrowdSec's answers.
 */
export interface BouncerRoutesDeps {
  db: Kysely<StateDatabase>;
  /** `duration` sent for permanent bans (CrowdSec has no "forever"); default 10 years. */
  permanentDurationMs?: number;
  /** Live `/v1/decisions?ip=` queries may use a sync this recent (default 1 s; the stream always syncs). */
  liveMaxAgeMs?: number;
  decisionLog?: DecisionLogOptions;
}

/** Routes to add to the route audit's public allow-list (`assertEveryRouteGuarded`'s `allowPublic`). */
export const BOUNCER_PUBLIC_ROUTES = [
  "GET /v1/decisions/stream",
  "HEAD /v1/decisions/stream",
  "GET /v1/decisions",
  "HEAD /v1/decisions",
  "POST /v1/usage-metrics",
];

const DEFAULT_PERMANENT_MS = 10 * 365 * 24 * 3600_000;
const FORBIDDEN = { message: "access forbidden" };

const StreamQuery = Type.Object(
  {
    startup: Type.Optional(
      Type.String({ description: "true on a bouncer's first pull: every active decision" }),
    ),
    scopes: Type.Optional(Type.String({ description: "Comma list, default ip,range" })),
    origins: Type.Optional(Type.String()),
    scenarios_containing: Type.Optional(Type.String()),
    scenarios_not_containing: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

const LiveQuery = Type.Object(
  {
    ip: Type.Optional(Type.String()),
    range: Type.Optional(Type.String()),
    scope: Type.Optional(Type.String()),
    value: Type.Optional(Type.String()),
    type: Type.Optional(Type.String()),
    contains: Type.Optional(
      Type.String({ description: "false: decisions inside the range rather than containing it" }),
    ),
  },
  { additionalProperties: true },
);

const BouncerView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  created_at: Type.String({ format: "date-time" }),
  last_pull: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  ip_address: Type.String(),
  version: Type.String({ description: "The bouncer's User-Agent" }),
  sites: Type.Array(Type.String(), { description: "Bound sites; empty = every ban" }),
});

/** An IPv4 or IPv6 address as PostgreSQL's inet reads it: Node's isIP also takes a zone id (fe80::1%eth0). */
function isAddress(value: string): boolean {
  return !value.includes("%") && isIP(value) !== 0;
}

function isRange(value: string): boolean {
  const [address, prefix, extra] = value.split("/");
  if (extra !== undefined || address === undefined || prefix === undefined || !/^\d{1,3}$/.test(prefix))
    return false;
  const family = isAddress(address) ? isIP(address) : 0;
  return family !== 0 && Number(prefix) <= (family === 4 ? 32 : 128);
}

export function bouncerRoutes(deps: BouncerRoutesDeps): HttpFeature {
  const keys = createBouncerKeys(deps.db);
  const log = createDecisionLog(deps.db, deps.decisionLog);
  const permanentDurationMs = deps.permanentDurationMs ?? DEFAULT_PERMANENT_MS;
  const liveMaxAgeMs = deps.liveMaxAgeMs ?? 1000;

  async function bouncerOf(request: FastifyRequest): Promise<AuthenticatedBouncer | null> {
    const header = request.headers["x-api-key"];
    return keys.authenticate(typeof header === "string" ? header : undefined);
  }

  /** problem+json, with CrowdSec's `message` member beside `detail` for bouncers that read that. */
  function badQuery(reply: FastifyReply, detail: string) {
    return sendProblem(reply.code(400), { ...problem(400, detail), message: detail } as Problem);
  }

  function sendJson(reply: FastifyReply, body: string) {
    return reply.code(200).type("application/json").send(body);
  }

  return async (app) => {
    app.get(
      "/v1/decisions/stream",
      {
        config: { access: "public", audit: false },
        schema: {
          tags: ["bouncers"],
          summary: "CrowdSec LAPI: decisions added and deleted since this bouncer's last pull (X-Api-Key)",
          querystring: StreamQuery,
        },
      },
      async (request, reply) => {
        const bouncer = await bouncerOf(request);
        if (!bouncer) return reply.code(403).send(FORBIDDEN);
        // A HEAD checks the key; it must not move the bouncer's cursor (CrowdSec does the same).
        if (request.method === "HEAD") return reply.code(200).send("");
        const high = await log.sync();
        const filter = parseDecisionFilter(request.query);
        const now = Date.now();
        const asNew: FormatOptions = { now, permanentDurationMs, clampAtZero: true };
        const asDeleted: FormatOptions = { ...asNew, clampAtZero: false };
        let body: string;
        if (request.query.startup === "true") {
          const open = await log.open(high, bouncer.sites);
          body = `{"new":${decisionsArrayJson(open, filter, asNew)},"deleted":null}`;
        } else {
          const { added, deleted } = await log.delta(bouncer.cursor, high, bouncer.sites);
          body = `{"new":${decisionsArrayJson(added, filter, asNew)},"deleted":${decisionsArrayJson(deleted, filter, asDeleted)}}`;
        }
        await keys.recordPull(bouncer.id, {
          ip: request.ip,
          userAgent: request.headers["user-agent"] ?? "",
          cursor: high,
        });
        return sendJson(reply, body);
      },
    );

    app.get(
      "/v1/decisions",
      {
        config: { access: "public", audit: false },
        schema: {
          tags: ["bouncers"],
          summary: "CrowdSec LAPI: active decisions for an IP or range (X-Api-Key); null when none",
          querystring: LiveQuery,
        },
      },
      async (request, reply) => {
        const bouncer = await bouncerOf(request);
        if (!bouncer) return reply.code(403).send(FORBIDDEN);
        const q = request.query;
        if (q.ip !== undefined && !isAddress(q.ip))
          return badQuery(reply, `ip: ${JSON.stringify(q.ip)} is not an IP address (without a zone id)`);
        if (q.range !== undefined && !isRange(q.range))
          return badQuery(reply, `range: ${JSON.stringify(q.range)} is not a CIDR range`);
        if (request.method === "HEAD") return reply.code(200).send("");
        await log.sync(liveMaxAgeMs);
        const rows =
          q.type !== undefined && q.type.toLowerCase() !== "ban"
            ? []
            : await log.find(
                {
                  contains: q.contains !== "false",
                  ...(q.ip !== undefined ? { ip: q.ip } : {}),
                  ...(q.range !== undefined ? { range: q.range } : {}),
                  ...(q.value !== undefined ? { value: q.value } : {}),
                  ...(q.scope !== undefined ? { scope: q.scope } : {}),
                },
                bouncer.sites,
              );
        // CrowdSec records a live bouncer's pull at most once a minute: these calls come per request.
        if (!bouncer.last_pull || Date.now() - bouncer.last_pull.getTime() >= 60_000) {
          await keys.recordPull(bouncer.id, {
            ip: request.ip,
            userAgent: request.headers["user-agent"] ?? "",
          });
        }
        const options: FormatOptions = { now: Date.now(), permanentDurationMs, clampAtZero: true };
        return sendJson(reply, decisionsArrayJson(rows, parseDecisionFilter(q), options));
      },
    );

    // Recent bouncers (CrowdSec 1.6.3+) report their usage here every ~30 min; accept and discard,
    // so they do not log errors against Vigil.
    app.post(
      "/v1/usage-metrics",
      {
        config: { access: "public", audit: false },
        schema: {
          tags: ["bouncers"],
          summary: "CrowdSec LAPI: bouncer usage metrics (accepted, not stored)",
        },
      },
      async (request, reply) => {
        const bouncer = await bouncerOf(request);
        if (!bouncer) return reply.code(403).send(FORBIDDEN);
        return reply.code(201).type("application/json").send("{}");
      },
    );

    app.get(
      "/api/v1/bouncers",
      {
        config: { access: { role: "audit", staff: true } },
        schema: {
          tags: ["bouncers"],
          summary: "List bouncers with their last pull (never their keys)",
          response: { 200: Type.Object({ items: Type.Array(BouncerView) }), ...problemResponses(401, 403) },
        },
      },
      async () => ({ items: await keys.list() }),
    );

    app.post(
      "/api/v1/bouncers",
      {
        config: { access: { role: "admin", staff: true } },
        schema: {
          tags: ["bouncers"],
          summary: "Create a bouncer key; the key is in this response only",
          body: Type.Object({
            name: Type.String({ minLength: 1, maxLength: 100, pattern: "\\S" }),
            sites: Type.Optional(
              Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
                maxItems: 1000,
                description:
                  "Bind the bouncer to these sites: it receives their bans and global ones (default: every ban)",
              }),
            ),
          }),
          response: {
            201: Type.Object({
              id: Type.String(),
              name: Type.String(),
              api_key: Type.String(),
              sites: Type.Array(Type.String()),
            }),
            ...problemResponses(400, 401, 403, 409),
          },
        },
      },
      async (request, reply) => {
        const actor = principalOf(request);
        const by = actor.kind === "user" ? actor.username : actor.name;
        return reply.code(201).send(await keys.create(request.body.name.trim(), by, request.body.sites));
      },
    );

    app.delete(
      "/api/v1/bouncers/:id",
      {
        config: { access: { role: "admin", staff: true } },
        schema: {
          tags: ["bouncers"],
          summary: "Revoke a bouncer's key",
          params: Type.Object({ id: Type.String({ format: "uuid" }) }),
          response: { 204: Type.Null(), ...problemResponses(401, 403, 404) },
        },
      },
      async (request, reply) => {
        await keys.remove(request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
