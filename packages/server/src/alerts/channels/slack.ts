import { type PostOptions, postWithRetries, type RetryOptions } from "./http-post.js";
import type { Notification, SendResult, Severity, SlackConfig } from "./types.js";

const ICON: Record<Severity, string> = {
  critical: ":red_circle:",
  high: ":large_orange_circle:",
  medium: ":large_yellow_circle:",
  low: ":large_blue_circle:",
  info: ":white_circle:",
};

/** Slack's mrkdwn treats &, < and > as markup; escape them so a log value cannot forge a link. */
function mrkdwn(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Incoming-webhook payload: `text` for notifications and old clients, `blocks` for the readable card. */
export function slackPayload(n: Notification): Record<string, unknown> {
  const sev = n.severity.toUpperCase();
  const field = (label: string, value: string) => ({ type: "mrkdwn", text: `*${label}*\n${mrkdwn(value)}` });
  return {
    text: mrkdwn(`[${sev}] ${n.title} — ${n.rule}: ${n.group_value} (${n.count})`),
    blocks: [
      { type: "header", text: { type: "plain_text", text: `${sev}: ${n.title}`.slice(0, 150), emoji: true } },
      {
        type: "section",
        fields: [
          { type: "mrkdwn", text: `*Severity*\n${ICON[n.severity]} ${sev}` },
          field("Rule", n.rule),
          field("Group value", n.group_value),
          field("Count", String(n.count)),
          field("Site", n.site || "all"),
          field("Last seen", n.last_seen),
        ],
      },
      ...(n.summary ? [{ type: "section", text: { type: "mrkdwn", text: mrkdwn(n.summary) } }] : []),
      {
        type: "actions",
        elements: [{ type: "button", text: { type: "plain_text", text: "Open in Vigil" }, url: n.link }],
      },
    ],
  };
}

export async function sendSlack(
  config: SlackConfig,
  n: Notification,
  opts: PostOptions & RetryOptions,
): Promise<SendResult> {
  return postWithRetries(config.url, JSON.stringify(slackPayload(n)), opts);
}
