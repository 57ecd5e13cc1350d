import type { Notification, Severity } from "./types.js";

/** Band colours per severity; mail clients ignore <style> blocks, so everything is inline. */
export const SEVERITY_COLOUR: Record<Severity, string> = {
  critical: "#b91c1c",
  high: "#ea580c",
  medium: "#ca8a04",
  low: "#2563eb",
  info: "#6b7280",
};

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Only http(s) links become a button: a `javascript:` link from a bad config must not be clickable. */
function safeLink(link: string): string {
  return /^https?:\/\//i.test(link) ? link : "#";
}

function facts(n: Notification): [string, string][] {
  return [
    ["Rule", n.rule],
    ["Group value", n.group_value],
    ["Count", String(n.count)],
    ["Site", n.site || "all"],
    ["First seen", n.first_seen],
    ["Last seen", n.last_seen],
    ["Alert id", n.alert_id],
  ];
}

export function emailSubject(n: Notification): string {
  // Header injection is stopped by nodemailer, but a newline would still garble the subject line.
  return `[Vigil ${n.severity.toUpperCase()}] ${n.title}`.replace(/[\r\n]+/g, " ");
}

export function emailHtml(n: Notification): string {
  const colour = SEVERITY_COLOUR[n.severity];
  const rows = facts(n)
    .map(
      ([k, v]) =>
        `<tr><td style="padding:6px 12px;color:#6b7280;white-space:nowrap">${escapeHtml(k)}</td>` +
        `<td style="padding:6px 12px;color:#111827;font-family:monospace">${escapeHtml(v)}</td></tr>`,
    )
    .join("");
  return `<!doctype html>
<html><body style="margin:0;padding:24px;background:#f3f4f6;font-family:Arial,Helvetica,sans-serif">
<table role="presentation" width="600" cellspacing="0" cellpadding="0" style="margin:0 auto;background:#ffffff;border-radius:6px;overflow:hidden">
<tr><td style="background:${colour};color:#ffffff;padding:14px 20px;font-size:14px;font-weight:bold;letter-spacing:1px">${escapeHtml(n.severity.toUpperCase())} ALERT</td></tr>
<tr><td style="padding:20px 20px 8px;font-size:20px;color:#111827">${escapeHtml(n.title)}</td></tr>
<tr><td style="padding:0 20px 12px;font-size:14px;color:#374151">${escapeHtml(n.summary)}</td></tr>
<tr><td style="padding:0 8px"><table role="presentation" cellspacing="0" cellpadding="0" style="font-size:13px;border-collapse:collapse">${rows}</table></td></tr>
<tr><td style="padding:20px"><a href="${escapeHtml(safeLink(n.link))}" style="display:inline-block;background:${colour};color:#ffffff;text-decoration:none;padding:10px 18px;border-radius:4px;font-size:14px">Open the alert in Vigil</a></td></tr>
</table></body></html>`;
}

export function emailText(n: Notification): string {
  const width = 12;
  const lines = facts(n).map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}`);
  return [
    `[${n.severity.toUpperCase()}] ${n.title}`,
    "",
    n.summary,
    "",
    ...lines,
    "",
    `Open: ${n.link}`,
    "",
  ].join("\n");
}
