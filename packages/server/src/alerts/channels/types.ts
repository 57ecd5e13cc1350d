/** A notification channel as stored and edited through the API; `config` depends on `type`. */
export type ChannelType = "email" | "slack" | "webhook";

export interface EmailConfig {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (port 465). */
  secure: boolean;
  /** Require STARTTLS on a plain connection (port 587, e.g. Office 365 and Gmail). */
  starttls: boolean;
  username?: string;
  password?: string;
  from: string;
  to: string[];
}

export interface SlackConfig {
  url: string;
}

export interface WebhookChannelConfig {
  url: string;
  secret: string;
}

export type Channel =
  | { id: string; name: string; type: "email"; config: EmailConfig }
  | { id: string; name: string; type: "slack"; config: SlackConfig }
  | { id: string; name: string; type: "webhook"; config: WebhookChannelConfig };

export type Severity = "critical" | "high" | "medium" | "low" | "info";

/** What every channel says about one alert. */
export interface Notification {
  alert_id: string;
  title: string;
  severity: Severity;
  rule: string;
  group_value: string;
  count: number;
  site: string;
  first_seen: string;
  last_seen: string;
  /** Link to the alert in the console. */
  link: string;
  summary: string;
}

export interface SendResult {
  ok: boolean;
  error?: string;
  attempts: number;
}

/** POST/PUT /api/v1/channels body. On PUT, a secret field left out keeps the stored secret. */
export interface ChannelInput {
  name: string;
  type: ChannelType;
  enabled?: boolean;
  /** Alerts without channels of their own (scenarios, pending bans, system) at or above this come here. */
  min_severity?: Severity | null;
  /**
   * The client whose channel this is: it hears only alerts of that client's sites. A client's user
   * always writes for their own client; staff may name one (default null: the operator's channel,
   * which hears every alert; on PUT, left out = unchanged).
   */
  client?: string | null;
  config: Record<string, unknown>;
}

/**
 * A channel as the API returns it. Secret fields (email `password`, webhook `secret`, Slack `url`,
 * which carries its own token) are never returned: they are left out of `config` and named in
 * `secrets_set`.
 */
export interface ChannelView {
  id: string;
  name: string;
  type: ChannelType;
  enabled: boolean;
  min_severity: Severity | null;
  /** The client whose channel this is; null: the operator's. */
  client: string | null;
  config: Record<string, unknown>;
  secrets_set: string[];
  last_delivery: { at: string; ok: boolean; error: string | null } | null;
  failures_24h: number;
  /** Notifications held back by this channel's rate limit since the server started. */
  suppressed: number;
  created_at: string;
  updated_at: string;
}
