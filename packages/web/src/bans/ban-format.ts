/** Pure display helpers for bans: countdowns, durations, flags, status colours. */
import type { BanStatus } from "../api/response-types.js";

/** `3h 59m`, `6d 23h`, `42s`: what is left until `expiresAt`; "expired" once past; "never" for permanent. */
export function formatRemaining(expiresAt: string | null, now: number): string {
  if (expiresAt === null) return "never";
  const end = Date.parse(expiresAt);
  if (Number.isNaN(end)) return "—";
  return end <= now ? "expired" : formatSpan(end - now);
}

/** A span in ms as the two largest units: `7d 0h`, `23h 59m`, `4m 10s`, `9s`. */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}

/** The tier's duration as the seed names it: tier 0 = 4 h, 1 = 24 h, 2 = 7 days, 3+ = permanent. */
export function tierLabel(tier: number): string {
  return ["4h", "24h", "7d"][tier] ?? "permanent";
}

/** 🇫🇷 for `FR` (regional indicator symbols); nothing for unknown or private addresses. */
export function flagOf(code: string): string {
  if (!/^[A-Za-z]{2}$/.test(code)) return "";
  const base = 0x1f1e6;
  const up = code.toUpperCase();
  return String.fromCodePoint(base + up.charCodeAt(0) - 65, base + up.charCodeAt(1) - 65);
}

export const STATUS_COLOR: Record<BanStatus, string> = {
  active: "red",
  permanent: "grape",
  pending_approval: "yellow",
  conditional: "orange",
  expired: "gray",
};

/** Manual-ban durations offered in the form; "" lets the tier decide (escalation on repeat). */
export const DURATIONS = [
  { value: "", label: "Tier default (escalates)" },
  { value: "4h", label: "4 hours" },
  { value: "24h", label: "24 hours" },
  { value: "7d", label: "7 days" },
  { value: "permanent", label: "Permanent" },
] as const;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** A quick check before asking the server (which has the last word): IPv4, or something IPv6-shaped. */
export function looksLikeIp(text: string): boolean {
  const t = text.trim();
  if (IPV4.test(t)) return true;
  return /^[0-9a-fA-F:]+(%\w+)?$/.test(t) && t.includes(":") && t.split("::").length <= 2;
}

/** IP or CIDR (`10.0.0.0/8`, `2001:db8::/32`) for whitelist entries. */
export function looksLikeIpOrCidr(text: string): boolean {
  const [ip = "", prefix, extra] = text.trim().split("/");
  if (extra !== undefined || !looksLikeIp(ip)) return false;
  if (prefix === undefined) return true;
  const n = Number(prefix);
  const max = ip.includes(":") ? 128 : 32;
  return /^\d{1,3}$/.test(prefix) && n >= 0 && n <= max;
}
