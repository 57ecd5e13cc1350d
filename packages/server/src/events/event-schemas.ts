import { Type } from "@fastify/type-provider-typebox";
import { ACTIONS, SEVERITIES } from "../ingest/event.js";
import { SOURCE_TYPES } from "../query/event-filter.js";
import { TOP_DIMENSIONS } from "./event-repository.js";

/**
 * TypeBox schemas of the events API, for the OpenAPI document and response serialisation. Query
 * values are declared as text: the filter parser validates them itself so a bad value gets a 400
 * whose detail names the parameter and the reason in words.
 */
const list = (what: string) =>
  Type.Optional(Type.String({ description: `${what}; comma-separated for several` }));

export const FilterQuery = {
  from: Type.Optional(
    Type.String({ description: "ISO 8601 start (inclusive); default: 24 hours before `to`" }),
  ),
  to: Type.Optional(Type.String({ description: "ISO 8601 end (exclusive); default: now" })),
  site: list("Site name"),
  log_type: list("Log type (WAF, IPS, ATP, Anti-Virus, Firewall, VPN, or a source's own type)"),
  event_type: list("Event type as the sender named it (e.g. port_scan)"),
  severity: list(`Severity: ${SEVERITIES.join(", ")}`),
  action: list(`Action: ${ACTIONS.join(", ")}`),
  src_ip: list("Source IPv4/IPv6 address or CIDR"),
  dst_ip: list("Destination IPv4/IPv6 address or CIDR"),
  country: list("ISO 3166-1 alpha-2 country of the source"),
  rule_id: list("Rule id (the event's own or one of its ModSecurity rules)"),
  source_type: list(`Parser: ${SOURCE_TYPES.join(", ")}`),
  q: Type.Optional(Type.String({ description: "Free text, case-insensitive, in message, url or raw log" })),
};

export const ListQuery = Type.Object({
  ...FilterQuery,
  limit: Type.Optional(Type.String({ description: "Page size, 1..1000 (default 100)" })),
  cursor: Type.Optional(Type.String({ description: "Opaque: `next_cursor` of the previous page" })),
});

export const TopQuery = Type.Object({
  ...FilterQuery,
  dim: Type.String({ description: `What to rank: ${TOP_DIMENSIONS.join(", ")}` }),
  limit: Type.Optional(Type.String({ description: "How many, 1..100 (default 10)" })),
});

export const StatsQuery = Type.Object(FilterQuery);

const str = Type.String();
const int = Type.Integer();

export const EventSchema = Type.Object(
  {
    event_id: Type.String({ format: "uuid" }),
    timestamp: Type.String({ format: "date-time" }),
    site: str,
    source_type: str,
    sender: str,
    log_type: str,
    category: str,
    sub_category: str,
    event_type: str,
    severity: Type.String({ enum: [...SEVERITIES] }),
    mitre_technique: str,
    src_ip: str,
    dst_ip: str,
    src_port: int,
    dst_port: int,
    protocol: str,
    action: str,
    rule_id: str,
    rule_name: str,
    hostname: str,
    user_name: str,
    url: str,
    http_method: str,
    http_status: int,
    user_agent: str,
    geo_country: str,
    geo_city: str,
    geo_asn: int,
    geo_org: str,
    geo_lat: Type.Number(),
    geo_lon: Type.Number(),
    message: str,
    reason: str,
    raw_log: str,
    modsec_rule_ids: Type.Array(str),
    modsec_messages: Type.Array(str),
    unique_id: str,
    sophos_id: str,
    device_serial: str,
    parse_error: str,
    metadata: Type.Record(str, str, { description: "The sender's own key/values (non-text values as JSON)" }),
    truncated: Type.Optional(
      Type.Boolean({
        description:
          "In a list: message and raw_log are their first 2,048 characters (GET /api/v1/events/{id} has them whole).",
      }),
    ),
    // Present when the events API runs with the state store: the analysts' triage of this event.
    triage: Type.Optional(
      Type.Union([
        Type.Object({
          status: Type.String({ enum: ["new", "investigating", "resolved"] }),
          assigned_to: Type.Union([str, Type.Null()]),
        }),
        Type.Null(),
      ]),
    ),
  },
  { title: "Event" },
);

export const ModSecSchema = Type.Object(
  {
    id: str,
    timestamp: Type.String({ format: "date-time" }),
    site: str,
    unique_id: str,
    src_ip: str,
    src_port: int,
    hostname: str,
    uri: str,
    rule_id: str,
    rule_file: str,
    rule_msg: str,
    rule_severity: str,
    rule_data: str,
    crs_version: str,
    paranoia_level: int,
    attack_type: str,
    anomaly_score: int,
    total_score: int,
    is_blocking: Type.Boolean(),
    tags: Type.Array(str),
    raw_log: str,
  },
  { title: "ModSecRow" },
);

export const EventPageSchema = Type.Object({
  items: Type.Array(EventSchema),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

export const EventDetailSchema = Type.Object({ event: EventSchema, modsec: Type.Array(ModSecSchema) });

const KeyCounts = Type.Array(Type.Object({ key: str, count: int }));

export const StatsSchema = Type.Object({
  total: int,
  by_log_type: KeyCounts,
  by_severity: KeyCounts,
  by_action: KeyCounts,
  by_site: KeyCounts,
  unique_src_ips: int,
});

export const TimelineSchema = Type.Object({
  bucket_seconds: int,
  buckets: Type.Array(
    Type.Object({
      t: Type.String({ format: "date-time", description: "Bucket start" }),
      count: int,
      by_severity: Type.Object({ critical: int, high: int, medium: int, low: int, info: int }),
    }),
  ),
});

export const TopSchema = Type.Object({
  items: Type.Array(Type.Object({ key: str, count: int, label: Type.Optional(str) })),
});

export const GeoSchema = Type.Object({
  items: Type.Array(Type.Object({ country: str, count: int, lat: Type.Number(), lon: Type.Number() })),
});

export const ProblemBody = Type.Object(
  { type: str, title: str, status: int, detail: str },
  { title: "Problem", description: "RFC 7807 application/problem+json" },
);
