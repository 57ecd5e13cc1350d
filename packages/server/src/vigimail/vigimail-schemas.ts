import { Type } from "@fastify/type-provider-typebox";

/** TypeBox schemas of the /api/v1/vigimail routes (validation and OpenAPI). */
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Time = Type.String({ format: "date-time" });
const Lookup = Type.String({
  description:
    "How the DNS lookup went: ok, nxdomain, nodata (an answer) or timeout, servfail, refused, error (no answer)",
});

export const Issue = Type.Object({
  code: Type.String(),
  severity: Type.Union([
    Type.Literal("critical"),
    Type.Literal("high"),
    Type.Literal("medium"),
    Type.Literal("low"),
    Type.Literal("info"),
  ]),
  message: Type.String({ description: "What is wrong, in plain words" }),
  fix: Type.String({ description: "How to fix it" }),
});

export const DomainCheck = Type.Object({
  checked_at: Time,
  spf_lookup: Lookup,
  spf_exists: Type.Boolean(),
  spf_record: Type.Union([Type.String(), Type.Null()]),
  spf_valid: Type.Boolean(),
  spf_all: Type.Union([Type.String(), Type.Null()]),
  spf_dns_lookups: Type.Integer(),
  spf_void_lookups: Type.Integer(),
  spf_issues: Type.Array(Issue),
  dkim_lookup: Lookup,
  dkim_exists: Type.Boolean(),
  dkim_selectors: Type.Array(Type.String()),
  dkim_keys: Type.Array(
    Type.Object({
      selector: Type.String(),
      key_type: Type.String(),
      key_bits: Type.Union([Type.Integer(), Type.Null()]),
      revoked: Type.Boolean(),
      testing: Type.Boolean(),
    }),
  ),
  dkim_valid: Type.Boolean(),
  dkim_issues: Type.Array(Issue),
  dmarc_lookup: Lookup,
  dmarc_exists: Type.Boolean(),
  dmarc_record: Type.Union([Type.String(), Type.Null()]),
  dmarc_record_domain: Type.Union([Type.String(), Type.Null()]),
  dmarc_policy: Type.Union([Type.String(), Type.Null()]),
  dmarc_subdomain_policy: Type.Union([Type.String(), Type.Null()]),
  dmarc_valid: Type.Boolean(),
  dmarc_issues: Type.Array(Issue),
  mx_lookup: Lookup,
  mx_exists: Type.Boolean(),
  mx_null: Type.Boolean(),
  mx_records: Type.Array(
    Type.Object({ priority: Type.Integer(), exchange: Type.String(), resolves: Type.String() }),
  ),
  mx_valid: Type.Boolean(),
  mx_issues: Type.Array(Issue),
  overall_score: Type.Integer({ minimum: 0, maximum: 100 }),
  overall_status: Type.Union([Type.Literal("good"), Type.Literal("warning"), Type.Literal("critical")]),
});

export const Domain = Type.Object({
  domain: Type.String(),
  client: Type.String(),
  created_at: Time,
  last_check_at: Nullable(Time),
  score: Type.Union([Type.Integer(), Type.Null()]),
  status: Type.Union([Type.String(), Type.Null()]),
  dkim_selectors_learnt: Type.Array(Type.String()),
  check: Type.Union([DomainCheck, Type.Null()]),
});

export const DomainDns = Type.Object({
  domain: Type.String(),
  client: Type.String(),
  check: Type.Union([DomainCheck, Type.Null()], { description: "The latest check; null before the first" }),
  history: Type.Array(
    Type.Object({ checked_at: Time, overall_score: Type.Integer(), overall_status: Type.String() }),
    { description: "Checks of the last 90 days, newest first" },
  ),
});

export const Mailbox = Type.Object({
  email: Type.String(),
  domain: Type.String(),
  client: Type.String(),
  leak_count: Type.Integer(),
  status: Type.Union([Type.Literal("unchecked"), Type.Literal("clean"), Type.Literal("leaked")]),
  created_at: Time,
  last_check_at: Nullable(Time),
  last_success_at: Nullable(Time),
  last_error: Type.Union([Type.String(), Type.Null()]),
});

export const BreachOut = Type.Object({
  source: Type.String(),
  name: Type.String(),
  title: Type.String(),
  breach_domain: Type.Union([Type.String(), Type.Null()]),
  breach_date: Type.Union([Type.String(), Type.Null()]),
  data_classes: Type.Array(Type.String()),
  verified: Type.Boolean(),
  sensitive: Type.Boolean(),
  description: Type.String(),
  first_seen: Time,
  last_seen: Time,
});

export const Leaks = Type.Object({
  email: Type.String(),
  last_check_at: Nullable(Time),
  last_success_at: Nullable(Time),
  last_error: Type.Union([Type.String(), Type.Null()]),
  breaches: Type.Array(BreachOut),
});

export const Progress = Type.Object({
  running: Type.Boolean(),
  done: Type.Integer(),
  total: Type.Integer(),
  failed: Type.Integer(),
  started_at: Time,
  finished_at: Nullable(Time),
});

const ProviderOut = Type.Object({
  enabled: Type.Boolean(),
  key_set: Type.Boolean(),
  key_source: Type.Union([Type.Literal("console"), Type.Literal("environment"), Type.Null()]),
  url: Type.String(),
});

export const ConfigOut = Type.Object({
  interval_hours: Type.Integer(),
  dkim_selectors: Type.Array(Type.String()),
  dkim_selectors_default: Type.Boolean(),
  providers: Type.Object({
    hibp: Type.Object({
      ...ProviderOut.properties,
      requests_per_minute: Type.Integer(),
      domain_search: Type.Boolean(),
    }),
    leakcheck: ProviderOut,
  }),
  updated_at: Time,
  updated_by: Type.Union([Type.String(), Type.Null()]),
});

const KeyIn = Type.Union([Type.String({ minLength: 8, maxLength: 200 }), Type.Null()], {
  description: "A new key (sealed at rest, never returned); null removes the console key",
});

export const ConfigIn = Type.Object(
  {
    interval_hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 720 })),
    dkim_selectors: Type.Optional(
      Type.Union([
        Type.Array(Type.String({ pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$" }), { maxItems: 200 }),
        Type.Null(),
      ]),
    ),
    providers: Type.Optional(
      Type.Object(
        {
          hibp: Type.Optional(
            Type.Object(
              {
                enabled: Type.Optional(Type.Boolean()),
                key: Type.Optional(KeyIn),
                requests_per_minute: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
                domain_search: Type.Optional(Type.Boolean()),
              },
              { additionalProperties: false },
            ),
          ),
          leakcheck: Type.Optional(
            Type.Object(
              { enabled: Type.Optional(Type.Boolean()), key: Type.Optional(KeyIn) },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const Status = Type.Object({
  domains: Type.Integer(),
  mailboxes: Type.Integer(),
  leaked_mailboxes: Type.Integer(),
  breaches: Type.Integer(),
  interval_hours: Type.Integer(),
  last_run_at: Nullable(Time),
  next_run_at: Nullable(Time),
  check_all: Type.Union([Progress, Type.Null()]),
  providers: Type.Object({
    hibp: Type.Object({
      configured: Type.Boolean(),
      last_success_at: Nullable(Time),
      last_error: Type.Union([Type.String(), Type.Null()]),
      last_error_at: Nullable(Time),
    }),
    leakcheck: Type.Object({
      configured: Type.Boolean(),
      last_success_at: Nullable(Time),
      last_error: Type.Union([Type.String(), Type.Null()]),
      last_error_at: Nullable(Time),
    }),
  }),
});
