import { Type } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import type { Kysely } from "kysely";
import { REDACTED } from "../../auth/redact.js";
import { isUuid } from "../../events/event-cursor.js";
import type { HttpFeature } from "../../http/app.js";
import { siteScopeOf } from "../../http/guard.js";
import { HttpProblem, problemResponses } from "../../http/problem.js";
import { fieldError } from "../../response/response-schemas.js";
import type { StateDatabase } from "../../storage/state-schema.js";
import { clientOfWrite, ownedBy } from "../alert-clients.js";
import { SeveritySchema as Severity } from "../alert-schemas.js";
import type { ChannelStore } from "./channel-store.js";
import { SECRET_FIELDS } from "./channel-validation.js";
import type { ChannelNotifier, SendFn } from "./notifier.js";
import type { ChannelInput, ChannelType } from "./types.js";

/**
 * Notification channels: audit reads, supervisors change, analysts may send a test. A channel belongs
 * to a client (it hears only alerts of that client's sites) or, with client null, to the operator (it
 * hears all). A client's users see and change their client's channels only (another's `:id` is 404);
 * operator staff see all. No secret ever leaves
 * in a response: the store's view drops them, and the request body the audit log keeps has them
 * replaced through the route's `auditBody` (the audit redaction knows `password` and `secret` by
 * name, not a Slack URL's token).
 */
export interface ChannelRoutesDeps {
  /** For the client a channel is written for (it must exist). */
  db: Kysely<StateDatabase>;
  store: ChannelStore;
  notifier: Pick<ChannelNotifier, "sendTest">;
  /** Sender for the test endpoint (tests: an allow-list for a local receiver). */
  send?: SendFn;
}

const tags = ["channels"];
const Time = Type.String({ format: "date-time" });
const Type_ = Type.Union([Type.Literal("email"), Type.Literal("slack"), Type.Literal("webhook")]);
const IdParams = Type.Object({ id: Type.String({ format: "uuid" }) });

const ChannelSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type_,
  enabled: Type.Boolean(),
  min_severity: Type.Union([Severity, Type.Null()]),
  client: Type.Union([Type.String(), Type.Null()], {
    description: "The client whose channel this is (hears that client's alerts only); null: the operator's",
  }),
  config: Type.Record(Type.String(), Type.Unknown(), {
    description: "The channel's settings without its secrets (email password, webhook secret, Slack URL)",
  }),
  secrets_set: Type.Array(Type.String(), { description: "Secret fields that hold a value" }),
  last_delivery: Type.Union([
    Type.Object({ at: Time, ok: Type.Boolean(), error: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  failures_24h: Type.Integer(),
  suppressed: Type.Integer({ description: "Notifications held back by the rate limit since start" }),
  created_at: Time,
  updated_at: Time,
});

const INPUT_FIELDS = ["name", "type", "enabled", "min_severity", "client", "config"];
const InputSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    type: Type_,
    enabled: Type.Optional(Type.Boolean()),
    min_severity: Type.Optional(
      Type.Union([Severity, Type.Null()], {
        description: "Alerts without channels of their own at or above this come here; null = none",
      }),
    ),
    client: Type.Optional(
      Type.Union([Type.String(), Type.Null()], {
        description:
          "Whose channel: a client's user always writes for their own client; staff may name an existing " +
          "client (default null, the operator's; on PUT, left out = unchanged)",
      }),
    ),
    config: Type.Record(Type.String(), Type.Unknown(), {
      description:
        "email: {host, port, secure, starttls, username?, password?, from, to: []}; slack: {url}; " +
        "webhook: {url, secret (≥ 16 chars)}. On PUT, a secret left out keeps the stored one.",
    }),
  },
  { additionalProperties: true },
);

const DeliverySchema = Type.Object({
  at: Time,
  alert_id: Type.String(),
  ok: Type.Boolean(),
  attempts: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
});

/** The body the audit log keeps: the channel's secret fields blanked (a copy; the request is untouched). */
function auditBody(body: unknown): unknown {
  if (body === null || typeof body !== "object") return body;
  const { type, config } = body as { type?: unknown; config?: unknown };
  if (config === null || typeof config !== "object") return body;
  const names = SECRET_FIELDS[type as ChannelType] ?? ["password", "secret", "url"];
  const blanked: Record<string, unknown> = { ...(config as Record<string, unknown>) };
  for (const f of names) if (typeof blanked[f] === "string") blanked[f] = REDACTED;
  return { ...body, config: blanked };
}

/**
 * The channel input; fields outside it are refused, not dropped (the schema admits extra properties
 * so that validation keeps them for this check).
 */
function inputOf(req: FastifyRequest): ChannelInput {
  const body = req.body as Record<string, unknown>;
  const unknown = Object.keys(body).find((k) => !INPUT_FIELDS.includes(k));
  if (unknown !== undefined) throw fieldError("body", unknown, "is not a field of a channel");
  return body as unknown as ChannelInput;
}

export const channelRoutes =
  (deps: ChannelRoutesDeps): HttpFeature =>
  async (app) => {
    const { store, db } = deps;

    // Every /channels/:id route: another client's channel does not exist for a client's user.
    app.addHook("preHandler", async (req) => {
      const id = (req.params as { id?: unknown } | undefined)?.id;
      if (typeof id !== "string" || !isUuid(id) || !req.siteScope || req.siteScope.kind === "all") return;
      const owner = await store.owner(id);
      if (owner !== undefined && !ownedBy(siteScopeOf(req), owner)) {
        throw new HttpProblem(404, `No notification channel with id ${id}`);
      }
    });

    app.get(
      "/api/v1/channels",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags,
          summary:
            "Notification channels, with their last delivery, failures in 24 h and suppressed count " +
            "(a client's user: their client's)",
          response: { 200: Type.Object({ items: Type.Array(ChannelSchema) }) },
        },
      },
      async (req) => {
        const scope = siteScopeOf(req);
        return { items: (await store.list()).filter((c) => ownedBy(scope, c.client)) };
      },
    );

    app.get(
      "/api/v1/channels/:id",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags,
          summary: "One notification channel",
          params: IdParams,
          response: { 200: ChannelSchema, ...problemResponses(404) },
        },
      },
      async (req) => store.view(req.params.id),
    );

    app.post(
      "/api/v1/channels",
      {
        config: { access: { role: "supervisor" }, auditBody },
        schema: {
          tags,
          summary: "Create a notification channel (email, Slack or webhook); its secrets are sealed at rest",
          body: InputSchema,
          response: { 201: ChannelSchema, ...problemResponses(400, 403, 409) },
        },
      },
      async (req, reply) => {
        const input = inputOf(req);
        const client = await clientOfWrite(db, siteScopeOf(req), input.client);
        return reply.code(201).send(await store.create(input, client));
      },
    );

    app.put(
      "/api/v1/channels/:id",
      {
        config: { access: { role: "supervisor" }, auditBody },
        schema: {
          tags,
          summary: "Replace a channel's settings; secrets left out of config keep their stored value",
          params: IdParams,
          body: InputSchema,
          response: { 200: ChannelSchema, ...problemResponses(400, 403, 404, 409) },
        },
      },
      async (req) => {
        const input = inputOf(req);
        const current = await store.owner(req.params.id);
        if (current === undefined)
          throw new HttpProblem(404, `No notification channel with id ${req.params.id}`);
        const client = await clientOfWrite(db, siteScopeOf(req), input.client, current);
        return store.update(req.params.id, input, client);
      },
    );

    app.delete(
      "/api/v1/channels/:id",
      {
        config: { access: { role: "supervisor" } },
        schema: {
          tags,
          summary: "Delete a channel and its delivery records",
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses(404) },
        },
      },
      async (req, reply) => {
        await store.remove(req.params.id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      "/api/v1/channels/:id/test",
      {
        config: { access: { role: "analyst" } },
        schema: {
          tags,
          summary: 'Send a sample "Test notification from Vigil" on this channel (disabled ones too)',
          params: IdParams,
          response: {
            200: Type.Object({
              ok: Type.Boolean(),
              error: Type.Optional(Type.String()),
              attempts: Type.Integer(),
            }),
            ...problemResponses(404, 409),
          },
        },
      },
      async (req) => {
        let channel: Awaited<ReturnType<ChannelStore["get"]>>;
        try {
          channel = await store.get(req.params.id);
        } catch (e) {
          throw new HttpProblem(409, `The channel's secret cannot be read: ${(e as Error).message}`);
        }
        if (!channel) throw new HttpProblem(404, `No notification channel with id ${req.params.id}`);
        const res = await deps.notifier.sendTest(channel, deps.send);
        return { ok: res.ok, attempts: res.attempts, ...(res.ok ? {} : { error: res.error ?? "failed" }) };
      },
    );

    app.get(
      "/api/v1/channels/:id/deliveries",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags,
          summary: "Finished deliveries on this channel (after retries), newest first",
          params: IdParams,
          querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }) }),
          response: { 200: Type.Object({ items: Type.Array(DeliverySchema) }), ...problemResponses(404) },
        },
      },
      async (req) => ({ items: await store.deliveries(req.params.id, req.query.limit) }),
    );
  };
