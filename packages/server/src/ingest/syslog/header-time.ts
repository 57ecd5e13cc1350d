/**
 * Timestamps in syslog headers: RFC 3164 `Mmm dd hh:mm:ss` and RFC 3339, read by hand-written scanning (no
 * regular expressions) so hostile input stays linear. Times without an offset are read in the sender's zone.
 */

import { inferYear, monthFromName, wallClockToUtc } from "../time.js";

export interface TimeContext {
  receivedAt: number;
  timezone: string;
}

const SP = 32;
const COLON = 58;
const DASH = 45;

/** `Mmm dd hh:mm:ss`, also `Mmm dd yyyy hh:mm:ss` and fractional seconds; the year is inferred when absent. */
export function readBsdTime(s: string, pos: number, ctx: TimeContext): { ms: number; end: number } | null {
  if (!isLetter(s.charCodeAt(pos)) || !isLetter(s.charCodeAt(pos + 1)) || !isLetter(s.charCodeAt(pos + 2))) {
    return null;
  }
  const month = monthFromName(s.slice(pos, pos + 3));
  if (month === 0 || s.charCodeAt(pos + 3) !== SP) return null;
  let i = skipSpaces(s, pos + 3);
  const day = readInt(s, i, 1, 2);
  if (day === null || day.value < 1 || day.value > 31 || s.charCodeAt(day.end) !== SP) return null;
  i = day.end + 1;
  let year: number | null = null;
  const maybeYear = readInt(s, i, 4, 4);
  if (maybeYear !== null && s.charCodeAt(maybeYear.end) === SP) {
    year = maybeYear.value;
    i = maybeYear.end + 1;
  }
  const clock = readClock(s, i);
  if (clock === null) return null;
  const y = year ?? inferYear(month, day.value, ctx.receivedAt);
  const ms = localToUtc(ctx.timezone, y, month, day.value, clock.h, clock.m, clock.s, clock.ms);
  return { ms, end: clock.end };
}

/** RFC 3339 `yyyy-mm-ddThh:mm:ss[.frac][Z|±hh:mm|±hhmm]`; without an offset the sender's zone applies. */
export function readIsoTime(s: string, pos: number, ctx: TimeContext): { ms: number; end: number } | null {
  const y = readInt(s, pos, 4, 4);
  if (y === null || s.charCodeAt(y.end) !== DASH) return null;
  const mo = readInt(s, y.end + 1, 2, 2);
  if (mo === null || s.charCodeAt(mo.end) !== DASH || mo.value < 1 || mo.value > 12) return null;
  const d = readInt(s, mo.end + 1, 2, 2);
  if (d === null || d.value < 1 || d.value > 31) return null;
  const sep = s.charCodeAt(d.end);
  if (sep !== 84 && sep !== 116) return null; // "T" / "t"
  const clock = readClock(s, d.end + 1);
  if (clock === null) return null;
  let i = clock.end;
  const c = s.charCodeAt(i);
  if (c === 90 || c === 122) {
    // "Z"
    return { ms: Date.UTC(y.value, mo.value - 1, d.value, clock.h, clock.m, clock.s, clock.ms), end: i + 1 };
  }
  if (c === 43 || c === DASH) {
    const oh = readInt(s, i + 1, 2, 2);
    if (oh === null) return null;
    i = oh.end;
    if (s.charCodeAt(i) === COLON) i++;
    const om = readInt(s, i, 2, 2);
    if (om === null || oh.value > 23 || om.value > 59) return null;
    const offset = (oh.value * 60 + om.value) * 60_000 * (c === DASH ? -1 : 1);
    const utc = Date.UTC(y.value, mo.value - 1, d.value, clock.h, clock.m, clock.s, clock.ms) - offset;
    return { ms: utc, end: om.end };
  }
  return {
    ms: localToUtc(ctx.timezone, y.value, mo.value, d.value, clock.h, clock.m, clock.s, clock.ms),
    end: i,
  };
}

/** `hh:mm:ss[.frac]`; the fraction may have any number of digits (microseconds are common), ms are kept. */
function readClock(
  s: string,
  pos: number,
): { h: number; m: number; s: number; ms: number; end: number } | null {
  const h = readInt(s, pos, 2, 2);
  if (h === null || s.charCodeAt(h.end) !== COLON) return null;
  const m = readInt(s, h.end + 1, 2, 2);
  if (m === null || s.charCodeAt(m.end) !== COLON) return null;
  const sec = readInt(s, m.end + 1, 2, 2);
  if (sec === null || h.value > 23 || m.value > 59 || sec.value > 60) return null;
  let end = sec.end;
  let ms = 0;
  if (s.charCodeAt(end) === 46 && isDigit(s.charCodeAt(end + 1))) {
    end++;
    let scale = 100;
    while (isDigit(s.charCodeAt(end))) {
      ms += (s.charCodeAt(end) - 48) * scale;
      scale /= 10;
      end++;
    }
    ms = Math.floor(ms);
  }
  return { h: h.value, m: m.value, s: Math.min(sec.value, 59), ms, end };
}

function localToUtc(
  zone: string,
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  sec: number,
  ms: number,
): number {
  const naive = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  if (zone === "UTC" || zone === "Etc/UTC") return naive;
  // Zone offsets only change on 15-minute boundaries, so one Intl lookup serves a whole bucket: without
  // this cache, RFC 3164 lines in a non-UTC zone parse ten times slower.
  const bucket = Math.floor(naive / QUARTER_HOUR);
  const key = `${zone}|${bucket}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    try {
      const start = bucket * QUARTER_HOUR;
      const d0 = new Date(start);
      offset =
        start -
        wallClockToUtc(
          zone,
          d0.getUTCFullYear(),
          d0.getUTCMonth() + 1,
          d0.getUTCDate(),
          d0.getUTCHours(),
          d0.getUTCMinutes(),
        );
    } catch {
      offset = 0; // Unknown zone in the sender's settings: UTC is the least surprising reading.
    }
    if (offsetCache.size >= 4096) offsetCache.clear();
    offsetCache.set(key, offset);
  }
  return naive - offset;
}

const QUARTER_HOUR = 15 * 60_000;
/** `${zone}|${15-minute bucket of wall-clock time}` → wall clock minus UTC, in ms. */
const offsetCache = new Map<string, number>();

export function readInt(
  s: string,
  pos: number,
  min: number,
  max: number,
): { value: number; end: number } | null {
  let value = 0;
  let i = pos;
  while (i < pos + max && isDigit(s.charCodeAt(i))) {
    value = value * 10 + (s.charCodeAt(i) - 48);
    i++;
  }
  return i - pos < min ? null : { value, end: i };
}

export function skipSpaces(s: string, pos: number): number {
  let i = pos;
  while (s.charCodeAt(i) === SP) i++;
  return i;
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
