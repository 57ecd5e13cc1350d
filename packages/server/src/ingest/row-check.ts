import { isWellFormed } from "./event-validate.js";
import { EVENT_COLUMNS } from "./normalise.js";

/**
 * Checks one serialised row against its table's column types, the way ClickHouse would read it, and
 * names the first value it would refuse. The writer runs it over a batch the store refused, so a bad row
 * is found in one pass and dead-lettered with its reason while its batch-mates are stored at once, instead
 * of halving a 40,000-row batch a dozen times (issue 8). Pure.
 */
type Kind = "uint8" | "uint16" | "uint32" | "time" | "text" | "float" | "texts" | "map" | "uuid" | "bool";

const EVENT_KINDS: Readonly<Record<string, Kind>> = {
  event_id: "uuid",
  timestamp: "time",
  src_port: "uint16",
  dst_port: "uint16",
  http_status: "uint16",
  geo_asn: "uint32",
  geo_lat: "float",
  geo_lon: "float",
  modsec_rule_ids: "texts",
  modsec_messages: "texts",
  metadata: "map",
};

const MODSEC_KINDS: Readonly<Record<string, Kind>> = {
  id: "uuid",
  timestamp: "time",
  src_port: "uint16",
  paranoia_level: "uint8",
  anomaly_score: "uint32",
  total_score: "uint32",
  is_blocking: "bool",
  tags: "texts",
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TIME_MS = 0xffffffff * 1000;

const goodText = (v: unknown): boolean => typeof v === "string" && isWellFormed(v);

function problem(kind: Kind, v: unknown): string | null {
  // The store reads null as the column's default (input_format_null_as_default).
  if (v === null) return null;
  switch (kind) {
    case "uint8":
    case "uint16":
    case "uint32": {
      const max = kind === "uint8" ? 0xff : kind === "uint16" ? 0xffff : 0xffffffff;
      return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= max ? null : `not a ${kind}`;
    }
    case "time":
      return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= MAX_TIME_MS
        ? null
        : "not a time from 1970 to 2106";
    case "float":
      return typeof v === "number" && Number.isFinite(v) ? null : "not a finite number";
    case "uuid":
      return typeof v === "string" && UUID.test(v) ? null : "not a UUID";
    case "bool":
      return typeof v === "boolean" || v === 0 || v === 1 ? null : "not a boolean";
    case "texts":
      return Array.isArray(v) && v.every(goodText) ? null : "not a list of text";
    case "map":
      return v !== null &&
        typeof v === "object" &&
        !Array.isArray(v) &&
        Object.entries(v).every(([k, x]) => goodText(k) && goodText(x))
        ? null
        : "not a map of text to text";
    case "text":
      return goodText(v) ? null : "not well-formed text";
    default: {
      const never: never = kind;
      return never;
    }
  }
}

function checkValues(entries: Iterable<readonly [string, unknown]>, kinds: Readonly<Record<string, Kind>>) {
  for (const [column, v] of entries) {
    const why = problem(kinds[column] ?? "text", v);
    if (why) return `${column}: ${JSON.stringify(v)?.slice(0, 80) ?? String(v)} is ${why}`;
  }
  return null;
}

/** Why ClickHouse would refuse this `events` row (JSONCompactEachRow in EVENT_COLUMNS order), or null. */
export function checkEventRow(row: string): string | null {
  let values: unknown;
  try {
    values = JSON.parse(row);
  } catch (err) {
    return `not JSON: ${(err as Error).message}`;
  }
  if (!Array.isArray(values) || values.length !== EVENT_COLUMNS.length) {
    return `expected ${EVENT_COLUMNS.length} values`;
  }
  return checkValues(
    EVENT_COLUMNS.map((c, i) => [c, values[i]] as const),
    EVENT_KINDS,
  );
}

/** Why ClickHouse would refuse this `modsec_logs` row (JSONEachRow object), or null. */
export function checkModSecRow(row: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(row);
  } catch (err) {
    return `not JSON: ${(err as Error).message}`;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "not a JSON object";
  return checkValues(Object.entries(value), MODSEC_KINDS);
}
