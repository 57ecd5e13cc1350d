import { Type } from "@fastify/type-provider-typebox";
import { stringEnum } from "../auth/auth-schemas.js";
import { optionalBody } from "../http/optional-body.js";
import { ALERT_STATES, SEVERITIES } from "./types.js";

/** TypeBox schemas of the alerts API (responses and bodies), for validation, serialisation and OpenAPI. */
const Time = Type.String({ format: "date-time" });
const NullableTime = Type.Union([Time, Type.Null()]);
const NullableText = Type.Union([Type.String(), Type.Null()]);
const SOURCES = ["rule", "scenario", "pending_ban", "system"] as const;

export const SeveritySchema = stringEnum(SEVERITIES);
export const StateSchema = stringEnum(ALERT_STATES);

export const AlertSchema = Type.Object(
  {
    id: Type.String(),
    source: stringEnum(SOURCES),
    rule_id: NullableText,
    rule_name: Type.String(),
    title: Type.String(),
    severity: SeveritySchema,
    state: StateSchema,
    site: Type.String(),
    group_by: Type.String(),
    group_value: Type.String(),
    count: Type.Integer(),
    threshold: Type.Integer(),
    first_seen: Time,
    last_seen: Time,
    event_ids: Type.Array(Type.String()),
    details: Type.Record(Type.String(), Type.Unknown()),
    assigned_to: NullableText,
    escalated_to: NullableText,
    escalated_at: NullableTime,
    acknowledged_at: NullableTime,
    acknowledged_by: NullableText,
    resolved_at: NullableTime,
    resolved_by: NullableText,
    repeat_count: Type.Integer(),
    suppressed_notifications: Type.Integer(),
    created_at: Time,
    updated_at: Time,
  },
  { title: "Alert" },
);

export const AlertActionSchema = Type.Object(
  {
    id: Type.String(),
    alert_id: Type.String(),
    at: Time,
    actor: Type.String(),
    action: Type.String(),
    detail: Type.Record(Type.String(), Type.Unknown()),
  },
  { title: "AlertAction" },
);

export const AlertDetailSchema = Type.Object(
  {
    ...AlertSchema.properties,
    history: Type.Array(AlertActionSchema),
    events: Type.Array(Type.Record(Type.String(), Type.Unknown()), {
      description: "The triggering events, read from the event store",
    }),
  },
  { title: "AlertDetail" },
);

const counts = <T extends string>(keys: readonly T[]) =>
  Type.Object(
    Object.fromEntries(keys.map((k) => [k, Type.Integer()])) as Record<T, ReturnType<typeof Type.Integer>>,
  );

export const AlertStatsSchema = Type.Object(
  {
    open: Type.Integer(),
    by_state: counts(ALERT_STATES),
    by_severity: counts(SEVERITIES),
    last_24h: Type.Integer(),
    top_rules: Type.Array(Type.Object({ rule_name: Type.String(), count: Type.Integer() })),
    median_ack_seconds: Type.Union([Type.Number(), Type.Null()]),
  },
  { title: "AlertStats" },
);

export const AlertListQuery = Type.Object({
  state: Type.Optional(Type.String({ description: `Comma-separated: ${ALERT_STATES.join(", ")}` })),
  severity: Type.Optional(Type.String({ description: `Comma-separated: ${SEVERITIES.join(", ")}` })),
  site: Type.Optional(Type.String({ maxLength: 100 })),
  rule: Type.Optional(Type.String({ maxLength: 200, description: "Rule (or scenario) name" })),
  assignee: Type.Optional(Type.String({ maxLength: 100, description: 'A username, or "me"' })),
  source: Type.Optional(stringEnum(SOURCES)),
  from: Type.Optional(Type.String({ description: "ISO 8601; alerts created at or after" })),
  to: Type.Optional(Type.String({ description: "ISO 8601; alerts created before" })),
  q: Type.Optional(Type.String({ maxLength: 200, description: "Text in the title or group value" })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
});

export const AlertIdParams = Type.Object({ id: Type.String({ format: "uuid" }) });

const note = Type.Optional(Type.String({ maxLength: 2000 }));
const user = Type.String({ minLength: 1, maxLength: 100, description: "A username" });

export const NoteBody = optionalBody(Type.Object({ note }, { additionalProperties: false }));
export const AssignBody = Type.Object({ user }, { additionalProperties: false });
export const EscalateBody = Type.Object({ user, note }, { additionalProperties: false });
export const ResolveBody = optionalBody(
  Type.Object(
    {
      resolution: Type.Optional(stringEnum(["resolved", "false_positive"] as const)),
      note,
    },
    { additionalProperties: false },
  ),
);
export const CommentBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 10_000 }) },
  { additionalProperties: false },
);
