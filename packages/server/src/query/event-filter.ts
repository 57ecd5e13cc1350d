import { ACTIONS, type EventAction, SEVERITIES, type Severity, type SourceType } from "../ingest/event.js";
import type { QueryParams } from "../storage/event-store.js";
import { BadParameterError, shown } from "./bad-parameter.js";
import { type IpMatch, parseIpMatch } from "./ip-match.js";
import { hasHourKey, MAX_TIME_MS, MIN_TIME_MS } from "./time-range.js";

/** Every `source_type` a parser can produce (ingest/event.ts SourceType), for validation. */
export const SOURCE_TYPES = [
  "sophos",
  "modsecurity",
  "nginx",
  "apache",
  "sshd",
  "rfc5424",
  "cef",
  "json",
  "http",
  "unknown",
] as const satisfies readonly SourceType[];

/** The filter every events endpoint shares. Empty lists mean "any". Times are ms since epoch, UTC. */
export interface EventFilter {
  from: number;
  /** Exclusive upper bound. */
  to: number;
  sites: string[];
  logTypes: string[];
  /** The sender's own event type (SOC-30 `event_type`). */
  eventTypes: string[];
  severities: Severity[];
  actions: Exclude<EventAction, "">[];
  srcIps: IpMatch[];
  dstIps: IpMatch[];
  countries: string[];
  ruleIds: string[];
  sourceTypes: SourceType[];
  /** Free text, matched case-insensitively inside message, url or raw_log. */
  q: string | null;
  /**
   * Set by the server from the caller's scope, never from the query string: a client's user or key
   * sees its own sites only (undefined: every site).
   */
  scopeSites?: readonly string[];
}

/** The query-string names of the filter, for OpenAPI and for callers that pass other keys beside them. */
export const FILTER_PARAMETERS = [
  "from",
  "to",
  "site",
  "log_type",
  "event_type",
  "severity",
  "action",
  "src_ip",
  "dst_ip",
  "country",
  "rule_id",
  "source_type",
  "q",
] as const;

export const DEFAULT_RANGE_MS = 24 * 3600_000;
const MAX_LIST_ITEMS = 100;
const MAX_VALUE_LENGTH = 256;
const MAX_QUERY_LENGTH = 500;

/**
 * Read and validate the filter from a parsed query string. Anything wrong throws a BadParameterError
 * naming the parameter. Unknown keys are ignored (limit, cursor, dim belong to the endpoints).
 */
export function parseEventFilter(query: Readonly<Record<string, unknown>>, now = Date.now()): EventFilter {
  const to = parseTime(query, "to") ?? now;
  const from = parseTime(query, "from") ?? Math.max(MIN_TIME_MS, to - DEFAULT_RANGE_MS);
  if (from >= to) {
    throw new BadParameterError(
      "from",
      `${new Date(from).toISOString()} is not before to (${new Date(to).toISOString()})`,
    );
  }
  const q = single(query, "q")?.trim() ?? "";
  if (q.length > MAX_QUERY_LENGTH)
    throw new BadParameterError("q", `longer than ${MAX_QUERY_LENGTH} characters`);
  return {
    from,
    to,
    sites: list(query, "site"),
    logTypes: list(query, "log_type"),
    eventTypes: list(query, "event_type"),
    severities: list(query, "severity").map((v) => oneOf("severity", v.toLowerCase(), SEVERITIES)),
    actions: list(query, "action").map((v) => oneOf("action", v.toLowerCase(), ACTIONS)),
    srcIps: list(query, "src_ip").map((v) => ipOrCidr("src_ip", v)),
    dstIps: list(query, "dst_ip").map((v) => ipOrCidr("dst_ip", v)),
    countries: list(query, "country").map((v) => {
      if (!/^[A-Za-z]{2}$/.test(v))
        throw new BadParameterError("country", `${shown(v)} is not an ISO 3166-1 alpha-2 code`);
      return v.toUpperCase();
    }),
    ruleIds: list(query, "rule_id"),
    sourceTypes: list(query, "source_type").map((v) => oneOf("source_type", v.toLowerCase(), SOURCE_TYPES)),
    q: q === "" ? null : q,
  };
}

/** One value; a repeated key (`?q=a&q=b`) is refused rather than silently picking one. */
function single(query: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const raw = query[name];
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === "string") return raw;
  if (typeof raw === "number" || typeof raw === "boolean") return String(raw);
  throw new BadParameterError(name, "must be given once");
}

/** Comma-separated list; repeated keys are accepted too (`?severity=high&severity=critical`). */
function list(query: Readonly<Record<string, unknown>>, name: string): string[] {
  const raw = query[name];
  if (raw === undefined || raw === null) return [];
  const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((item: unknown) => {
    if (typeof item !== "string" && typeof item !== "number")
      throw new BadParameterError(name, "must be text");
    return String(item).split(",");
  });
  const values = [...new Set(parts.map((p) => p.trim()).filter((p) => p !== ""))];
  if (values.length > MAX_LIST_ITEMS) throw new BadParameterError(name, `more than ${MAX_LIST_ITEMS} values`);
  for (const v of values) {
    if (v.length > MAX_VALUE_LENGTH)
      throw new BadParameterError(name, `a value is longer than ${MAX_VALUE_LENGTH} characters`);
  }
  return values;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a.toLowerCase() === value);
  if (found === undefined) {
    throw new BadParameterError(name, `${shown(value)} is not one of ${allowed.join(", ")}`);
  }
  return found;
}

function ipOrCidr(name: string, value: string): IpMatch {
  const match = parseIpMatch(value);
  if (!match) throw new BadParameterError(name, `${shown(value)} is not an IP address or CIDR`);
  return match;
}

// ISO 8601 date, or date-time with optional seconds/fraction and an optional zone (UTC when absent).
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** ISO 8601 (a zone-less time is UTC), or epoch milliseconds. */
function parseTime(query: Readonly<Record<string, unknown>>, name: string): number | undefined {
  const raw = single(query, name)?.trim();
  if (raw === undefined || raw === "") return undefined;
  let ms = Number.NaN;
  if (/^\d{10,13}$/.test(raw)) ms = Number(raw);
  else if (ISO_8601.test(raw)) {
    const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(raw) || raw.length === 10;
    ms = Date.parse(hasZone ? raw : `${raw.replace(" ", "T")}Z`);
  }
  if (!Number.isFinite(ms)) throw new BadParameterError(name, `${shown(raw)} is not an ISO 8601 time`);
  // `to` is exclusive: 2300-01-01 still ends a range that takes in the last moment of 2299.
  const max = name === "to" ? MAX_TIME_MS + 1 : MAX_TIME_MS;
  if (ms < MIN_TIME_MS || ms > max) {
    throw new BadParameterError(
      name,
      `${shown(raw)} is outside the times events can have: from 1900-01-01T00:00:00Z to 2299-12-31T23:59:59.999Z`,
    );
  }
  return ms;
}

/** A WHERE clause and its server-side parameters. Values never enter the SQL text. */
export interface CompiledFilter {
  where: string;
  params: QueryParams;
}

/** `2024-05-01 12:00:00.000`: the text form a `DateTime64(3, 'UTC')` parameter reads. */
export function chTime(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

/**
 * Compile a filter to ClickHouse SQL over `events`. Parameter names start with `f_` so endpoints can
 * add their own. The time range comes first: the table's sorting key starts with the hour, so it
 * prunes granules; the IP, rule and message conditions can use the table's bloom-filter indexes.
 */
export function compileEventFilter(filter: EventFilter): CompiledFilter {
  const time = ["timestamp >= {f_from:DateTime64(3, 'UTC')}", "timestamp < {f_to:DateTime64(3, 'UTC')}"];
  // Redundant for the result, needed for speed: the sorting key starts with toStartOfHour(timestamp)
  // and ClickHouse does not derive that bound from a DateTime64 range (measured: a 2-minute range
  // read all 1120 granules of a 10M-row day without it, 58 with it). toStartOfHour is 32-bit
  // (1970-2106): a bound outside that range would wrap and exclude everything, so it is left out.
  if (hasHourKey(filter.from) && hasHourKey(filter.to)) {
    time.push(
      "toStartOfHour(timestamp) BETWEEN toStartOfHour({f_from:DateTime64(3, 'UTC')}) AND toStartOfHour({f_to:DateTime64(3, 'UTC')})",
    );
  }
  const rest = compileEventConditions(filter);
  return {
    where: [...time, ...(rest.where === "1" ? [] : [rest.where])].join(" AND "),
    params: { f_from: chTime(filter.from), f_to: chTime(filter.to), ...rest.params },
  };
}

/** Only the site / log type / severity / action filters: what the hourly count projection can answer. */
export function onlyProjectedConditions(filter: EventFilter): boolean {
  return (
    filter.srcIps.length === 0 &&
    filter.dstIps.length === 0 &&
    filter.countries.length === 0 &&
    filter.ruleIds.length === 0 &&
    filter.sourceTypes.length === 0 &&
    filter.eventTypes.length === 0 &&
    filter.q === null
  );
}

/** Every condition of the filter except the time range (`1` when there is none). */
export function compileEventConditions(filter: EventFilter): CompiledFilter {
  const clauses: string[] = [];
  const params: QueryParams = {};
  const inList = (column: string, name: string, values: readonly string[]): void => {
    if (values.length === 0) return;
    clauses.push(`${column} IN {${name}:Array(String)}`);
    params[name] = values;
  };
  if (filter.scopeSites !== undefined) {
    clauses.push("site IN {f_scope_sites:Array(String)}");
    params.f_scope_sites = filter.scopeSites;
  }
  inList("site", "f_sites", filter.sites);
  inList("log_type", "f_log_types", filter.logTypes);
  inList("event_type", "f_event_types", filter.eventTypes);
  inList("severity", "f_severities", filter.severities);
  inList("action", "f_actions", filter.actions);
  inList("geo_country", "f_countries", filter.countries);
  inList("source_type", "f_source_types", filter.sourceTypes);
  for (const [column, matches] of [
    ["src_ip", filter.srcIps],
    ["dst_ip", filter.dstIps],
  ] as const) {
    if (matches.length > 0) clauses.push(ipClause(column, matches, params));
  }
  if (filter.ruleIds.length > 0) {
    // A WAF event carries its ModSecurity rule ids in an array beside the event's own rule.
    clauses.push(
      "(rule_id IN {f_rule_ids:Array(String)} OR hasAny(modsec_rule_ids, {f_rule_ids:Array(String)}))",
    );
    params.f_rule_ids = filter.ruleIds;
  }
  if (filter.q !== null) {
    // Case-insensitive substring over the three text columns. The message's tokenbf index cannot
    // serve a case-insensitive substring, so this relies on the time range to bound the scan.
    clauses.push(
      "(positionCaseInsensitiveUTF8(message, {f_q:String}) > 0 OR positionCaseInsensitiveUTF8(url, {f_q:String}) > 0" +
        " OR positionCaseInsensitiveUTF8(raw_log, {f_q:String}) > 0)",
    );
    params.f_q = filter.q;
  }
  return { where: clauses.length === 0 ? "1" : clauses.join(" AND "), params };
}

/** Exact addresses go through one IN (bloom-filter index); each network is a range test. */
function ipClause(column: "src_ip" | "dst_ip", matches: readonly IpMatch[], params: QueryParams): string {
  const alternatives: string[] = [];
  const exact = matches.flatMap((m) => (m.kind === "ip" ? m.forms : []));
  if (exact.length > 0) {
    alternatives.push(`${column} IN {f_${column}:Array(String)}`);
    params[`f_${column}`] = exact;
  }
  matches.forEach((m, i) => {
    if (m.kind !== "cidr") return;
    const name = `f_${column}_cidr_${i}`;
    params[name] = m.cidr;
    // isIPAddressInRange throws on "" or junk; the family test before it short-circuits those rows.
    const isFamily = m.family === 4 ? `isIPv4String(${column})` : `isIPv6String(${column})`;
    alternatives.push(`(${isFamily} AND isIPAddressInRange(${column}, {${name}:String}))`);
  });
  return alternatives.length === 1 ? (alternatives[0] as string) : `(${alternatives.join(" OR ")})`;
}
