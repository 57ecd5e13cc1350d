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
