import ipaddr from "ipaddr.js";
import { SEVERITIES } from "./event.js";

/**
 * Checks one record sent to the HTTP ingest API before it is parsed. A record that fails gets a reason
 * naming the field, and is reported by its index; the good records beside it are stored.
 */
export const SITE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const TIME_FIELDS = ["timestamp", "@timestamp", "time", "ts"] as const;
const IP_FIELDS = ["src_ip", "dst_ip"] as const;
const PORT_FIELDS = ["src_port", "dst_port", "http_status"] as const;

function isDateLike(v: unknown): boolean {
  if (typeof v === "number") return Number.isFinite(v) && v > 0;
  if (typeof v !== "string" || v.length > 64) return false;
  if (/^\d+(\.\d+)?$/.test(v)) return true;
  return !Number.isNaN(Date.parse(v));
}

/** Deepest nesting a record may have: recursive steps after this check (JSON.stringify) must not overflow. */
export const MAX_RECORD_DEPTH = 32;

/** Whether `value` nests objects/arrays deeper than `max` levels; iterative, stops at the first too deep. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== "object") continue;
    if (depth >= max) return true;
    for (const item of Object.values(v)) stack.push([item, depth + 1]);
  }
  return false;
}

/** Returns null when the record is acceptable, else why it is not. */
export function checkIngestRecord(record: unknown): string | null {
  if (record === null || typeof record !== "object" || Array.isArray(record)) {
    return `record must be a JSON object, got ${record === null ? "null" : Array.isArray(record) ? "an array" : typeof record}`;
  }
  const r = record as Record<string, unknown>;
  if (Object.keys(r).length === 0) return "record is empty";
  if (nestedDeeperThan(r, MAX_RECORD_DEPTH)) return `record is nested deeper than ${MAX_RECORD_DEPTH} levels`;
  for (const f of TIME_FIELDS) {
    if (r[f] !== undefined && !isDateLike(r[f]))
      return `${f}: cannot read ${JSON.stringify(r[f]).slice(0, 80)} as a date`;
  }
  for (const f of IP_FIELDS) {
    const v = r[f];
    if (v === undefined || v === "") continue;
    if (typeof v !== "string" || !ipaddr.isValid(v))
      return `${f}: ${JSON.stringify(v).slice(0, 80)} is not an IP address`;
  }
  for (const f of PORT_FIELDS) {
    const v = r[f];
    if (v === undefined) continue;
    const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 65535) {
      return `${f}: ${JSON.stringify(v).slice(0, 80)} must be a whole number from 0 to 65535`;
    }
  }
  const sev = r.severity;
  if (
    sev !== undefined &&
    (typeof sev !== "string" || !(SEVERITIES as readonly string[]).includes(sev.toLowerCase()))
  ) {
    return `severity: ${JSON.stringify(sev).slice(0, 80)} must be one of ${SEVERITIES.join(", ")}`;
  }
  if (r.site !== undefined && (typeof r.site !== "string" || !SITE_PATTERN.test(r.site))) {
    return "site: must be 1-64 letters, digits, dots, dashes or underscores";
  }
  return null;
}
