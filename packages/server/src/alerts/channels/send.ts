import { type EmailOptions, sendEmail } from "./email.js";
import type { RetryOptions } from "./http-post.js";
import { type Allowlist, parseAllowlist } from "./outbound-guard.js";
import { sendSlack } from "./slack.js";
import type { Channel, Notification, SendResult } from "./types.js";
import { sendWebhook } from "./webhook.js";

export interface SendDeps extends RetryOptions {
  /** Destinations allowed despite being private; defaults to `VIGIL_WEBHOOK_ALLOWLIST`. */
  allow?: Allowlist;
  timeoutMs?: number;
  email?: EmailOptions;
}

/** Sends one notification on one channel; never throws, so one failing channel cannot stop others. */
export async function sendNotification(
  channel: Channel,
  n: Notification,
  deps: SendDeps = {},
): Promise<SendResult> {
  const allow = deps.allow ?? parseAllowlist(process.env.VIGIL_WEBHOOK_ALLOWLIST);
  const http = { allow, timeoutMs: deps.timeoutMs, tries: deps.tries, baseDelayMs: deps.baseDelayMs };
  try {
    switch (channel.type) {
      case "email":
        return await sendEmail(channel.config, n, { timeoutMs: deps.timeoutMs, allow, ...deps.email });
      case "slack":
        return await sendSlack(channel.config, n, http);
      case "webhook":
        return await sendWebhook(channel.config, n, http);
      default:
        return {
          ok: false,
          error: `unknown channel type ${(channel as { type: string }).type}`,
          attempts: 0,
        };
    }
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e), attempts: 0 };
  }
}
