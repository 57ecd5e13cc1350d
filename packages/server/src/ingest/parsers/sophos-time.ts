/**
 * When a Sophos event happened.
 *
 * - SFOS 19.5+/20 lines carry `timestamp="2024-02-07T13:03:59+0100"`: the offset is in the line.
 * - Legacy lines carry `date=2017-01-31 time=18:19:56 timezone="IST"`: a wall-clock time plus a zone
 *   abbreviation. We trust the abbreviation only when it names one UTC offset unambiguously (CEST is
 *   always +02:00) or is itself a numeric offset (`timezone="-02"`, seen in the wild). Ambiguous ones
 *   (IST: India, Ireland or Israel; BST: British or Bangladesh; CST: US Central, China or Cuba; AST;
 *   GST...) and unknown ones fall back to the sender's configured IANA zone (`ctx.timezone`).
 *   Elastic's pipeline differs here: it only honours abbreviations Java knows as zone ids (CET, GMT)
 *   and silently reads CEST, BST or IST as UTC.
 */

import { wallClockToUtc } from "../time.js";

/** Offset east of UTC, in minutes, for abbreviations that mean one offset the world over. */
const ZONE_OFFSETS_MIN: Readonly<Record<string, number>> = {
  UTC: 0,
  GMT: 0,
  Z: 0,
  WET: 0,
  WEST: 60,
  CET: 60,
  CEST: 120,
  MET: 60,
  MEST: 120,
  EET: 120,
  EEST: 180,
  MSK: 180,
  SAST: 120,
  WAT: 60,
  CAT: 120,
  EAT: 180,
  PKT: 300,
  NPT: 345,
  ICT: 420,
  WIB: 420,
  HKT: 480,
  SGT: 480,
  PHT: 480,
  AWST: 480,
  JST: 540,
  KST: 540,
  ACST: 570,
  ACDT: 630,
  AEST: 600,
  AEDT: 660,
  NZST: 720,
  NZDT: 780,
  EST: -300,
  EDT: -240,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  AKST: -540,
  AKDT: -480,
  HST: -600,
  BRT: -180,
  ART: -180,
};

/** Minutes east of UTC for `+05:30`, `-0600`, `-02`, `UTC+2`; null when `text` is not an offset. */
export function numericOffsetMinutes(text: string): number | null {
  let s = text;
  if (s.startsWith("UTC") || s.startsWith("GMT")) s = s.slice(3);
  const sign = s.charCodeAt(0) === 43 ? 1 : s.charCodeAt(0) === 45 ? -1 : 0;
  if (sign === 0) return null;
  const digits = s.slice(1).replace(":", "");
  if (!/^\d{1,4}$/.test(digits)) return null;
  const hours = digits.length <= 2 ? Number(digits) : Number(digits.slice(0, digits.length - 2));
  const minutes = digits.length <= 2 ? 0 : Number(digits.slice(-2));
  if (hours > 14 || minutes > 59) return null;
  return sign * (hours * 60 + minutes);
}

/** Offset named by a legacy `timezone=` field, or null when it is ambiguous or unknown. */
export function zoneAbbreviationOffset(abbreviation: string): number | null {
  if (abbreviation === "") return null;
  const known = ZONE_OFFSETS_MIN[abbreviation.toUpperCase()];
  if (known !== undefined) return known;
  return numericOffsetMinutes(abbreviation);
}

function twoDigits(s: string, at: number): number {
  const a = s.charCodeAt(at) - 48;
  const b = s.charCodeAt(at + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return Number.NaN;
  return a * 10 + b;
}

function fourDigits(s: string, at: number): number {
  return twoDigits(s, at) * 100 + twoDigits(s, at + 2);
}

/**
 * Memo of zone offsets per wall-clock hour: `Intl` lookups cost microseconds, and a firewall sends
 * thousands of lines within the same hour. Pure (same input, same output), so sharing it is safe.
 */
const hourOffsets = new Map<string, number>();

/** Epoch ms of a wall-clock time in IANA `timeZone`; an unknown zone is read as UTC. */
export function wallClockInZone(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number {
  const naive = Date.UTC(year, month - 1, day, hour, minute, second);
  if (timeZone === "" || timeZone === "UTC" || timeZone === "Etc/UTC") return naive;
  const hourStart = Date.UTC(year, month - 1, day, hour);
  const key = timeZone + hourStart;
  let offset = hourOffsets.get(key);
  if (offset === undefined) {
    try {
      offset = hourStart - wallClockToUtc(timeZone, year, month, day, hour);
    } catch {
      offset = 0; // not an IANA zone this runtime knows
    }
    if (hourOffsets.size > 10_000) hourOffsets.clear();
    hourOffsets.set(key, offset);
  }
  return naive - offset;
}

/**
 * Legacy `date=YYYY-MM-DD` + `time=HH:MM:SS` (+ `timezone=`) → epoch ms, or NaN when unreadable.
 */
export function legacyTimestamp(date: string, time: string, zoneField: string, fallbackZone: string): number {
  if (date.length < 10 || time.length < 8) return Number.NaN;
  const year = fourDigits(date, 0);
  const month = twoDigits(date, 5);
  const day = twoDigits(date, 8);
  const hour = twoDigits(time, 0);
  const minute = twoDigits(time, 3);
  const second = twoDigits(time, 6);
  if (Number.isNaN(year + month + day + hour + minute + second)) return Number.NaN;
  const offset = zoneAbbreviationOffset(zoneField);
  if (offset !== null) return Date.UTC(year, month - 1, day, hour, minute, second) - offset * 60_000;
  return wallClockInZone(fallbackZone, year, month, day, hour, minute, second);
}

/**
 * SFOS 19.5+ `timestamp="2021-11-15T18:28:48-0600"` (also `+01:00`, `Z`, fractions) → epoch ms.
 * A time without an offset is read in `fallbackZone`. NaN when unreadable.
 */
export function isoTimestamp(text: string, fallbackZone: string): number {
  if (text.length < 19) return Number.NaN;
  const year = fourDigits(text, 0);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  if (Number.isNaN(year + month + day + hour + minute + second)) return Number.NaN;
  let at = 19;
  let millis = 0;
  if (text.charCodeAt(at) === 46 || text.charCodeAt(at) === 44) {
    let scale = 100;
    at++;
    while (at < text.length) {
      const d = text.charCodeAt(at) - 48;
      if (d < 0 || d > 9) break;
      millis += d * scale;
      scale /= 10;
      at++;
    }
    millis = Math.floor(millis);
  }
  const zone = text.slice(at).trim();
  if (zone === "") {
    return wallClockInZone(fallbackZone, year, month, day, hour, minute, second) + millis;
  }
  const offset = zone === "Z" || zone === "z" ? 0 : numericOffsetMinutes(zone);
  if (offset === null) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset * 60_000;
}
