import { fieldError } from "../../response/response-schemas.js";
import { type Allowlist, guardUrl } from "./outbound-guard.js";
import type {
  ChannelInput,
  ChannelType,
  EmailConfig,
  Severity,
  SlackConfig,
  WebhookChannelConfig,
} from "./types.js";

/**
 * Checks a channel as written in the API and turns its `config` into the typed config a sender takes.
 * Every refusal is a 400 naming the field (`body/config/port`), so the console can point at it.
 */
export const CHANNEL_TYPES: readonly ChannelType[] = ["email", "slack", "webhook"];
const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

/** Fields that are secrets: sealed at rest, never returned. A Slack webhook URL carries its own token. */
export const SECRET_FIELDS: Record<ChannelType, readonly string[]> = {
  email: ["password"],
  slack: ["url"],
  webhook: ["secret"],
};

const FIELDS: Record<ChannelType, readonly string[]> = {
  email: ["host", "port", "secure", "starttls", "username", "password", "from", "to"],
  slack: ["url"],
  webhook: ["url", "secret"],
};

export type ChannelConfig = EmailConfig | SlackConfig | WebhookChannelConfig;

const bad = (field: string, message: string): Error => fieldError("body", field, message);

// An address, or `Display Name <address>` (what nodemailer and most SMTP relays accept in From).
const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
function isAddress(value: string): boolean {
  const named = /^[^<>]*<([^<>]+)>$/.exec(value.trim());
  return ADDRESS.test(named ? (named[1] ?? "") : value.trim());
}

function text(config: Record<string, unknown>, name: string, max = 500): string {
  const v = config[name];
  if (v === undefined || v === null || v === "") throw bad(`config/${name}`, "is required");
  if (typeof v !== "string") throw bad(`config/${name}`, "must be a string");
  if (v.length > max) throw bad(`config/${name}`, `must be at most ${max} characters`);
  return v;
}

function optionalText(config: Record<string, unknown>, name: string, max = 500): string | undefined {
  const v = config[name];
  return v === undefined || v === null || v === "" ? undefined : text(config, name, max);
}

function bool(config: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const v = config[name];
  if (v === undefined) return fallback;
  if (typeof v !== "boolean") throw bad(`config/${name}`, "must be true or false");
  return v;
}

/** Static checks of an outgoing URL: http(s) (or https only), no credentials, no refused literal IP. */
function outgoingUrl(config: Record<string, unknown>, httpsOnly: boolean, allow: Allowlist): string {
  const raw = text(config, "url", 2000);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw bad("config/url", "is not a URL");
  }
  if (httpsOnly ? url.protocol !== "https:" : url.protocol !== "http:" && url.protocol !== "https:")
    throw bad("config/url", httpsOnly ? "must be an https URL" : "must be an http or https URL");
  if (url.username || url.password)
    throw bad("config/url", "must not carry credentials (user:password@); use the channel's secret");
  try {
    // Literal addresses are judged now; host names are judged on the address connected to, at send time.
    guardUrl(url, allow);
  } catch (e) {
    throw bad("config/url", (e as Error).message);
  }
  return raw;
}

function email(config: Record<string, unknown>): EmailConfig {
  const host = text(config, "host", 253);
  if (/\s|\//.test(host)) throw bad("config/host", "must be a host name or an IP address");
  const port = config.port;
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535)
    throw bad("config/port", "must be an integer from 1 to 65535");
  // Defaults follow the port: 465 speaks TLS from the first byte, 587 (Office 365, Gmail) upgrades.
  const secure = bool(config, "secure", port === 465);
  const starttls = bool(config, "starttls", port === 587);
  if (secure && starttls)
    throw bad("config/starttls", "cannot be set with secure: a secure connection is TLS already");
  const username = optionalText(config, "username", 320);
  const password = optionalText(config, "password", 1000);
  if (password !== undefined && username === undefined)
    throw bad("config/password", "needs a username to log in with");
  const from = text(config, "from", 320);
  if (!isAddress(from)) throw bad("config/from", `"${from}" is not an email address`);
  const to = config.to;
  if (!Array.isArray(to) || to.length === 0)
    throw bad("config/to", "must be a list of at least one email address");
  if (to.length > 50) throw bad("config/to", "must hold at most 50 addresses");
  for (const addr of to)
    if (typeof addr !== "string" || !isAddress(addr))
      throw bad("config/to", `${JSON.stringify(addr)} is not an email address`);
  return {
    host,
    port,
    secure,
    starttls,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    from,
    to: to as string[],
  };
}

/**
 * The typed config of a channel of `type`. `config` must already hold any secret kept from the stored
 * channel (see channel-store.ts); `allow` lists private destinations the operator permits.
 */
export function validateConfig(
  type: ChannelType,
  config: Record<string, unknown>,
  allow: Allowlist,
): ChannelConfig {
  const allowed = FIELDS[type];
  const unknown = Object.keys(config).find((k) => !allowed.includes(k));
  if (unknown !== undefined)
    throw bad(
      `config/${unknown}`,
      `is not a field of ${type === "email" ? "an" : "a"} ${type} channel (fields: ${allowed.join(", ")})`,
    );
  switch (type) {
    case "email":
      return email(config);
    case "slack":
      return { url: outgoingUrl(config, true, allow) };
    case "webhook": {
      const url = outgoingUrl(config, false, allow);
      const secret = text(config, "secret", 1000);
      if (secret.length < 16) throw bad("config/secret", "must be at least 16 characters");
      return { url, secret };
    }
    default:
      throw bad("type", `must be one of ${CHANNEL_TYPES.join(", ")}`);
  }
}

/** The parts of a channel input outside `config` (the route schema checks them too). */
export function validateInput(input: ChannelInput): void {
  if (typeof input.name !== "string" || input.name.trim().length === 0 || input.name.length > 100)
    throw bad("name", "must be 1 to 100 characters");
  if (!CHANNEL_TYPES.includes(input.type)) throw bad("type", `must be one of ${CHANNEL_TYPES.join(", ")}`);
  if (input.min_severity != null && !SEVERITIES.includes(input.min_severity))
    throw bad("min_severity", `must be one of ${SEVERITIES.join(", ")} or null`);
  if (input.config === null || typeof input.config !== "object" || Array.isArray(input.config))
    throw bad("config", "must be an object");
}
