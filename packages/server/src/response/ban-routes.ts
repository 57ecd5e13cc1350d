import { Type } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import type { Kysely } from "kysely";
import type { HttpFeature } from "../http/app.js";
import { siteScopeOf } from "../http/guard.js";
import { optionalBody } from "../http/optional-body.js";
import {
  HttpProblem,
  PROBLEM_CONTENT_TYPE,
  ProblemSchema,
  problem,
  problemResponses,
} from "../http/problem.js";
import type { StateDatabase } from "../storage/state-schema.js";
import { assertSite, canSee, visibleSites } from "../tenancy/scope.js";
import { banDetail, banStats, decodeCursor, listBans, listPending } from "./ban-queries.js";
import { banVisible, manualBanSite, maskBan, maskHistory } from "./ban-scope.js";
import { BanNeedsConfirmation, type BanService } from "./ban-service.js";
import { canonicalIp } from "./ip-address.js";
import {
  actorOf,
  BanSchema,
  fieldError,
  HistorySchema,
  IdParams,
  IpParams,
  PendingSchema,
} from "./response-schemas.js";
import type { BanStatus } from "./types.js";

/** Bans, pending approvals and ban stats: audit reads, analysts act. */
const STATUSES: BanStatus[] = ["active", "expired", "permanent", "conditional", "pending_approval"];
const tags = ["bans"];
const Note = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);

/** The 409 of a manual ban: a refusal, or (confirm_required) a question the client may answer. */
const BanConflict = Type.Object(
  {
    ...ProblemSchema.properties,
    confirm_required: Type.Optional(
      Type.Boolean({ description: 'true: resend with "confirm": true to ban anyway' }),
    ),
    risks: Type.Optional(
      Type.Array(
        Type.Object({
          kind: Type.Union([
            Type.Literal("private"),
            Type.Literal("loopback"),
            Type.Literal("link_local"),
            Type.Literal("source_network"),
            Type.Literal("whitelisted"),
          ]),
          detail: Type.String(),
        }),
      ),
    ),
  },
  { title: "BanConflict" },
);

function ipParam(text: string, context: "body" | "params"): string {
  const ip = canonicalIp(text);
  if (!ip) throw fieldError(context, "ip", `"${text}" is not an IPv4 or IPv6 address`);
  return ip;
}

export const banRoutes =
  (deps: { db: Kysely<StateDatabase>; bans: BanService }): HttpFeature =>
  async (app) => {
    const { db, bans } = deps;

    /** A pending ban of another client's site does not exist for this caller. */
    async function assertPendingVisible(req: FastifyRequest): Promise<void> {
      const scope = siteScopeOf(req);
      if (scope.kind === "all") return;
      const id = (req.params as { id: string }).id;
      const row = await db.selectFrom("pending_bans").select("site").where("id", "=", id).executeTakeFirst();
      if (!row || !canSee(scope, row.site)) throw new HttpProblem(404, `No pending ban with id ${id}`);
    }

    app.get(
      "/api/v1/bans",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags,
          summary: "Bans, newest first, filtered by status, IP or text, and site",
          querystring: Type.Object({
            status: Type.Optional(
              Type.String({ description: "Comma-separated: active,permanent,pending_approval,expired" }),
            ),
            q: Type.Optional(Type.String({ maxLength: 200 })),
            site: Type.Optional(Type.String({ maxLength: 100 })),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
            cursor: Type.Optional(Type.String({ maxLength: 500 })),
          }),
          response: {
            200: Type.Object({
              items: Type.Array(BanSchema),
              next_cursor: Type.Union([Type.String(), Type.Null()]),
            }),
            ...problemResponses(400),
          },
        },
      },
      async (req) => {
        const status = req.query.status
          ?.split(",")
          .map((s) => s.trim())
          .filter(Boolean);
        const unknown = status?.find((s) => !STATUSES.includes(s as BanStatus));
        if (unknown)
          throw fieldError("querystring", "status", `"${unknown}" is not one of ${STATUSES.join(", ")}`);
        const after = req.query.cursor ? decodeCursor(req.query.cursor) : null;
        if (req.query.cursor && !after)
          throw fieldError("querystring", "cursor", "is not a cursor from this API");
        const scope = siteScopeOf(req);
        if (req.query.site) assertSite(scope, req.query.site);
        const page = await listBans(
          db,
          {
            ...req.query,
            status: status as BanStatus[] | undefined,
            scopeSites: visibleSites(scope) ?? undefined,
          },
          after,
        );
        return { ...page, items: page.items.map((b) => maskBan(scope, b)) };
      },
    );

    app.get(
      "/api/v1/bans/stats",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags,
          summary: "Counts of bans in force, pending approvals, bans lifted in 24 h, by tier and by country",
          response: {
            200: Type.Object({
              active: Type.Integer(),
              permanent: Type.Integer(),
              pending: Type.Integer(),
              expired_24h: Type.Integer(),
              by_tier: Type.Array(Type.Object({ tier: Type.Integer(), count: Type.Integer() })),
              by_country: Type.Array(Type.Object({ key: Type.String(), count: Type.Integer() })),
            }),
          },
        },
      },
      async (req) => banStats(db, bans.now(), visibleSites(siteScopeOf(req)) ?? undefined),
    );

    app.get(
      "/api/v1/bans/pending",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags,
          summary: "Bans waiting for an analyst's approval",
          response: { 200: Type.Object({ items: Type.Array(PendingSchema) }) },
        },
      },
      async (req) => ({ items: await listPending(db, visibleSites(siteScopeOf(req)) ?? undefined) }),
    );

    app.post(
      "/api/v1/bans/pending/:id/approve",
      {
        config: { access: { role: "analyst" } },
        schema: {
          tags,
          summary: "Approve a pending ban: it is applied at the IP's next tier",
          params: IdParams,
          body: optionalBody(Note),
          response: { 200: BanSchema, ...problemResponses(404, 409) },
        },
      },
      async (req) => {
        await assertPendingVisible(req);
        return bans.approve(req.params.id, actorOf(req), req.body?.note);
      },
    );

    app.post(
      "/api/v1/bans/pending/:id/reject",
      {
        config: { access: { role: "analyst" } },
        schema: {
          tags,
          summary: "Reject a pending ban: the IP is not banned",
          params: IdParams,
          body: optionalBody(Note),
          response: { 200: PendingSchema, ...problemResponses(404, 409) },
        },
      },
      async (req) => {
        await assertPendingVisible(req);
        return bans.reject(req.params.id, actorOf(req), req.body?.note);
      },
    );

    app.get(
      "/api/v1/bans/:ip",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags,
          summary: "One IP's ban (null when not currently recorded) and its full history",
          params: IpParams,
          response: {
            200: Type.Object({
              ban: Type.Union([BanSchema, Type.Null()]),
              history: Type.Array(HistorySchema),
            }),
            ...problemResponses(400, 404),
          },
        },
      },
      async (req) => {
        const ip = ipParam(req.params.ip, "params");
        const detail = await banDetail(db, ip);
        const scope = siteScopeOf(req);
        const history = detail ? maskHistory(scope, detail.history) : [];
        const ban = detail?.ban && banVisible(scope, detail.ban) ? maskBan(scope, detail.ban) : null;
        if (!detail || (!ban && history.length === 0))
          throw new HttpProblem(404, `${ip} has never been banned`);
        return { ban, history };
      },
    );

    app.post(
      "/api/v1/bans",
      {
        config: { access: { role: "analyst" } },
        schema: {
          tags,
          summary:
            "Ban an IP by hand (tier escalation applies; hard-whitelisted IPs are refused with 409; private, loopback, link-local, log-source and whitelisted IPs answer 409 with confirm_required unless confirm is true)",
          body: Type.Object(
            {
              ip: Type.String({ minLength: 1, maxLength: 64 }),
              reason: Type.String({ minLength: 1, maxLength: 500 }),
              site: Type.Optional(
                Type.String({
                  minLength: 1,
                  maxLength: 200,
                  description:
                    "The site the ban is for (its firewalls enforce it); staff may leave it out for a global ban",
                }),
              ),
              duration: Type.Optional(
                Type.Union([
                  Type.Literal("4h"),
                  Type.Literal("24h"),
                  Type.Literal("7d"),
                  Type.Literal("permanent"),
                  Type.Integer({
                    minimum: 1000,
                    maximum: 10 * 365 * 86_400_000,
                    description: "milliseconds",
                  }),
                ]),
              ),
              confirm: Type.Optional(
                Type.Boolean({
                  description:
                    "Ban even a private, loopback, link-local, log-source or (not hard) whitelisted address",
                }),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 201: BanSchema, ...problemResponses(400), 409: BanConflict },
        },
      },
      async (req, reply) => {
        const ip = ipParam(req.body.ip, "body");
        try {
          const ban = await bans.manualBan({
            ip,
            reason: req.body.reason,
            duration: req.body.duration,
            actor: actorOf(req),
            confirm: req.body.confirm,
            site: manualBanSite(siteScopeOf(req), req.body.site),
          });
          reply.code(201);
          return ban;
        } catch (e) {
          if (!(e instanceof BanNeedsConfirmation)) throw e;
          // The shared error handler knows only `detail`: this 409 also says it can be confirmed.
          return reply
            .code(409)
            .type(PROBLEM_CONTENT_TYPE)
            .send({ ...problem(409, e.detail), confirm_required: true, risks: e.risks });
        }
      },
    );

    app.delete(
      "/api/v1/bans/:ip",
      {
        config: { access: { role: "analyst" } },
        schema: {
          tags,
          summary: "Lift a ban now; immunity_hours keeps detections from re-banning it for that long",
          params: IpParams,
          querystring: Type.Object({
            immunity_hours: Type.Optional(Type.Number({ minimum: 0, maximum: 8760 })),
          }),
          response: { 200: BanSchema, ...problemResponses(400, 404) },
        },
      },
      async (req) => {
        const ip = ipParam(req.params.ip, "params");
        const scope = siteScopeOf(req);
        if (scope.kind !== "all") {
          const current = (await banDetail(db, ip))?.ban;
          if (!current || !banVisible(scope, current))
            throw new HttpProblem(404, `${ip} is not banned on your sites`);
          if (current.sites.some((s) => !scope.sites.includes(s))) {
            throw new HttpProblem(
              409,
              `${ip} is also banned for other sites than yours; ask the operator to lift it`,
            );
          }
        }
        return maskBan(
          scope,
          await bans.unban({ ip, actor: actorOf(req), immunityHours: req.query.immunity_hours }),
        );
      },
    );
  };
