/**
 * The channel editor's state and its translation to the API body. Secrets (SMTP password, webhook
 * secret, Slack URL) are never sent back by the server: the form starts them empty, says "set", and
 * leaves an empty one out of the PUT body so the stored secret is kept. Pure.
 */
import type { Severity } from "../api/types.js";
import type { ChannelInput, ChannelType, ChannelView } from "./channel-types.js";

export interface ChannelForm {
  name: string;
  type: ChannelType;
  enabled: boolean;
  min_severity: Severity | null;
  host: string;
  port: number;
  secure: boolean;
  starttls: boolean;
  username: string;
  password: string;
  from: string;
  /** Addresses, one per line or comma-separated. */
  to: string;
  url: string;
  secret: string;
}

export const EMPTY_CHANNEL_FORM: ChannelForm = {
  name: "",
  type: "email",
  enabled: true,
  min_severity: null,
  host: "",
  port: 587,
  secure: false,
  starttls: true,
  username: "",
  password: "",
  from: "",
  to: "",
  url: "",
  secret: "",
};

/** The config fields each type keeps secret (named in `secrets_set` when stored). */
export const SECRET_FIELDS: Record<ChannelType, readonly ("password" | "secret" | "url")[]> = {
  email: ["password"],
  slack: ["url"],
  webhook: ["secret"],
};

export interface SmtpPreset {
  label: string;
  host: string;
  port: number;
  secure: boolean;
  starttls: boolean;
}

/** Office 365 and Gmail both take submissions on 587 with STARTTLS and a login. */
export const SMTP_PRESETS: readonly SmtpPreset[] = [
  { label: "Office 365", host: "smtp.office365.com", port: 587, secure: false, starttls: true },
  { label: "Gmail", host: "smtp.gmail.com", port: 587, secure: false, starttls: true },
];

export function applyPreset(form: ChannelForm, preset: SmtpPreset): ChannelForm {
  return { ...form, host: preset.host, port: preset.port, secure: preset.secure, starttls: preset.starttls };
}

const str = (config: Record<string, unknown>, key: string): string =>
  typeof config[key] === "string" ? (config[key] as string) : "";

export function channelToForm(channel: ChannelView): ChannelForm {
  const c = channel.config;
  const to = Array.isArray(c.to) ? c.to.filter((v): v is string => typeof v === "string") : [];
  return {
    ...EMPTY_CHANNEL_FORM,
    name: channel.name,
    type: channel.type,
    enabled: channel.enabled,
    min_severity: channel.min_severity,
    host: str(c, "host"),
    port: typeof c.port === "number" ? c.port : EMPTY_CHANNEL_FORM.port,
    secure: c.secure === true,
    starttls: c.starttls === true,
    username: str(c, "username"),
    from: str(c, "from"),
    to: to.join("\n"),
    // Secret fields come back empty by design; webhook url is not secret, Slack's is.
    url: channel.type === "webhook" ? str(c, "url") : "",
  };
}

export function splitAddresses(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((a) => a.trim())
    .filter(Boolean);
}

/**
 * The POST/PUT body. On an edit (`secretsSet` from the stored channel) an empty secret field is left
 * out so the server keeps the stored one; on a create it is left out too and the server says it is missing.
 */
export function formToChannelInput(form: ChannelForm): ChannelInput {
  const base = {
    name: form.name.trim(),
    type: form.type,
    enabled: form.enabled,
    min_severity: form.min_severity,
  };
  switch (form.type) {
    case "email": {
      const config: Record<string, unknown> = {
        host: form.host.trim(),
        port: form.port,
        secure: form.secure,
        starttls: form.starttls,
        from: form.from.trim(),
        to: splitAddresses(form.to),
      };
      if (form.username.trim()) config.username = form.username.trim();
      if (form.password) config.password = form.password;
      return { ...base, config };
    }
    case "slack":
      return { ...base, config: form.url.trim() ? { url: form.url.trim() } : {} };
    case "webhook": {
      const config: Record<string, unknown> = { url: form.url.trim() };
      if (form.secret) config.secret = form.secret;
      return { ...base, config };
    }
  }
}

/** Placeholder of a secret field: says a value is stored without showing it. */
export function secretPlaceholder(secretsSet: readonly string[], field: string, fallback: string): string {
  return secretsSet.includes(field) ? "•••• set (leave empty to keep)" : fallback;
}
