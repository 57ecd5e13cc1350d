/**
 * Small helpers shared by the parsers: IP clean-up, number coercion, severity scales and the time
 * formats web and auth logs use. Pure functions, no I/O.
 */
import { isIP } from "node:net";
import type { EventAction, Severity } from "../event.js";
import { inferYear, monthFromName, wallClockToUtc } from "../time.js";

/**
 * The address as Vigil stores it, or "" when `text` is not an IP: brackets and ports of
 * `[2001:db8::1]:443` removed, IPv4-mapped IPv6 (`::ffff:1.2.3.4`) folded to IPv4, zone ids dropped.
 */
export function normaliseIp(text: string | undefined): string {
  if (!text) return "";
  let s = text.trim();
  if (s.startsWith("[")) {
    const end = s.indexOf("]");
    if (end > 0) s = s.slice(1, end);
  }
  const pct = s.indexOf("%");
  if (pct > 0) s = s.slice(0, pct);
  if (s.toLowerCase().startsWith("::ffff:") && isIP(s.slice(7)) === 4) s = s.slice(7);
  return isIP(s) ? s : "";
}

/** Splits `1.2.3.4:5678` or `[2001:db8::1]:5678` into address and port; a bare IPv6 keeps port 0. */
export function splitHostPort(text: string): { ip: string; port: number } {
  const s = text.trim();
  if (s.startsWith("[")) {
    const end = s.indexOf("]");
    const port = s[end + 1] === ":" ? toInt(s.slice(end + 2)) : 0;
    return { ip: normaliseIp(s.slice(1, end)), port };
  }
  const direct = normaliseIp(s);
  if (direct) return { ip: direct, port: 0 };
  const colon = s.lastIndexOf(":");
  if (colon > 0) return { ip: normaliseIp(s.slice(0, colon)), port: toInt(s.slice(colon + 1)) };
  return { ip: "", port: 0 };
}

/** A non-negative integer from text or a number; 0 when absent or not a number. */
export function toInt(value: unknown): number {
  if (typeof value === "number") return Number.isFinite(value) ? Math.max(0, Math.trunc(value)) : 0;
  if (typeof value !== "string") return 0;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** Syslog PRI severity (0 emerg .. 7 debug) → Vigil severity. */
export function severityFromSyslog(level: number | null | undefined): Severity | null {
  if (level === null || level === undefined || level < 0) return null;
  if (level <= 2) return "critical";
  if (level === 3) return "high";
  if (level === 4) return "medium";
  if (level === 5) return "low";
  return "info";
}

/** Severity words used by ModSecurity, CEF and JSON producers → Vigil severity. */
export function severityFromWord(word: string): Severity | null {
  switch (word.trim().toLowerCase()) {
    case "emergency":
    case "emerg":
    case "alert":
    case "critical":
    case "crit":
    case "very-high":
    case "very high":
      return "critical";
    case "error":
    case "err":
    case "high":
    case "major":
      return "high";
    case "warning":
    case "warn":
    case "medium":
    case "moderate":
      return "medium";
    case "notice":
    case "low":
    case "minor":
      return "low";
    case "info":
    case "informational":
    case "information":
    case "debug":
    case "unknown":
      return "info";
    default:
      return null;
  }
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

/** The worse of two severities. */
export function worstSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a;
}

const offsetCache = new Map<string, number>();

/**
 * `wallClockToUtc` with the zone offset cached per zone and local hour: zone rules change on hour
 * boundaries, and asking Intl for the offset costs more than the rest of a parse.
 */
export function localToUtc(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  ms = 0,
): number {
  if (timeZone === "UTC" || timeZone === "Etc/UTC")
    return Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const key = `${timeZone}|${year}|${month}|${day}|${hour}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    offset = Date.UTC(year, month - 1, day, hour) - wallClockToUtc(timeZone, year, month, day, hour);
    if (offsetCache.size > 50_000) offsetCache.clear();
    offsetCache.set(key, offset);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset;
}

/**
 * ISO 8601 / RFC 3339 time → epoch ms. With an offset (`Z`, `+02:00`, `+0200`) it is exact; without,
 * the wall clock is read in `timeZone`. Accepts a space instead of `T` and any fraction length.
 */
export function parseIsoTime(text: string, timeZone: string): number | null {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
      text.trim(),
    );
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, off] = m;
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, "0")) : 0;
  const parts = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s ?? 0), ms] as const;
  if (!off) return localToUtc(timeZone, ...parts);
  const utc = Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5], parts[6]);
  if (off.toUpperCase() === "Z") return utc;
  const sign = off.startsWith("-") ? -1 : 1;
  const digits = off.slice(1).replace(":", "");
  const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
  return utc - sign * offsetMin * 60_000;
}

/** `20/Jan/2015:19:53:28 +0100` (web access logs) → epoch ms; the zone is used only when no offset. */
export function parseClfTime(text: string, timeZone: string): number | null {
  const m =
    /^(\d{1,2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:\s+([+-])(\d{2}):?(\d{2}))?$/.exec(
      text.trim(),
    );
  if (!m) return null;
  const [, d, mon, y, h, mi, s, frac, sign, oh, om] = m;
  const month = monthFromName(mon ?? "");
  if (!month) return null;
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, "0")) : 0;
  if (!sign) return localToUtc(timeZone, Number(y), month, Number(d), Number(h), Number(mi), Number(s), ms);
  const utc = Date.UTC(Number(y), month - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const offsetMin = (Number(oh) * 60 + Number(om)) * (sign === "-" ? -1 : 1);
  return utc - offsetMin * 60_000;
}

/**
 * `Jan  5 01:31:41` (RFC 3164, no year, local time) or `Mon Jan 01 10:00:00[.123] 2024` (Apache
 * error log, ctime) → epoch ms in `timeZone`; the year is inferred from `receivedAt` when absent.
 */
export function parseBsdTime(text: string, timeZone: string, receivedAt: number): number | null {
  const m =
    /^(?:[A-Za-z]{3}\s+)?([A-Za-z]{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:\s+(\d{4}))?$/.exec(
      text.trim(),
    );
  if (!m) return null;
  const [, mon, d, h, mi, s, frac, y] = m;
  const month = monthFromName(mon ?? "");
  if (!month) return null;
  const day = Number(d);
  const year = y ? Number(y) : inferYear(month, day, receivedAt);
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, "0")) : 0;
  return localToUtc(timeZone, year, month, day, Number(h), Number(mi), Number(s), ms);
}

/** `2012/04/09 11:53:29` (nginx error log, local time) → epoch ms in `timeZone`. */
export function parseSlashTime(text: string, timeZone: string): number | null {
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  return localToUtc(timeZone, Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s));
}

/** What a product's action word means for Vigil: allow / drop / reject / quarantine, else "". */
export function actionFromWord(word: string): EventAction {
  const a = word.trim().toLowerCase();
  if (!a) return "";
  if (/^(allow|allowed|accept|accepted|permit|permitted|pass|passed|success)$/.test(a)) return "allow";
  if (/^(reject|rejected|refuse|refused)/.test(a)) return "reject";
  if (/^quarantine/.test(a)) return "quarantine";
  if (/^(deny|denied|block|blocked|drop|dropped|prevent|prevented|intercept|discard)/.test(a)) return "drop";
  return "";
}
