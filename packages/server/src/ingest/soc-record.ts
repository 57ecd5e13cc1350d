import type { EventDraft } from "./event.js";
import { SITE_PATTERN } from "./http-record.js";

/**
 * The record shape of `seeds/soc-30-sites-architecture.md` — `source`, `event_type`, `severity`,
 * `description`, `site_id`, `metadata` — mapped onto the Event, so such a record keeps its site, its
 * message, its type and its key/values instead of landing in `default` with empty fields. Pure.
 *
 *   source      → log_type, in the console's vocabulary (firewall → Firewall, ids → IPS, ...); others as given
 *   event_type  → event_type (stored, filterable: `GET /api/v1/events?event_type=port_scan`)
 *   description → message (when the record has no `message` of its own)
 *   site_id     → site (the route checks it against a site-bound API key)
 *   metadata    → metadata, values as text (JSON for numbers, lists and objects)
 *   severity    → severity (the JSON mapping already reads it; critical, high, medium, low, info)
 */
const SOURCE_LOG_TYPES: Readonly<Record<string, string>> = {
  firewall: "Firewall",
  fw: "Firewall",
  ids: "IPS",
  ips: "IPS",
  "ids/ips": "IPS",
  waf: "WAF",
  vpn: "VPN",
  antivirus: "Anti-Virus",
  "anti-virus": "Anti-Virus",
  av: "Anti-Virus",
  atp: "ATP",
};

export const MAX_EVENT_TYPE_LENGTH = 100;
export const MAX_METADATA_KEYS = 100;
export const MAX_METADATA_BYTES = 64 * 1024;

/** `firewall` → `Firewall`; a source the console has no word for is kept as the sender wrote it. */
export function logTypeOfSource(source: string): string {
  const s = source.trim();
  return SOURCE_LOG_TYPES[s.toLowerCase()] ?? s;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** Returns null when the SOC-30 fields of a record are acceptable, else why not, naming the field. */
export function checkSocFields(r: Readonly<Record<string, unknown>>): string | null {
  const { site_id, event_type, description, metadata, source } = r;
  if (site_id !== undefined && (typeof site_id !== "string" || !SITE_PATTERN.test(site_id))) {
    return "site_id: must be 1-64 letters, digits, dots, dashes or underscores";
  }
  if (
    event_type !== undefined &&
    (typeof event_type !== "string" || event_type.length > MAX_EVENT_TYPE_LENGTH)
  ) {
    return `event_type: must be text of at most ${MAX_EVENT_TYPE_LENGTH} characters`;
  }
  if (description !== undefined && typeof description !== "string") return "description: must be text";
  // `source` may also be an ECS object (`source.ip`): only text is a SOC-30 source.
  if (typeof source === "string" && source.length > 64) return "source: longer than 64 characters";
  if (metadata !== undefined && metadata !== null) {
    if (!isPlainObject(metadata)) return "metadata: must be a JSON object of keys and values";
    const keys = Object.keys(metadata);
    if (keys.length > MAX_METADATA_KEYS) return `metadata: more than ${MAX_METADATA_KEYS} keys`;
    if (keys.some((k) => k.length === 0 || k.length > 128)) return "metadata: keys must be 1-128 characters";
    if (JSON.stringify(metadata).length > MAX_METADATA_BYTES) {
      return `metadata: larger than ${MAX_METADATA_BYTES / 1024} KiB`;
    }
  }
  return null;
}

/** Key/values as text: strings as they are, anything else as its JSON (`[22,80]`, `true`, `{"a":1}`). */
export function metadataText(metadata: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (v === undefined) continue;
    out[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return out;
}

/** Adds what the SOC-30 fields say to a draft the JSON mapping made; fields it already has win. */
export function applySocFields(draft: EventDraft, r: Readonly<Record<string, unknown>>): EventDraft {
  const out: EventDraft = { ...draft };
  if (typeof r.description === "string" && !out.message) out.message = r.description;
  if (typeof r.source === "string" && r.source.trim() && !out.log_type)
    out.log_type = logTypeOfSource(r.source);
  if (typeof r.event_type === "string") out.event_type = r.event_type.trim();
  if (isPlainObject(r.metadata)) out.metadata = metadataText(r.metadata);
  return out;
}

/** The site a record names: `site_id` (SOC-30) before `site` (Vigil's own name); "" when neither. */
export function recordSite(r: Readonly<Record<string, unknown>>): string {
  if (typeof r.site_id === "string" && r.site_id) return r.site_id;
  return typeof r.site === "string" ? r.site : "";
}
