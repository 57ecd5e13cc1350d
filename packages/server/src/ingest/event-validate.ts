import type { Event, ModSecRow } from "./event.js";

/**
 * Per-row validation at the edge: every value that reaches the store is checked against its column's
 * type and range when the row is built, so the store never refuses a batch for one sender's bad value
 * (a refused batch is bisected, and that stalled every sender; see issue 8). Pure, no I/O.
 *
 * - Times: within [receivedAt - 10 years, receivedAt + 1 day]; outside → the receive time, flagged (the
 *   original stays in raw_log). A queried range is 1970-2106 at most, so nothing stored is out of reach.
 * - Numbers: in their column's range (UInt16 ports and status, UInt32 ASN, UInt8/UInt32 ModSecurity
 *   scores, finite Float32 coordinates within ±90/±180); outside → 0, flagged.
 * - Text: NUL replaced (Postgres text, which alerts and cases copy into, cannot hold it), lone UTF-16
 *   surrogates (not encodable as UTF-8) replaced, and length bounded; each fix flagged.
 *
 * `raw_log` is kept byte for byte (NUL included: a ClickHouse String holds any bytes), only bounded.
 */

export const MAX_PAST_MS = 10 * 365.25 * 24 * 3600_000;
export const MAX_FUTURE_MS = 24 * 3600_000;
/** raw_log and message: the whole line; the syslog frame limit (at most 64 MiB) and the HTTP body limit bound it first. */
export const MAX_LONG_TEXT_CHARS = 64 << 20;
/** Every other text column. */
export const MAX_TEXT_CHARS = 16 << 10;
export const MAX_ARRAY_ITEMS = 1000;
export const MAX_METADATA_ENTRIES = 200;

const UINT16 = 0xffff;
const UINT32 = 0xffffffff;
// ClickHouse DateTime64(3) stores 1900-2299; queries and the console reach 1970-2106 (UInt32 seconds).
const EPOCH_MAX_MS = UINT32 * 1000;

/** Whether `ms` is a time the store accepts and a query can reach, close enough to `receivedAt` to be true. */
export function timeInWindow(ms: number, receivedAt: number): boolean {
  return (
    Number.isInteger(ms) &&
    ms >= 0 &&
    ms <= EPOCH_MAX_MS &&
    ms >= receivedAt - MAX_PAST_MS &&
    ms <= receivedAt + MAX_FUTURE_MS
  );
}

// A UTF-16 surrogate without its pair: no UTF-8 encoding exists for it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g");
const ANY_SURROGATE = /[\uD800-\uDFFF]/;

/** Whether `v` can be encoded as UTF-8 (String.prototype.isWellFormed, which our lib target lacks). */
export function isWellFormed(v: string): boolean {
  // A plain class first: most text has no surrogate at all, and this is much cheaper than the lookarounds.
  return !ANY_SURROGATE.test(v) || !LONE_SURROGATE.test(v);
}

function clip(v: string, max = 60): string {
  return v.length > max ? `${v.slice(0, max)}…` : v;
}

/** Makes `v` storable text: no NUL (unless `keepNul`), well-formed UTF-16, at most `max` chars. */
export function cleanText(
  v: string,
  max: number,
  keepNul = false,
): { text: string; fixes: ("nul" | "utf8" | "length")[] } {
  const fixes: ("nul" | "utf8" | "length")[] = [];
  let text = v;
  if (text.length > max) {
    // Do not leave half a surrogate pair at the cut.
    const code = text.charCodeAt(max - 1);
    text = text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
    fixes.push("length");
  }
  if (!keepNul && text.includes("\0")) {
    text = text.replaceAll("\0", "\uFFFD");
    fixes.push("nul");
  }
  if (!isWellFormed(text)) {
    text = text.replace(LONE_SURROGATES, "\uFFFD");
    fixes.push("utf8");
  }
  return { text, fixes };
}

const TEXT_FIELDS = [
  "site",
  "sender",
  "log_type",
  "category",
  "sub_category",
  "event_type",
  "mitre_technique",
  "src_ip",
  "dst_ip",
  "protocol",
  "rule_id",
  "rule_name",
  "hostname",
  "user_name",
  "url",
  "http_method",
  "user_agent",
  "geo_country",
  "geo_city",
  "geo_org",
  "message",
  "reason",
  "unique_id",
  "sophos_id",
  "device_serial",
  "parse_error",
] as const satisfies readonly (keyof Event)[];

const UINT_FIELDS: ReadonlyArray<
  readonly [keyof Event & ("src_port" | "dst_port" | "http_status" | "geo_asn"), number]
> = [
  ["src_port", UINT16],
  ["dst_port", UINT16],
  ["http_status", UINT16],
  ["geo_asn", UINT32],
];

function uintOk(v: unknown, max: number): boolean {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= max;
}

/**
 * Brings every value of `e` into its column's type and range, in place, and returns what it had to
 * change ("timestamp 1e+300 out of range; receive time used", ...). An empty list: nothing changed.
 */
export function sanitiseEvent(e: Event, receivedAt: number): string[] {
  const problems: string[] = [];
  if (!timeInWindow(e.timestamp, receivedAt)) {
    const t = e.timestamp;
    const shown = Number.isFinite(t) && Math.abs(t) <= 8.64e15 ? new Date(t).toISOString() : String(t);
    problems.push(`timestamp ${clip(shown)} out of range; receive time used`);
    e.timestamp = receivedAt;
  }
  for (const [k, max] of UINT_FIELDS) {
    if (!uintOk(e[k], max)) {
      problems.push(`${k} ${clip(String(e[k]))} out of range 0-${max}; 0 stored`);
      e[k] = 0;
    }
  }
  for (const [k, lim] of [
    ["geo_lat", 90],
    ["geo_lon", 180],
  ] as const) {
    const v = e[k];
    if (typeof v !== "number" || !Number.isFinite(v) || Math.abs(v) > lim) {
      problems.push(`${k} ${clip(String(v))} out of range; 0 stored`);
      e[k] = 0;
    }
  }
  const textFixes = new Map<string, string[]>();
  const note = (field: string, fixes: readonly string[]) => {
    for (const f of fixes) textFixes.set(f, [...(textFixes.get(f) ?? []), field]);
  };
  for (const k of TEXT_FIELDS) {
    const v = e[k];
    // The common case, without allocating: short, no NUL, well-formed.
    if (typeof v === "string" && v.length <= MAX_TEXT_CHARS && !v.includes("\0") && isWellFormed(v)) continue;
    const raw = typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);
    const max = k === "message" ? MAX_LONG_TEXT_CHARS : MAX_TEXT_CHARS;
    const { text, fixes } = cleanText(raw, max);
    if (text !== v) e[k] = text;
    note(k, fixes);
  }
  {
    const raw = typeof e.raw_log === "string" ? e.raw_log : String(e.raw_log ?? "");
    const { text, fixes } = cleanText(raw, MAX_LONG_TEXT_CHARS, true);
    e.raw_log = text;
    note("raw_log", fixes);
  }
  for (const k of ["modsec_rule_ids", "modsec_messages"] as const) {
    const list = Array.isArray(e[k]) ? e[k] : [];
    if (list.length === 0) {
      e[k] = list;
      continue;
    }
    if (list.length > MAX_ARRAY_ITEMS) note(k, ["length"]);
    e[k] = list.slice(0, MAX_ARRAY_ITEMS).map((item) => {
      const { text, fixes } = cleanText(typeof item === "string" ? item : String(item), MAX_TEXT_CHARS);
      note(k, fixes);
      return text;
    });
  }
  const entries = Object.entries(e.metadata ?? {});
  if (entries.length > MAX_METADATA_ENTRIES) note("metadata", ["length"]);
  const meta: Record<string, string> = {};
  for (const [key, value] of entries.slice(0, MAX_METADATA_ENTRIES)) {
    const k = cleanText(key, 256);
    const v = cleanText(typeof value === "string" ? value : (JSON.stringify(value) ?? ""), MAX_TEXT_CHARS);
    note("metadata", [...k.fixes, ...v.fixes]);
    meta[k.text] = v.text;
  }
  e.metadata = meta;
  const words = {
    nul: "NUL replaced",
    utf8: "invalid UTF-16/UTF-8 replaced",
    length: "cut at the size limit",
  };
  for (const [fix, fields] of textFixes) {
    problems.push(`${[...new Set(fields)].join(", ")}: ${words[fix as keyof typeof words]}`);
  }
  return problems;
}

/** The same for a ModSecurity row (modsec_logs). */
export function sanitiseModSec(r: ModSecRow, receivedAt: number): string[] {
  const problems: string[] = [];
  if (!timeInWindow(r.timestamp, receivedAt)) {
    problems.push("timestamp out of range; receive time used");
    r.timestamp = receivedAt;
  }
  for (const [k, max] of [
    ["src_port", UINT16],
    ["paranoia_level", 0xff],
    ["anomaly_score", UINT32],
    ["total_score", UINT32],
  ] as const) {
    if (!uintOk(r[k], max)) {
      problems.push(`${k} out of range`);
      r[k] = 0;
    }
  }
  for (const k of [
    "unique_id",
    "src_ip",
    "hostname",
    "uri",
    "rule_id",
    "rule_file",
    "rule_msg",
    "rule_severity",
    "rule_data",
    "crs_version",
    "attack_type",
  ] as const) {
    const { text, fixes } = cleanText(String(r[k] ?? ""), MAX_TEXT_CHARS);
    r[k] = text;
    if (fixes.length > 0) problems.push(`${k}: ${fixes.join(", ")}`);
  }
  r.tags = (Array.isArray(r.tags) ? r.tags : [])
    .slice(0, MAX_ARRAY_ITEMS)
    .map((t) => cleanText(String(t), 256).text);
  r.raw_log = cleanText(String(r.raw_log ?? ""), MAX_LONG_TEXT_CHARS, true).text;
  r.is_blocking = r.is_blocking === true;
  return problems;
}
