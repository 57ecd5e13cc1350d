import { createHash } from "node:crypto";
import { Type } from "@fastify/type-provider-typebox";
import type { Kysely } from "kysely";
import { createApiKeysRepo } from "../../auth/api-keys-repo.js";
import { sha256Hex } from "../../auth/secrets.js";
import type { HttpFeature } from "../../http/app.js";
import { isAdminUser } from "../../http/guard.js";
import { HttpProblem, ProblemSchema } from "../../http/problem.js";
import type { StateDatabase } from "../../storage/state-schema.js";
import { loadDesiredBans } from "./desired-bans.js";
import type { Enforcement } from "./reconciler.js";

/**
 * Enforcement targets (list, create, edit, delete, sync now) and the plain-text blocklist URL that
 * firewalls pulling third-party feeds poll. The blocklist route is public in the route table but checks
 * its own token — an API key with the "blocklist" scope, as `?token=` (what firewall feed settings
 * allow) or Bearer — and answers with an ETag so a poll with no change costs a 304.
 */
export interface EnforcementRoutesDeps {
  db: Kysely<StateDatabase>;
  enforcement: Enforcement;
}

const TargetType = Type.Union([Type.Literal("sophos_xgs"), Type.Literal("webhook")]);
const Status = Type.Object({
  state: Type.Union([Type.Literal("ok"), Type.Literal("failing"), Type.Literal("never")]),
  last_sync: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  last_error: Type.Union([Type.String(), Type.Null()]),
  in_sync: Type.Integer(),
  pending: Type.Integer(),
  // The blocklist-feed group (grp_VGX-CrowdSBlockL) on a Sophos XGS, apart from the bans: null for
  // webhooks, without subscribed feeds, or before the first feed pass on the node answering.
  feed_in_sync: Type.Union([Type.Integer(), Type.Null()]),
  feed_pending: Type.Union([Type.Integer(), Type.Null()]),
  feed_error: Type.Union([Type.String(), Type.Null()]),
  feed_last_sync: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});
const Target = Type.Object({
  id: Type.String({ format: "uuid" }),
  name: Type.String(),
  type: TargetType,
  enabled: Type.Boolean(),
  config: Type.Record(Type.String(), Type.Unknown(), {
    description:
      "sophos_xgs: {url, username, password, verify_tls}; webhook: {url, secret}. Secrets read back as ********.",
  }),
  sites: Type.Array(Type.String(), {
    description: "The sites whose bans this target receives (plus global bans); empty = every ban",
  }),
  status: Status,
});
const TargetInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    type: TargetType,
    enabled: Type.Optional(Type.Boolean()),
    config: Type.Record(Type.String(), Type.Unknown()),
    sites: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
        maxItems: 1000,
        description:
          "Bind the target to these sites: it receives their bans and global ones (default: every ban)",
      }),
    ),
  },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: Type.String({ format: "uuid" }) });
const TAGS = ["enforcement"];

function blocklistToken(authorization: string | undefined, query: string | undefined): string | null {
  const bearer = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] : undefined;
  return bearer ?? (query || null);
}

export const enforcementRoutes =
  (deps: EnforcementRoutesDeps): HttpFeature =>
  async (app) => {
    const { enforcement } = deps;
    const targets = enforcement.targets;
    const apiKeys = createApiKeysRepo(deps.db);

    app.get(
      "/api/v1/enforcement/targets",
      {
        config: { access: { role: "audit", staff: true } },
        schema: {
          tags: TAGS,
          summary: "Enforcement targets with their sync status",
          response: { 200: Type.Object({ items: Type.Array(Target) }) },
        },
      },
      // Credentials written inside a target's URL are shown to admins only.
      async (req) => ({ items: await targets.list(isAdminUser(req)) }),
    );

    app.post(
      "/api/v1/enforcement/targets",
      {
        config: { access: { role: "admin", staff: true } },
        schema: {
          tags: TAGS,
          summary: "Add a Sophos XGS firewall or a webhook; it is synced at once",
          body: TargetInput,
          response: { 201: Target, 400: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (req, reply) => {
        const view = await targets.create(req.body);
        void enforcement.syncNow(view.id);
        reply.code(201);
        return view;
      },
    );

    app.put(
      "/api/v1/enforcement/targets/:id",
      {
        config: { access: { role: "admin", staff: true } },
        schema: {
          tags: TAGS,
          summary: "Edit a target (send the secret as ******** to keep it)",
          params: IdParams,
          body: TargetInput,
          response: { 200: Target, 400: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (req) => {
        const view = await targets.update(req.params.id, req.body);
        void enforcement.syncNow(view.id);
        return view;
      },
    );

    app.delete(
      "/api/v1/enforcement/targets/:id",
      {
        config: { access: { role: "admin", staff: true } },
        schema: {
          tags: TAGS,
          summary: "Remove a target (what it already holds stays on it)",
          params: IdParams,
          response: { 204: Type.Null(), 404: ProblemSchema },
        },
      },
      async (req, reply) => {
        await targets.remove(req.params.id);
        reply.code(204);
        return null;
      },
    );

    app.post(
      "/api/v1/enforcement/targets/:id/sync",
      {
        config: { access: { role: "analyst", staff: true } },
        schema: {
          tags: TAGS,
          summary: "Start a reconcile of one target now; its status updates live (enforcement_status)",
          params: IdParams,
          response: { 202: Type.Object({ accepted: Type.Boolean() }), 404: ProblemSchema },
        },
      },
      async (req, reply) => {
        await targets.get(req.params.id);
        void enforcement.syncNow(req.params.id);
        reply.code(202);
        return { accepted: true };
      },
    );

    app.get(
      "/api/v1/blocklist.txt",
      {
        config: { access: "public" },
        schema: {
          tags: TAGS,
          summary: "Active and permanent bans, one IP or CIDR per line (API key with the blocklist scope)",
          querystring: Type.Object({ token: Type.Optional(Type.String({ maxLength: 200 })) }),
        },
      },
      async (req, reply) => {
        const token = blocklistToken(req.headers.authorization, req.query.token);
        if (!token)
          throw new HttpProblem(
            401,
            "A blocklist token is required: ?token=<API key with the blocklist scope>",
          );
        const key = await apiKeys.findActiveByHash(sha256Hex(token));
        if (!key) throw new HttpProblem(401, "Unknown or revoked blocklist token");
        if (!key.scopes.includes("blocklist"))
          throw new HttpProblem(403, 'This API key lacks the "blocklist" scope');
        await apiKeys.touchLastUsed(key.id);
        // A key bound to a site (an MSP client's firewall) gets that site's bans and the global ones.
        const bans = await loadDesiredBans(deps.db, key.site ? [key.site] : []);
        const body = bans.map((b) => `${b.ip}\n`).join("");
        const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
        reply.header("etag", etag).header("cache-control", "no-cache");
        if (req.headers["if-none-match"] === etag) return reply.code(304).send();
        return reply.type("text/plain; charset=utf-8").send(body);
      },
    );
  };
