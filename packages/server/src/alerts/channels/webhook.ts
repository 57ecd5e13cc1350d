import { signBody } from "../../response/enforcement/webhook-target.js";
import { type PostOptions, postWithRetries, type RetryOptions } from "./http-post.js";
import type { Notification, SendResult, WebhookChannelConfig } from "./types.js";

/** The body receivers parse: a stable envelope so a receiver can tell alerts from future kinds. */
export function webhookBody(n: Notification): string {
  return JSON.stringify({ type: "alert", alert: n });
}

/**
 * Generic webhook: JSON POST signed with `X-Vigil-Signature: sha256=<HMAC-SHA256 of the raw body>`,
 * so a receiver can prove the call came from this Vigil and was not altered on the way.
 */
export async function sendWebhook(
  config: WebhookChannelConfig,
  n: Notification,
  opts: PostOptions & RetryOptions,
): Promise<SendResult> {
  const body = webhookBody(n);
  return postWithRetries(config.url, body, {
    ...opts,
    headers: { ...opts.headers, "x-vigil-signature": signBody(config.secret, body) },
  });
}
