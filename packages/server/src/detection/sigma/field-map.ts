/**
 * Which Vigil events a Sigma rule's `logsource` means, and what each Sigma field is called on them.
 * Sigma field names follow the W3C extended log format for web servers and proxies (`cs-uri-query`,
 * `sc-status`…) and plain names for firewalls; Vigil's events carry one `url` (path and query together),
 * so the URL parts are matched as anchored pieces of it (see `UrlPart`). Documented in
 * docs/DETECTION-AND-BANS.md ("Importing Sigma rules"): keep the two in step.
 */

/**
 * A piece of the request target a Sigma URL field names: the whole of it, the path or the extension.
 * `cs-uri-query` / `c-uri-query` count as the whole target: SigmaHQ's rules put paths in them
 * (`cs-uri-query|contains: '/cgi-bin/.%2e/'`), so reading them as the query alone would miss attacks.
 */
export type UrlPart = "whole" | "path" | "extension";

export interface FieldTarget {
  /** A Vigil filter field (an Event field, `referer` or `metadata.<key>`). */
  field: string;
  /** Only for `url`: which part the Sigma field names. */
  part?: UrlPart;
  /** Sigma value → Vigil value, for fields whose vocabularies differ (firewall actions). */
  values?: Readonly<Record<string, string>>;
}

export type SourceKind = "webserver" | "proxy" | "linux-auth" | "firewall";

export interface LogSourceMapping {
  kind: SourceKind;
  /** Filter entries every event of this source has (e.g. `log_type: Web`). */
  base: Readonly<Record<string, string>>;
  fields: Readonly<Record<string, FieldTarget>>;
  /** Where Sigma keywords (a plain list of strings) are looked for. */
  keywordField: string;
}

const URL_FIELDS: Record<string, FieldTarget> = {
  "cs-uri": { field: "url", part: "whole" },
  "c-uri": { field: "url", part: "whole" },
  "cs-uri-stem": { field: "url", part: "path" },
  "c-uri-stem": { field: "url", part: "path" },
  "cs-uri-query": { field: "url", part: "whole" },
  "c-uri-query": { field: "url", part: "whole" },
  "c-uri-extension": { field: "url", part: "extension" },
};

const NETWORK_FIELDS: Record<string, FieldTarget> = {
  src_ip: { field: "src_ip" },
  dst_ip: { field: "dst_ip" },
  src_port: { field: "src_port" },
  dst_port: { field: "dst_port" },
};

const HTTP_FIELDS: Record<string, FieldTarget> = {
  ...URL_FIELDS,
  ...NETWORK_FIELDS,
  "cs-method": { field: "http_method" },
  "sc-status": { field: "http_status" },
  "c-useragent": { field: "user_agent" },
  "cs-user-agent": { field: "user_agent" },
  "cs-referer": { field: "referer" },
  "cs-referrer": { field: "referer" },
  "c-ip": { field: "src_ip" },
  clientip: { field: "src_ip" },
  "s-ip": { field: "dst_ip" },
  "s-port": { field: "dst_port" },
  "cs-host": { field: "hostname" },
  "cs-username": { field: "user_name" },
};

const WEB: LogSourceMapping = {
  kind: "webserver",
  base: { log_type: "Web" },
  fields: HTTP_FIELDS,
  keywordField: "raw_log",
};

const PROXY: LogSourceMapping = {
  kind: "proxy",
  base: { log_type: "Web" },
  // A proxy's `r-dns` / `cs-host` is the site the client asked for: Vigil keeps it as the host name.
  fields: { ...HTTP_FIELDS, "r-dns": { field: "hostname" } },
  keywordField: "raw_log",
};

const LINUX_AUTH: LogSourceMapping = {
  kind: "linux-auth",
  base: { log_type: "SSH" },
  fields: {
    ...NETWORK_FIELDS,
    user: { field: "user_name" },
    User: { field: "user_name" },
    pam_user: { field: "user_name" },
    rhost: { field: "src_ip" },
    ip: { field: "src_ip" },
    // sshd's own text after the syslog header (Sigma linux rules mostly use keywords, matched here too).
    message: { field: "message" },
  },
  keywordField: "message",
};

/** Sigma firewall rules speak of accept/deny; Vigil's events say allow/drop/reject. */
const FIREWALL_ACTIONS: Record<string, string> = {
  accept: "allow",
  accepted: "allow",
  allow: "allow",
  allowed: "allow",
  pass: "allow",
  permit: "allow",
  forward: "allow",
  deny: "drop",
  denied: "drop",
  drop: "drop",
  dropped: "drop",
  block: "drop",
  blocked: "drop",
  reject: "reject",
  rejected: "reject",
};

const FIREWALL: LogSourceMapping = {
  kind: "firewall",
  base: { log_type: "Firewall" },
  fields: {
    ...NETWORK_FIELDS,
    "src.ip": { field: "src_ip" },
    "dst.ip": { field: "dst_ip" },
    "src.port": { field: "src_port" },
    "dst.port": { field: "dst_port" },
    protocol: { field: "protocol" },
    action: { field: "action", values: FIREWALL_ACTIONS },
    username: { field: "user_name" },
  },
  keywordField: "raw_log",
};

export type LogSource = { category?: unknown; product?: unknown; service?: unknown };

/** The mapping for a rule's logsource, or null (the caller names the logsource as unsupported). */
export function mappingFor(ls: LogSource): LogSourceMapping | null {
  const category = typeof ls.category === "string" ? ls.category.toLowerCase() : undefined;
  const product = typeof ls.product === "string" ? ls.product.toLowerCase() : undefined;
  const service = typeof ls.service === "string" ? ls.service.toLowerCase() : undefined;
  if (category === "webserver") return WEB;
  if (category === "proxy") return PROXY;
  if (category === "firewall") return FIREWALL;
  if (category === undefined && (product === "apache" || product === "nginx")) return WEB;
  if (category === undefined && product === "linux" && (service === "auth" || service === "sshd"))
    return LINUX_AUTH;
  return null;
}

export const SUPPORTED_LOGSOURCES =
  "category webserver (or product apache / nginx), category proxy, category firewall, product linux with service auth or sshd";
