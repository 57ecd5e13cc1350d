/** How the detail drawer groups and labels an event's fields. Pure. */
import type { ApiEvent } from "../api/types.js";
import { countryName, formatEndpoint, formatTime } from "../format.js";

export interface FieldRow {
  label: string;
  value: string;
  /** The explorer filter this value can be pivoted to, when there is one. */
  filter?: { key: string; value: string };
}

export interface FieldGroup {
  title: string;
  rows: FieldRow[];
}

const text = (value: unknown): string => {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.join(", ");
  if (typeof value === "number") return value === 0 ? "" : String(value);
  return String(value);
};

function row(label: string, value: unknown, filterKey?: string): FieldRow | null {
  const shown = text(value);
  if (!shown) return null;
  return filterKey
    ? { label, value: shown, filter: { key: filterKey, value: shown } }
    : { label, value: shown };
}

/** Every parsed field with a value, in groups an analyst reads top to bottom; empty fields are left out. */
export function eventFieldGroups(e: ApiEvent): FieldGroup[] {
  const groups: Array<{ title: string; rows: Array<FieldRow | null> }> = [
    {
      title: "Event",
      rows: [
        row("Time", formatTime(e.timestamp)),
        row("Site", e.site, "site"),
        row("Severity", e.severity),
        row("Log type", e.log_type, "log_type"),
        row("Event type", e.event_type, "event_type"),
        row("Category", [e.category, e.sub_category].filter(Boolean).join(" / ")),
        row("Action", e.action, "action"),
        row("Rule", e.rule_id, "rule_id"),
        row("Rule name", e.rule_name),
        row("MITRE technique", e.mitre_technique),
        row("Message", e.message),
        row("Reason", e.reason),
      ],
    },
    {
      title: "Network",
      rows: [
        row("Source", formatEndpoint(e.src_ip, e.src_port)),
        row("Source IP", e.src_ip, "src_ip"),
        row("Destination", formatEndpoint(e.dst_ip, e.dst_port)),
        row("Destination IP", e.dst_ip, "dst_ip"),
        row("Protocol", e.protocol),
      ],
    },
    {
      title: "Origin",
      rows: [
        row("Country", e.geo_country ? `${countryName(e.geo_country)} (${e.geo_country})` : ""),
        e.geo_country
          ? { label: "Country code", value: e.geo_country, filter: { key: "country", value: e.geo_country } }
          : null,
        row("City", e.geo_city),
        row("ASN", e.geo_asn ? `AS${e.geo_asn}` : ""),
        row("Organisation", e.geo_org),
      ],
    },
    {
      title: "Request",
      rows: [
        row("Host", e.hostname),
        row("User", e.user_name),
        row("Method", e.http_method),
        row("URL", e.url),
        row("Status", e.http_status),
        row("User agent", e.user_agent),
      ],
    },
    {
      title: "ModSecurity",
      rows: [
        row("Unique ID", e.unique_id),
        row("Rule IDs", e.modsec_rule_ids),
        row("Messages", e.modsec_messages),
      ],
    },
    {
      // The sender's own key/values (SOC-30 `metadata`), sorted so the drawer reads the same each time.
      title: "Metadata",
      rows: Object.keys(e.metadata ?? {})
        .sort()
        .map((k) => row(k, e.metadata[k])),
    },
    {
      title: "Source",
      rows: [
        row("Parser", e.source_type),
        row("Sender", e.sender),
        row("Device serial", e.device_serial),
        row("Sophos log ID", e.sophos_id),
        row("Parse error", e.parse_error),
        row("Event ID", e.event_id),
      ],
    },
  ];
  return groups
    .map((g) => ({ title: g.title, rows: g.rows.filter((r): r is FieldRow => r !== null) }))
    .filter((g) => g.rows.length > 0);
}
