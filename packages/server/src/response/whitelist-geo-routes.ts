import { Type } from "@fastify/type-provider-typebox";
import type { Kysely } from "kysely";
import type { HttpFeature } from "../http/app.js";
import { HttpProblem, problemResponses } from "../http/problem.js";
import type { StateDatabase } from "../storage/state-schema.js";
import { addGeoblock, deleteGeoblock, getGeoZone, listGeoblock, putGeoZone } from "./geo-store.js";
import { parseIpOrCidr } from "./ip-address.js";
import {
  actorOf,
  Country,
  fieldError,
  GeoblockSchema,
  GeoZoneSchema,
  IdParams,
  WhitelistInputSchema,
  WhitelistSchema,
} from "./response-schemas.js";
import {
  addWhitelist,
  deleteWhitelist,
  listWhitelist,
  updateWhitelist,
  type WhitelistInput,
} from "./whitelist-store.js";

/** Whitelist (audit reads, analysts edit), GeoZone and geoblocking (audit reads, admins configure). */
function toInput(body: {
  ip: string;
  type: WhitelistInput["type"];
  reason: string;
  description?: string | undefined;
  score_modifier?: number | undefined;
  alert_only?: boolean | undefined;
  expires_at?: string | null | undefined;
  tags?: string[] | undefined;
  is_active?: boolean | undefined;
}): WhitelistInput {
  const range = parseIpOrCidr(body.ip);
  if (!range)
    throw fieldError("body", "ip", `"${body.ip}" is not an IP address or CIDR range (e.g. 10.0.0.0/8)`);
  return { ...body, range };
}

export const whitelistGeoRoutes =
  (deps: { db: Kysely<StateDatabase> }): HttpFeature =>
  async (app) => {
    const { db } = deps;
    const wl = ["whitelist"];
    const geo = ["geo"];

    app.get(
      "/api/v1/whitelist",
      {
        config: { access: { role: "audit", staff: true } },
        schema: {
          tags: wl,
          summary: "Whitelist entries (IPs and CIDR ranges)",
          response: { 200: Type.Object({ items: Type.Array(WhitelistSchema) }) },
        },
      },
      async () => ({ items: await listWhitelist(db) }),
    );

    app.post(
      "/api/v1/whitelist",
      {
        config: { access: { role: "analyst", staff: true } },
        schema: {
          tags: wl,
          summary:
            "Whitelist an IP or range: hard (never banned), soft (score reduced / alert only), monitor (logged only)",
          body: WhitelistInputSchema,
          response: { 201: WhitelistSchema, ...problemResponses(400) },
        },
      },
      async (req, reply) => {
        const entry = await addWhitelist(db, toInput(req.body), actorOf(req));
        reply.code(201);
        return entry;
      },
    );

    app.put(
      "/api/v1/whitelist/:id",
      {
        config: { access: { role: "analyst", staff: true } },
        schema: {
          tags: wl,
          summary: "Replace a whitelist entry",
          params: IdParams,
          body: WhitelistInputSchema,
          response: { 200: WhitelistSchema, ...problemResponses(400, 404) },
        },
      },
      async (req) => {
        const entry = await updateWhitelist(db, req.params.id, toInput(req.body));
        if (!entry) throw new HttpProblem(404, `No whitelist entry ${req.params.id}`);
        return entry;
      },
    );

    app.delete(
      "/api/v1/whitelist/:id",
      {
        config: { access: { role: "analyst", staff: true } },
        schema: {
          tags: wl,
          summary: "Remove a whitelist entry",
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses(404) },
        },
      },
      async (req, reply) => {
        if (!(await deleteWhitelist(db, req.params.id)))
          throw new HttpProblem(404, `No whitelist entry ${req.params.id}`);
        reply.code(204);
        return null;
      },
    );

    app.get(
      "/api/v1/geozone",
      {
        config: { access: { role: "audit", staff: true } },
        schema: {
          tags: geo,
          summary: "GeoZone configuration (authorized / hostile countries, thresholds)",
          response: { 200: GeoZoneSchema },
        },
      },
      async () => getGeoZone(db),
    );

    app.put(
      "/api/v1/geozone",
      {
        config: { access: { role: "admin", staff: true } },
        schema: {
          tags: geo,
          summary: "Replace the GeoZone configuration (takes effect on the next detection)",
          body: GeoZoneSchema,
          response: { 200: GeoZoneSchema, ...problemResponses(400) },
        },
      },
      async (req) => {
        const both = req.body.authorized_countries.find((c) =>
          req.body.hostile_countries.some((h) => h.toUpperCase() === c.toUpperCase()),
        );
        if (both)
          throw fieldError("body", "hostile_countries", `${both} cannot be both authorized and hostile`);
        return putGeoZone(db, req.body, actorOf(req));
      },
    );

    app.get(
      "/api/v1/geoblocking",
      {
        config: { access: { role: "audit", staff: true } },
        schema: {
          tags: geo,
          summary: "Country geoblocking rules",
          response: { 200: Type.Object({ items: Type.Array(GeoblockSchema) }) },
        },
      },
      async () => ({ items: await listGeoblock(db) }),
    );

    app.post(
      "/api/v1/geoblocking",
      {
        config: { access: { role: "admin", staff: true } },
        schema: {
          tags: geo,
          summary: "Block or allow a country (one rule per country; a new rule replaces the old)",
          body: Type.Object(
            {
              country: Country,
              action: Type.Union([Type.Literal("block"), Type.Literal("allow")]),
              reason: Type.String({ maxLength: 500, default: "" }),
            },
            { additionalProperties: false },
          ),
          response: { 201: GeoblockSchema, ...problemResponses(400) },
        },
      },
      async (req, reply) => {
        const rule = await addGeoblock(db, req.body, actorOf(req));
        reply.code(201);
        return rule;
      },
    );

    app.delete(
      "/api/v1/geoblocking/:id",
      {
        config: { access: { role: "admin", staff: true } },
        schema: {
          tags: geo,
          summary: "Remove a geoblocking rule",
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses(404) },
        },
      },
      async (req, reply) => {
        if (!(await deleteGeoblock(db, req.params.id)))
          throw new HttpProblem(404, `No geoblocking rule ${req.params.id}`);
        reply.code(204);
        return null;
      },
    );
  };
