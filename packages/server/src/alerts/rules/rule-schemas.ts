import { Type } from "@fastify/type-provider-typebox";
import { SeveritySchema as Severity } from "../alert-schemas.js";

/** TypeBox schemas of the alert-rules API (for the OpenAPI document and response shaping). */
const Time = Type.String({ format: "date-time" });
const FilterSchema = Type.Record(Type.String(), Type.Unknown(), {
  description: "The scenario filter language over event fields (see the scenarios documentation)",
});

export const AlertRuleSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  enabled: Type.Boolean(),
  sites: Type.Array(Type.String(), { description: "[] = every site (of the rule's client, if it has one)" }),
  client: Type.Union([Type.String(), Type.Null()], {
    description: "The client whose rule this is (its sites and channels only); null: the operator's",
  }),
  severity: Severity,
  channels: Type.Array(Type.String()),
  detection: Type.Object({
    filter: FilterSchema,
    threshold: Type.Integer(),
    window: Type.String(),
    group_by: Type.String(),
    distinct: Type.Optional(Type.String()),
  }),
  cooldown: Type.String(),
  escalation: Type.Union([
    Type.Object({
      after: Type.String(),
      channels: Type.Array(Type.String()),
      users: Type.Array(Type.String()),
    }),
    Type.Null(),
  ]),
  builtin: Type.Boolean(),
  trigger_count: Type.Integer(),
  last_triggered_at: Type.Union([Time, Type.Null()]),
  created_at: Time,
  updated_at: Time,
});

/**
 * Rule bodies are checked by rule-validation.ts, not by the schema, so every problem is reported with
 * its field path in one answer (a JSON schema stops at the first and cannot check channel ids).
 */
export const RuleBody = Type.Object(
  {},
  {
    additionalProperties: true,
    description:
      "AlertRuleInput: {name, description?, enabled?, sites?, client?, severity, channels?, detection: {filter, threshold, window, group_by?, distinct?}, cooldown?, escalation?}. " +
      "client: a client's user always writes for their own client; staff may name an existing one (default null, the operator's; on PUT, left out = unchanged). " +
      "A client's rule names only that client's sites (else 403) and channels (else 400).",
  },
);

export const RangeFields = {
  from: Type.Optional(Type.String({ format: "date-time", description: "Default: 24 h before `to`" })),
  to: Type.Optional(Type.String({ format: "date-time", description: "Default: now" })),
};

export const TestResultSchema = Type.Object({
  scanned: Type.Integer(),
  matched: Type.Integer(),
  capped: Type.Boolean(),
  scanned_until: Time,
  bucket_seconds: Type.Integer(),
  buckets: Type.Array(Type.Object({ t: Time, events: Type.Integer(), firings: Type.Integer() })),
  firings: Type.Array(
    Type.Object({ group_value: Type.String(), count: Type.Integer(), at: Time, site: Type.String() }),
  ),
});

export const RuleIdParams = Type.Object({ id: Type.String({ format: "uuid" }) });
