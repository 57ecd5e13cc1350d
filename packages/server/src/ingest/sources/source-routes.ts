import { Type } from "@fastify/type-provider-typebox";
import type { HttpFeature } from "../../http/app.js";
import { siteScopeOf } from "../../http/guard.js";
import { HttpProblem, ProblemSchema } from "../../http/problem.js";
import { canSee } from "../../tenancy/scope.js";
import { SITE_PATTERN } from "../http-record.js";
import { isValidTimeZone } from "../time.js";
import type { SourceRegistry } from "./source-registry.js";

/** Log senders and the sites they belong to: list (registered and unknown), register, edit, remove. */
const Source = Type.Object({
  id: Type.String({ format: "uuid" }),
  match_type: Type.Union([Type.Literal("ip"), Type.Literal("hostname"), Type.Literal("serial")]),
  match_value: Type.String(),
  name: Type.String(),
  site: Type.String(),
  timezone: Type.String(),
  registered: Type.Boolean({ description: "false: a sender seen but not yet assigned by an admin" }),
  via: Type.String({
    description:
      "For a hostname or serial: the sender address it was last seen behind, so the devices one address carries list under it",
  }),
  first_seen: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  last_seen: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  event_count: Type.Integer(),
});

const SourceInput = Type.Object(
  {
    match_type: Type.Union([Type.Literal("ip"), Type.Literal("hostname"), Type.Literal("serial")]),
    match_value: Type.String({ minLength: 1, maxLength: 255 }),
    site: Type.String({ pattern: SITE_PATTERN.source }),
    timezone: Type.String({ default: "UTC", maxLength: 64 }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

const SourcePatch = Type.Object(
  {
    site: Type.Optional(Type.String({ pattern: SITE_PATTERN.source })),
    timezone: Type.Optional(Type.String({ maxLength: 64 })),
    name: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Type.String({ format: "uuid" }) });

function checkZone(tz: string | undefined): void {
  if (tz !== undefined && !isValidTimeZone(tz)) {
    throw new HttpProblem(400, `timezone: "${tz}" is not an IANA time zone (e.g. Europe/Paris)`);
  }
}

export const sourceRoutes =
  (sources: SourceRegistry): HttpFeature =>
  async (app) => {
    app.get(
      "/api/v1/sources",
      {
        config: { access: { role: "audit" } },
        schema: {
          tags: ["sources"],
          summary: "Registered log senders, and unknown senders waiting to be assigned to a site",
          response: { 200: Type.Object({ items: Type.Array(Source) }) },
        },
      },
      async (request) => {
        // A client's user sees the senders of its own sites only (unknown senders are the operator's).
        const scope = siteScopeOf(request);
        const all = await sources.list();
        return { items: scope.kind === "all" ? all : all.filter((s) => canSee(scope, s.site)) };
      },
    );

    app.post(
      "/api/v1/sources",
      {
        config: { access: { role: "admin", staff: true } },
        schema: {
          tags: ["sources"],
          summary: "Register a sender (by IP, hostname or device serial) to a site and time zone",
          body: SourceInput,
          response: { 201: Source, 400: ProblemSchema },
        },
      },
      async (req, reply) => {
        checkZone(req.body.timezone);
        const s = await sources.register(req.body);
        reply.code(201);
        return s;
      },
    );

    app.put(
      "/api/v1/sources/:id",
      {
        config: { access: { role: "admin", staff: true } },
        schema: {
          tags: ["sources"],
          summary: "Change a sender's site, time zone or name (assigns an unassigned sender or device)",
          params: IdParams,
          body: SourcePatch,
          response: { 200: Source, 400: ProblemSchema, 404: ProblemSchema },
        },
      },
      async (req) => {
        checkZone(req.body.timezone);
        const s = await sources.update(req.params.id, req.body);
        if (!s) throw new HttpProblem(404, `No source with id ${req.params.id}`);
        return s;
      },
    );

    app.delete(
      "/api/v1/sources/:id",
      {
        config: { access: { role: "admin", staff: true } },
        schema: {
          tags: ["sources"],
          summary: "Forget a sender (its events stay; new ones land in site default)",
          params: IdParams,
          response: { 204: Type.Null(), 404: ProblemSchema },
        },
      },
      async (req, reply) => {
        if (!(await sources.remove(req.params.id)))
          throw new HttpProblem(404, `No source with id ${req.params.id}`);
        reply.code(204);
      },
    );
  };
