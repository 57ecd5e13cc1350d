import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { ROLES, type Role } from "../http/access.js";
import { isValidTimeZone } from "../ingest/time.js";
import { parseIpOrCidr } from "../response/ip-address.js";

/**
 * Typed configuration from environment variables and an optional `vigil.yaml`, validated at start.
 * Environment wins over the file. A bad value stops the start with a message naming the setting.
 */
export interface VigilConfig {
  dataDir: string;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace";
  /** auto: readable lines on a terminal, JSON lines otherwise (files, pipes, journald, containers). */
  logFormat: "auto" | "pretty" | "json";
  http: {
    host: string;
    port: number;
    publicUrl: string;
    /** PEM certificate and key (paths or inline PEM): the console and API are served over HTTPS. */
    tlsCert: string | null;
    tlsKey: string | null;
    /** Behind a reverse proxy: trust its X-Forwarded-* (true, or the proxy's addresses/CIDRs). */
    trustProxy: boolean | string;
  };
  /** OpenID Connect single sign-on; null when VIGIL_OIDC_ISSUER is unset. */
  oidc: OidcConfig | null;
  syslog: {
    host: string;
    port: number;
    tlsPort: number;
    tlsCert: string | null;
    tlsKey: string | null;
    /** Accept syslog only from senders registered in Sources. */
    registeredOnly: boolean;
    maxMessageBytes: number;
  };
  /**
   * RELP (rsyslog omrelp): each message acknowledged once stored. Off unless a port is set; the TLS
   * port uses the syslog TLS certificate and key.
   */
  relp: { port: number | null; tlsPort: number | null };
  clickhouseUrl: string | null;
  databaseUrl: string | null;
  adminPassword: string | null;
  retention: { eventsDays: number; modsecDays: number };
  geo: { cityDbPath: string | null };
  defaultTimezone: string;
  ingest: { batchSize: number; flushIntervalMs: number; maxQueued: number };
  webDir: string | null;
  /** Extra folder of detection scenarios (YAML), besides the built-in `scenarios/`. */
  scenariosDir: string | null;
  /** Encrypts stored credentials; generated under dataDir when unset. */
  secretKey: string | null;
  /** Outgoing webhooks may reach these private hosts or CIDRs (comma-separated). */
  webhookAllowlist: string[];
  /** Notifications per channel per minute; more are suppressed and counted (a storm guard). */
  alertChannelRatePerMinute: number;
  /** A registered sender silent this long raises a "site silent" system alert (minutes). */
  siteSilentMinutes: number;
  /** Automatic bans (docs/THREAT-MODEL.md). */
  bans: {
    /** Our own networks (IPs or CIDRs), never banned automatically; registered sources are added. */
    ownNetworks: string[];
    /** Detections on events from unregistered senders ban without approval (off: they wait for one). */
    fromUnregisteredSenders: boolean;
  };
  /** Threat-intelligence providers (docs/THREAT-INTEL.md): keys and base URLs, and the cache TTL. */
  threatIntel: ThreatIntelConfig;
  /** Vigimail (docs/VIGIMAIL.md): DNS resolvers for posture checks, leak providers' keys and base URLs. */
  vigimail: {
    /** `host[:port]` resolvers; empty = the system's. */
    dnsServers: string[];
    hibp: { key: string | null; url: string | null };
    leakcheck: { key: string | null; url: string | null };
  };
}

/** The providers' names as they appear in `VIGIL_TI_<NAME>_KEY` / `VIGIL_TI_<NAME>_URL`. */
export const THREAT_INTEL_PROVIDERS = [
  "ipsum",
  "otx",
  "threatfox",
  "urlhaus",
  "internetdb",
  "abuseipdb",
  "greynoise",
  "crowdsec",
  "virustotal",
  "criminalip",
  "pulsedive",
] as const;

export interface ThreatIntelConfig {
  /** How long a lookup's result is served from the cache (hours). */
  cacheHours: number;
  /** Per provider: its key (null = none) and base URL (null = the documented one). */
  providers: Record<(typeof THREAT_INTEL_PROVIDERS)[number], { key: string | null; url: string | null }>;
  /**
   * Download the IPsum list (on start, then daily). Off unless asked for or `VIGIL_TI_IPSUM_URL` is
   * set: like blocklist feeds, nothing is fetched from the internet that the operator did not choose.
   */
  ipsumDownload: boolean;
  /** Background lookups per hour that may ask providers (0 = no background enrichment). */
  enrichPerHour: number;
  /** Dropped events from one IP within 10 minutes that trigger a background lookup. */
  enrichDropThreshold: number;
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Shown on the login page's button ("Sign in with …"). */
  name: string;
  /** Scopes asked for besides `openid`. */
  scopes: string;
  roleClaim: string;
  clientClaim: string;
  /** Claim value (e.g. an IdP group) → Vigil role; empty = the claim must name a role itself. */
  roleMap: Record<string, Role>;
  /** Role for users whose claim maps to none; null = refuse them. */
  defaultRole: Role | null;
  /** Operator staff (users with no client) may not sign in with a password. */
  ssoOnlyStaff: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

interface Setting {
  env: string;
  /** Dotted path in vigil.yaml. */
  yaml: string;
}

type Source = { env: NodeJS.ProcessEnv; file: Record<string, unknown>; fileName: string | null };

function fromFile(file: Record<string, unknown>, path: string): unknown {
  let node: unknown = file;
  for (const key of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly src: Source) {}

  private raw(s: Setting): { value: string | undefined; where: string } {
    const env = this.src.env[s.env];
    if (env !== undefined && env !== "") return { value: env, where: s.env };
    const v = fromFile(this.src.file, s.yaml);
    if (v === undefined || v === null) return { value: undefined, where: s.env };
    return { value: String(v), where: `${this.src.fileName}: ${s.yaml}` };
  }

  string(s: Setting, fallback: string): string {
    return this.raw(s).value ?? fallback;
  }

  optional(s: Setting): string | null {
    return this.raw(s).value ?? null;
  }

  int(s: Setting, fallback: number, min: number, max: number): number {
    const { value, where } = this.raw(s);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${where}="${value}" must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  }

  bool(s: Setting, fallback: boolean): boolean {
    const { value, where } = this.raw(s);
    if (value === undefined) return fallback;
    if (/^(1|true|yes|on)$/i.test(value)) return true;
    if (/^(0|false|no|off)$/i.test(value)) return false;
    this.problems.push(`${where}="${value}" must be true or false`);
    return fallback;
  }

  oneOf<T extends string>(s: Setting, fallback: T, allowed: readonly T[]): T {
    const { value, where } = this.raw(s);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${where}="${value}" must be one of ${allowed.join(", ")}`);
    return fallback;
  }

  /** A comma-separated list (or a YAML list) of IPs and CIDR networks. */
  networks(s: Setting): string[] {
    const { value, where } = this.raw(s);
    const out: string[] = [];
    for (const item of (value ?? "").split(",").map((x) => x.trim())) {
      if (!item) continue;
      const parsed = parseIpOrCidr(item);
      if (parsed) out.push(parsed.text);
      else this.problems.push(`${where}: "${item}" is not an IP address or CIDR network`);
    }
    return out;
  }

  url(s: Setting, protocols: readonly string[]): string | null {
    const { value, where } = this.raw(s);
    if (value === undefined) return null;
    try {
      const u = new URL(value);
      if (!protocols.includes(u.protocol)) throw new Error("protocol");
      return value;
    } catch {
      this.problems.push(
        `${where} must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}`,
      );
      return null;
    }
  }
}

const S = (env: string, yaml: string): Setting => ({ env, yaml });

function readConfigFile(env: NodeJS.ProcessEnv): { file: Record<string, unknown>; fileName: string | null } {
  const explicit = env.VIGIL_CONFIG;
  const path = resolve(explicit ?? "vigil.yaml");
  if (!existsSync(path)) {
    if (explicit) throw new ConfigError([`VIGIL_CONFIG points to ${path}, which does not exist`]);
    return { file: {}, fileName: null };
  }
  try {
    const parsed: unknown = parseYaml(readFileSync(path, "utf8"));
    if (parsed === null || parsed === undefined) return { file: {}, fileName: path };
    if (typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new ConfigError([`${path} must hold a YAML mapping (key: value)`]);
    }
    return { file: parsed as Record<string, unknown>, fileName: path };
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError([`${path} is not valid YAML: ${(err as Error).message}`]);
  }
}

const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Single sign-on settings; null (off) without an issuer. */
function readOidc(r: Reader): OidcConfig | null {
  const issuer = r.url(S("VIGIL_OIDC_ISSUER", "oidc.issuer"), ["https:", "http:"]);
  if (issuer === null) return null;
  // Plain http only to a provider on this machine (tests, a local Keycloak): tokens cross that link.
  if (new URL(issuer).protocol === "http:" && !LOOPBACK.has(new URL(issuer).hostname)) {
    r.problems.push("VIGIL_OIDC_ISSUER must be an https:// URL (http:// only for localhost)");
  }
  const clientId = r.optional(S("VIGIL_OIDC_CLIENT_ID", "oidc.client_id"));
  const clientSecret = r.optional(S("VIGIL_OIDC_CLIENT_SECRET", "oidc.client_secret"));
  if (!clientId) r.problems.push("VIGIL_OIDC_CLIENT_ID is required with VIGIL_OIDC_ISSUER");
  if (!clientSecret) r.problems.push("VIGIL_OIDC_CLIENT_SECRET is required with VIGIL_OIDC_ISSUER");
  const roleMap: Record<string, Role> = {};
  for (const pair of (r.optional(S("VIGIL_OIDC_ROLE_MAP", "oidc.role_map")) ?? "").split(",")) {
    if (!pair.trim()) continue;
    const at = pair.lastIndexOf("=");
    const from = pair.slice(0, at).trim();
    const to = pair.slice(at + 1).trim();
    if (at <= 0 || !from || !isRole(to)) {
      r.problems.push(
        `VIGIL_OIDC_ROLE_MAP: "${pair.trim()}" must be claim-value=role, the role one of ${ROLES.join(", ")}`,
      );
    } else roleMap[from] = to;
  }
  const defaultRoleValue = r.optional(S("VIGIL_OIDC_DEFAULT_ROLE", "oidc.default_role")) ?? "none";
  let defaultRole: Role | null = null;
  if (isRole(defaultRoleValue)) defaultRole = defaultRoleValue;
  else if (defaultRoleValue !== "none") {
    r.problems.push(
      `VIGIL_OIDC_DEFAULT_ROLE="${defaultRoleValue}" must be none or one of ${ROLES.join(", ")}`,
    );
  }
  return {
    issuer,
    clientId: clientId ?? "",
    clientSecret: clientSecret ?? "",
    name: r.string(S("VIGIL_OIDC_NAME", "oidc.name"), "SSO"),
    scopes: r.string(S("VIGIL_OIDC_SCOPES", "oidc.scopes"), "email profile"),
    roleClaim: r.string(S("VIGIL_OIDC_ROLE_CLAIM", "oidc.role_claim"), "vigil_role"),
    clientClaim: r.string(S("VIGIL_OIDC_CLIENT_CLAIM", "oidc.client_claim"), "vigil_client"),
    roleMap,
    defaultRole,
    ssoOnlyStaff: r.bool(S("VIGIL_OIDC_SSO_ONLY_STAFF", "oidc.sso_only_staff"), false),
  };
}

function readThreatIntel(r: Reader): ThreatIntelConfig {
  const providers = {} as ThreatIntelConfig["providers"];
  for (const name of THREAT_INTEL_PROVIDERS) {
    const upper = name.toUpperCase();
    providers[name] = {
      key: r.optional(S(`VIGIL_TI_${upper}_KEY`, `threat_intel.${name}.key`)),
      url: r.url(S(`VIGIL_TI_${upper}_URL`, `threat_intel.${name}.url`), ["https:", "http:"]),
    };
  }
  return {
    cacheHours: r.int(S("VIGIL_TI_CACHE_HOURS", "threat_intel.cache_hours"), 24, 1, 24 * 30),
    providers,
    enrichPerHour: r.int(S("VIGIL_TI_ENRICH_PER_HOUR", "threat_intel.enrich_per_hour"), 200, 0, 100_000),
    enrichDropThreshold: r.int(S("VIGIL_TI_ENRICH_DROPS", "threat_intel.enrich_drops"), 20, 1, 1_000_000),
    ipsumDownload: r.bool(
      S("VIGIL_TI_IPSUM_ENABLED", "threat_intel.ipsum.enabled"),
      providers.ipsum.url !== null,
    ),
  };
}

/** Reads and validates the configuration; throws ConfigError listing every bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): VigilConfig {
  const { file, fileName } = readConfigFile(env);
  const r = new Reader({ env, file, fileName });
  const port = (e: string, y: string, d: number) => r.int(S(e, y), d, 0, 65535);

  const httpPort = port("VIGIL_HTTP_PORT", "http.port", 8080);
  const defaultTimezone = r.string(S("VIGIL_DEFAULT_TIMEZONE", "default_timezone"), "UTC");
  if (!isValidTimeZone(defaultTimezone)) {
    r.problems.push(
      `VIGIL_DEFAULT_TIMEZONE="${defaultTimezone}" is not an IANA time zone (e.g. Europe/Paris)`,
    );
  }
  const tlsCert = r.optional(S("VIGIL_SYSLOG_TLS_CERT", "syslog.tls_cert"));
  const tlsKey = r.optional(S("VIGIL_SYSLOG_TLS_KEY", "syslog.tls_key"));
  if ((tlsCert === null) !== (tlsKey === null)) {
    r.problems.push("VIGIL_SYSLOG_TLS_CERT and VIGIL_SYSLOG_TLS_KEY must be set together");
  }
  for (const [name, p] of [
    ["VIGIL_SYSLOG_TLS_CERT", tlsCert],
    ["VIGIL_SYSLOG_TLS_KEY", tlsKey],
  ] as const) {
    if (p && !p.includes("-----BEGIN") && !existsSync(p))
      r.problems.push(`${name}: file ${p} does not exist`);
  }
  const optionalPort = (e: string, y: string) => {
    const p = r.int(S(e, y), -1, 0, 65535);
    return p < 0 ? null : p;
  };
  const relp = {
    port: optionalPort("VIGIL_RELP_PORT", "relp.port"),
    tlsPort: optionalPort("VIGIL_RELP_TLS_PORT", "relp.tls_port"),
  };
  if (relp.tlsPort !== null && tlsCert === null)
    r.problems.push("VIGIL_RELP_TLS_PORT needs VIGIL_SYSLOG_TLS_CERT and VIGIL_SYSLOG_TLS_KEY");
  const cityDbPath = r.optional(S("VIGIL_GEOIP_CITY_DB", "geo.city_db"));
  if (cityDbPath && !existsSync(cityDbPath))
    r.problems.push(`VIGIL_GEOIP_CITY_DB: file ${cityDbPath} does not exist`);
  const scenariosDirValue = r.optional(S("VIGIL_SCENARIOS_DIR", "scenarios_dir"));
  if (scenariosDirValue && !existsSync(scenariosDirValue)) {
    r.problems.push(`VIGIL_SCENARIOS_DIR: folder ${scenariosDirValue} does not exist`);
  }
  const adminPassword = r.optional(S("VIGIL_ADMIN_PASSWORD", "admin_password"));
  if (adminPassword !== null && adminPassword.length < 12) {
    r.problems.push("VIGIL_ADMIN_PASSWORD must be at least 12 characters long");
  }

  const httpTlsCert = r.optional(S("VIGIL_HTTP_TLS_CERT", "http.tls_cert"));
  const httpTlsKey = r.optional(S("VIGIL_HTTP_TLS_KEY", "http.tls_key"));
  if ((httpTlsCert === null) !== (httpTlsKey === null)) {
    r.problems.push("VIGIL_HTTP_TLS_CERT and VIGIL_HTTP_TLS_KEY must be set together");
  }
  for (const [name, p] of [
    ["VIGIL_HTTP_TLS_CERT", httpTlsCert],
    ["VIGIL_HTTP_TLS_KEY", httpTlsKey],
  ] as const) {
    if (p && !p.includes("-----BEGIN") && !existsSync(p))
      r.problems.push(`${name}: file ${p} does not exist`);
  }
  const trustProxyValue = r.optional(S("VIGIL_HTTP_TRUST_PROXY", "http.trust_proxy")) ?? "false";
  const trustProxy = /^(1|true|yes|on)$/i.test(trustProxyValue)
    ? true
    : /^(0|false|no|off)$/i.test(trustProxyValue)
      ? false
      : trustProxyValue;

  const config: VigilConfig = {
    dataDir: resolve(r.string(S("VIGIL_DATA_DIR", "data_dir"), "./data")),
    logLevel: r.oneOf(S("VIGIL_LOG_LEVEL", "log_level"), "info", [
      "fatal",
      "error",
      "warn",
      "info",
      "debug",
      "trace",
    ] as const),
    logFormat: r.oneOf(S("VIGIL_LOG_FORMAT", "log_format"), "auto", ["auto", "pretty", "json"] as const),
    http: {
      host: r.string(S("VIGIL_HTTP_HOST", "http.host"), "0.0.0.0"),
      port: httpPort,
      publicUrl: r.string(
        S("VIGIL_PUBLIC_URL", "http.public_url"),
        `${httpTlsCert ? "https" : "http"}://localhost:${httpPort}`,
      ),
      tlsCert: httpTlsCert,
      tlsKey: httpTlsKey,
      trustProxy,
    },
    oidc: readOidc(r),
    syslog: {
      host: r.string(S("VIGIL_SYSLOG_HOST", "syslog.host"), "0.0.0.0"),
      port: port("VIGIL_SYSLOG_PORT", "syslog.port", 5514),
      tlsPort: port("VIGIL_SYSLOG_TLS_PORT", "syslog.tls_port", 6514),
      tlsCert,
      tlsKey,
      registeredOnly: r.bool(S("VIGIL_SYSLOG_REGISTERED_ONLY", "syslog.registered_only"), false),
      maxMessageBytes: r.int(
        S("VIGIL_SYSLOG_MAX_MESSAGE_BYTES", "syslog.max_message_bytes"),
        64 << 10,
        1024,
        64 << 20,
      ),
    },
    relp,
    clickhouseUrl: r.url(S("VIGIL_CLICKHOUSE_URL", "clickhouse_url"), ["http:", "https:"]),
    databaseUrl: r.url(S("VIGIL_DATABASE_URL", "database_url"), ["postgres:", "postgresql:"]),
    adminPassword,
    retention: {
      eventsDays: r.int(S("VIGIL_RETENTION_EVENTS_DAYS", "retention.events_days"), 30, 1, 3650),
      modsecDays: r.int(S("VIGIL_RETENTION_MODSEC_DAYS", "retention.modsec_days"), 30, 1, 3650),
    },
    geo: { cityDbPath },
    defaultTimezone,
    ingest: {
      batchSize: r.int(S("VIGIL_INGEST_BATCH_SIZE", "ingest.batch_size"), 40_000, 1, 1_000_000),
      flushIntervalMs: r.int(S("VIGIL_INGEST_FLUSH_MS", "ingest.flush_interval_ms"), 200, 10, 60_000),
      maxQueued: r.int(S("VIGIL_INGEST_MAX_QUEUED", "ingest.max_queued"), 80_000, 1000, 10_000_000),
    },
    webDir: r.optional(S("VIGIL_WEB_DIR", "web_dir")),
    scenariosDir: r.optional(S("VIGIL_SCENARIOS_DIR", "scenarios_dir")),
    secretKey: r.optional(S("VIGIL_SECRET_KEY", "secret_key")),
    webhookAllowlist: (r.optional(S("VIGIL_WEBHOOK_ALLOWLIST", "webhook_allowlist")) ?? "")
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
    alertChannelRatePerMinute: r.int(
      S("VIGIL_ALERT_CHANNEL_RATE_PER_MINUTE", "alerts.channel_rate_per_minute"),
      20,
      1,
      100_000,
    ),
    siteSilentMinutes: r.int(S("VIGIL_SITE_SILENT_MINUTES", "sites.silent_minutes"), 15, 1, 7 * 24 * 60),
    bans: {
      ownNetworks: r.networks(S("VIGIL_BANS_OWN_NETWORKS", "bans.own_networks")),
      fromUnregisteredSenders: r.bool(
        S("VIGIL_BANS_FROM_UNREGISTERED_SENDERS", "bans.from_unregistered_senders"),
        false,
      ),
    },
    threatIntel: readThreatIntel(r),
    vigimail: {
      dnsServers: (r.optional(S("VIGIL_DNS_SERVERS", "vigimail.dns_servers")) ?? "")
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
      hibp: {
        key: r.optional(S("VIGIL_HIBP_KEY", "vigimail.hibp.key")),
        url: r.url(S("VIGIL_HIBP_URL", "vigimail.hibp.url"), ["https:", "http:"]),
      },
      leakcheck: {
        key: r.optional(S("VIGIL_LEAKCHECK_KEY", "vigimail.leakcheck.key")),
        url: r.url(S("VIGIL_LEAKCHECK_URL", "vigimail.leakcheck.url"), ["https:", "http:"]),
      },
    },
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}
