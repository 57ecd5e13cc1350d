import { Type } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { principalOf } from "../http/guard.js";

/** TypeBox schemas of the response API (bans, approvals, whitelist, geo), and small route helpers. */
const Time = Type.String({ format: "date-time" });
const NullableTime = Type.Union([Time, Type.Null()]);
const Zone = Type.Union([Type.Literal("authorized"), Type.Literal("hostile"), Type.Literal("neutral")]);
export const Country = Type.String({ pattern: "^[A-Za-z]{2}$", description: "ISO 3166-1 alpha-2 code" });

export const BanSchema = Type.Object({
  ip: Type.String(),
  status: Type.Union([
    Type.Literal("active"),
    Type.Literal("expired"),
    Type.Literal("permanent"),
    Type.Literal("conditional"),
    Type.Literal("pending_approval"),
  ]),
  ban_count: Type.Integer(),
  current_tier: Type.Integer({ description: "0 = 4 h, 1 = 24 h, 2 = 7 days, 3+ = permanent" }),
  first_ban: Time,
  last_ban: Time,
  expires_at: Type.Union([Time, Type.Null()], { description: "null = permanent" }),
  reason: Type.String(),
  source: Type.Union([
    Type.Literal("manual"),
    Type.Literal("detect2ban"),
    Type.Literal("threat_intel"),
    Type.Literal("blocklist"),
  ]),
  trigger_rule: Type.String(),
  site: Type.String(),
  sites: Type.Array(Type.String(), {
    description: "Every site the ban applies to; empty = global (every site's firewalls)",
  }),
  country: Type.String(),
  geo_zone: Zone,
  threat_score_at_ban: Type.Integer(),
  threat_sources: Type.Array(Type.String(), {
    description: "Threat-intelligence providers or blocklist feeds whose verdict counted toward the ban",
  }),
  immune_until: NullableTime,
  created_by: Type.String(),
});

export const HistorySchema = Type.Object({
  id: Type.Integer(),
  at: Time,
  action: Type.Union([
    Type.Literal("ban"),
    Type.Literal("unban"),
    Type.Literal("escalate"),
    Type.Literal("expire"),
    Type.Literal("approve"),
    Type.Literal("reject"),
    Type.Literal("pending"),
  ]),
  status: Type.String(),
  tier: Type.Integer(),
  duration_ms: Type.Union([Type.Integer(), Type.Null()]),
  reason: Type.String(),
  actor: Type.String(),
  site: Type.String({
    description: "The site whose detection or analyst made the change; empty when global",
  }),
  source: Type.String(),
  threat_score: Type.Union([Type.Integer(), Type.Null()], {
    description: "The threat score behind the change, when the policy asked for one",
  }),
  threat_sources: Type.Array(Type.String()),
});

export const PendingSchema = Type.Object({
  id: Type.String(),
  ip: Type.String(),
  country: Type.String(),
  geo_zone: Zone,
  threat_score: Type.Integer(),
  threat_sources: Type.Array(Type.String()),
  event_count: Type.Integer(),
  first_event: Time,
  last_event: Time,
  trigger_rule: Type.String(),
  reason: Type.String(),
  status: Type.Union([
    Type.Literal("pending"),
    Type.Literal("approved"),
    Type.Literal("rejected"),
    Type.Literal("expired"),
  ]),
  pending_type: Type.Union([
    Type.Literal("country_policy"),
    Type.Literal("false_positive"),
    Type.Literal("unverified_sender"),
  ]),
  fp_rule_id: Type.String(),
  fp_uri: Type.String(),
  fp_hostname: Type.String(),
  created_at: Time,
  reviewed_by: Type.Union([Type.String(), Type.Null()]),
  reviewed_at: NullableTime,
});

export const WhitelistType = Type.Union([
  Type.Literal("hard"),
  Type.Literal("soft"),
  Type.Literal("monitor"),
]);

export const WhitelistSchema = Type.Object({
  id: Type.String(),
  ip: Type.String(),
  type: WhitelistType,
  reason: Type.String(),
  description: Type.String(),
  score_modifier: Type.Integer(),
  alert_only: Type.Boolean(),
  expires_at: NullableTime,
  tags: Type.Array(Type.String()),
  is_active: Type.Boolean(),
});

export const WhitelistInputSchema = Type.Object(
  {
    ip: Type.String({ minLength: 1, maxLength: 64, description: "An IP or a CIDR range" }),
    type: WhitelistType,
    reason: Type.String({ minLength: 1, maxLength: 500 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    score_modifier: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    alert_only: Type.Optional(Type.Boolean()),
    expires_at: Type.Optional(NullableTime),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 })),
    is_active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const GeoZoneSchema = Type.Object(
  {
    enabled: Type.Boolean(),
    authorized_countries: Type.Array(Country, { maxItems: 300 }),
    hostile_countries: Type.Array(Country, { maxItems: 300 }),
    default_policy: Zone,
    waf_threshold_hzone: Type.Integer({ minimum: 1, maximum: 10_000 }),
    waf_threshold_zone: Type.Integer({ minimum: 1, maximum: 10_000 }),
    threat_score_threshold: Type.Integer({ minimum: 0, maximum: 100 }),
  },
  { additionalProperties: false },
);

export const GeoblockSchema = Type.Object({
  id: Type.String(),
  country: Type.String(),
  action: Type.Union([Type.Literal("block"), Type.Literal("allow")]),
  reason: Type.String(),
});

export const IdParams = Type.Object({ id: Type.String({ format: "uuid" }) });
export const IpParams = Type.Object({ ip: Type.String({ minLength: 1, maxLength: 64 }) });

/** Who did it, for history rows and `created_by`. */
export function actorOf(req: FastifyRequest): string {
  const p = principalOf(req);
  return p.kind === "user" ? p.username : `apikey:${p.name}`;
}

/**
 * A 400 naming the field, in the same shape as schema validation errors (`errors: [{field, message}]`),
 * for checks a JSON schema cannot express (an IP, a CIDR range).
 */
export function fieldError(
  context: "body" | "params" | "querystring",
  field: string,
  message: string,
): Error {
  return Object.assign(new Error(`${context}/${field} ${message}`), {
    statusCode: 400,
    validationContext: context,
    validation: [{ instancePath: `/${field}`, message }],
  });
}
