/**
 * Reads the syslog header of one frame: RFC 5424, RFC 3164 (BSD) in its many real-world shapes, and the
 * Sophos XGS style where the key=value message follows the PRI directly.
 *
 * Hand-written scanning (indexOf and char codes, no regular expressions) so a 1 MB line parses in linear time
 * and hostile input cannot cause backtracking. It never throws: a frame that is not syslog at all comes back
 * with empty metadata and the whole frame as the message.
 */

import type { SyslogMeta } from "../event.js";
import { inferYear, monthFromName, wallClockToUtc } from "../time.js";

export interface HeaderContext {
  /** ms since epoch, UTC: gives the year to RFC 3164 times that have none. */
  receivedAt: number;
  /** IANA zone of the sender, for header times without an offset. */
  timezone: string;
}

export interface SyslogHeader {
  meta: SyslogMeta;
  message: string;
}

const SP = 32;
const COLON = 58;
const DASH = 45;

export function emptySyslogMeta(): SyslogMeta {
  return {
    facility: null,
    severity: null,
    timestamp: null,
    hostname: "",
    appName: "",
    procId: "",
    msgId: "",
    structuredData: {},
  };
}

export function parseSyslogHeader(frame: string, ctx: HeaderContext): SyslogHeader {
  try {
    return parse(frame, ctx);
  } catch {
    // Defensive only: the scanners below check bounds; a surprise must not lose the line.
    return { meta: emptySyslogMeta(), message: frame };
  }
}

function parse(s: string, ctx: HeaderContext): SyslogHeader {
  const meta = emptySyslogMeta();
  let pos = 0;
  const pri = readPri(s);
  if (pri !== null) {
    meta.facility = pri.value >> 3;
    meta.severity = pri.value & 7;
    pos = pri.end;
    const afterVersion = readVersion(s, pos);
    if (afterVersion !== -1) return parse5424(s, afterVersion, meta, ctx);
  }
  const time = readBsdTime(s, pos, ctx) ?? readIsoTime(s, pos, ctx);
  // No timestamp: Sophos `<30>device="SFW" ...`, or not syslog at all. The message is everything after PRI.
  if (time === null || (time.end < s.length && s.charCodeAt(time.end) !== SP)) {
    return { meta, message: s.slice(pos) };
  }
  meta.timestamp = time.ms;
  pos = skipSpaces(s, time.end);
  return readHostAndTag(s, pos, meta);
}

/** `<PRI>` with 1-3 digits and a value ≤ 191 (facility 23, severity 7). */
function readPri(s: string): { value: number; end: number } | null {
  if (s.charCodeAt(0) !== 60) return null;
  let value = 0;
  let i = 1;
  for (; i < 5 && i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 62) break; // ">"
    if (c < 48 || c > 57) return null;
    value = value * 10 + (c - 48);
  }
  if (i === 1 || s.charCodeAt(i) !== 62 || value > 191) return null;
  return { value, end: i + 1 };
}

/** RFC 5424 VERSION (1-3 digits, non-zero first) then a space; returns the index after the space or -1. */
function readVersion(s: string, pos: number): number {
  const first = s.charCodeAt(pos);
  if (first < 49 || first > 57) return -1;
  let i = pos + 1;
  while (i < pos + 3 && isDigit(s.charCodeAt(i))) i++;
  return s.charCodeAt(i) === SP ? i + 1 : -1;
}

function parse5424(s: string, start: number, meta: SyslogMeta, ctx: HeaderContext): SyslogHeader {
  let pos = start;
  // TIMESTAMP: "-" or RFC 3339; an unreadable one is skipped rather than failing the whole header.
  let end = tokenEnd(s, pos);
  if (!(end === pos + 1 && s.charCodeAt(pos) === DASH)) {
    const time = readIsoTime(s, pos, ctx);
    meta.timestamp = time !== null && time.end === end ? time.ms : null;
  }
  for (let f = 0; f < 4; f++) {
    pos = end + 1;
    if (pos > s.length) return { meta, message: "" };
    end = tokenEnd(s, pos);
    const value = nil(s.slice(pos, end));
    if (f === 0) meta.hostname = value;
    else if (f === 1) meta.appName = value;
    else if (f === 2) meta.procId = value;
    else meta.msgId = value;
  }
  pos = end + 1;
  if (pos >= s.length) return { meta, message: "" };
  if (s.charCodeAt(pos) === DASH) {
    pos++;
  } else if (s.charCodeAt(pos) === 91) {
    const sd = readStructuredData(s, pos);
    if (sd === null) return { meta, message: stripBom(s.slice(pos)) }; // malformed SD: keep it as text
    meta.structuredData = sd.data;
    pos = sd.end;
  }
  if (s.charCodeAt(pos) === SP) pos++;
  return { meta, message: stripBom(s.slice(pos)) };
}

/** `[id p="v" ...][id2 ...]` with `\"`, `\\` and `\]` escapes in values. Null when malformed. */
function readStructuredData(
  s: string,
  start: number,
): { data: Record<string, Record<string, string>>; end: number } | null {
  const data: Record<string, Record<string, string>> = {};
  let pos = start;
  while (s.charCodeAt(pos) === 91) {
    pos++;
    const idEnd = scanName(s, pos);
    if (idEnd === pos) return null;
    const id = s.slice(pos, idEnd);
    let params = Object.hasOwn(data, id) ? data[id] : undefined;
    if (params === undefined) {
      params = {};
      setOwn(data, id, params);
    }
    pos = idEnd;
    for (;;) {
      const c = s.charCodeAt(pos);
      if (c === 93) {
        pos++;
        break;
      }
      if (c !== SP) return null;
      pos++;
      const nameEnd = scanName(s, pos);
      if (nameEnd === pos || s.charCodeAt(nameEnd) !== 61 || s.charCodeAt(nameEnd + 1) !== 34) return null;
      const name = s.slice(pos, nameEnd);
      const value = readQuoted(s, nameEnd + 2);
      if (value === null) return null;
      setOwn(params, name, value.text);
      pos = value.end;
    }
  }
  return { data, end: pos };
}

/**
 * SD-IDs and names come from the network: `__proto__` must become a plain own key, never a prototype change.
 * (Plain objects stay fast; null-prototype ones made header parsing markedly slower.)
 */
function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === "__proto__")
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** SD-NAME: printable ASCII except `=`, space, `]` and `"`. Returns the index of the first other char. */
function scanName(s: string, pos: number): number {
  let i = pos;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= SP || c > 126 || c === 61 || c === 93 || c === 34) break;
  }
  return i;
}

/** A PARAM-VALUE after its opening quote; returns the unescaped text and the index after the closing quote. */
function readQuoted(s: string, start: number): { text: string; end: number } | null {
  let out = "";
  let from = start;
  let i = start;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 34) return { text: out + s.slice(from, i), end: i + 1 };
    if (c === 92) {
      const next = s.charCodeAt(i + 1);
      // Only these three are escapes; any other backslash is kept as written (RFC 5424 §6.3.3).
      if (next === 34 || next === 92 || next === 93) {
        out += s.slice(from, i);
        from = i + 1;
        i += 2;
        continue;
      }
    }
    i++;
  }
  return null;
}

/** `Mmm dd hh:mm:ss`, also `Mmm dd yyyy hh:mm:ss` and fractional seconds; the year is inferred when absent. */
function readBsdTime(s: string, pos: number, ctx: HeaderContext): { ms: number; end: number } | null {
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
function readIsoTime(s: string, pos: number, ctx: HeaderContext): { ms: number; end: number } | null {
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

/**
 * After an RFC 3164 timestamp: `HOST TAG[pid]: MSG`, or without host (`TAG[pid]: MSG`), or without tag
 * (`HOST key=value...`, the SFOS 19 form).
 */
function readHostAndTag(s: string, start: number, meta: SyslogMeta): SyslogHeader {
  let pos = start;
  let tag = readTag(s, pos);
  if (tag === null) {
    const end = tokenEnd(s, pos);
    const token = s.slice(pos, end);
    // A key=value pair or quoted text is message, not a host name.
    if (token.includes("=") || token.includes('"')) return { meta, message: s.slice(pos) };
    meta.hostname = token;
    pos = skipSpaces(s, end);
    tag = readTag(s, pos);
  }
  if (tag !== null) {
    meta.appName = tag.app;
    meta.procId = tag.procId;
    pos = tag.end;
  }
  return { meta, message: s.slice(pos) };
}

/** `tag:`, `tag[pid]:` or `tag[pid]` followed by a space; returns the index where the message starts. */
function readTag(s: string, pos: number): { app: string; procId: string; end: number } | null {
  let i = pos;
  const limit = Math.min(s.length, pos + 128);
  for (; i < limit; i++) {
    const c = s.charCodeAt(i);
    if (c <= SP || c === COLON || c === 91 || c === 93 || c === 61 || c === 34) break;
  }
  if (i === pos) return null;
  const app = s.slice(pos, i);
  const c = s.charCodeAt(i);
  if (c === COLON) {
    // "2001:db8::1" is a host, not a tag: a tag's colon ends the token.
    const after = s.charCodeAt(i + 1);
    if (i + 1 < s.length && after !== SP) return null;
    return { app, procId: "", end: i + 1 < s.length ? i + 2 : i + 1 };
  }
  if (c !== 91) return null;
  const close = s.indexOf("]", i + 1);
  if (close === -1 || close - i > 33) return null;
  const procId = s.slice(i + 1, close);
  if (procId.includes(" ")) return null;
  let end = close + 1;
  if (s.charCodeAt(end) === COLON) end++;
  if (end < s.length && s.charCodeAt(end) !== SP) return null;
  return { app, procId, end: end < s.length ? end + 1 : end };
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

function readInt(s: string, pos: number, min: number, max: number): { value: number; end: number } | null {
  let value = 0;
  let i = pos;
  while (i < pos + max && isDigit(s.charCodeAt(i))) {
    value = value * 10 + (s.charCodeAt(i) - 48);
    i++;
  }
  return i - pos < min ? null : { value, end: i };
}

function tokenEnd(s: string, pos: number): number {
  const i = s.indexOf(" ", pos);
  return i === -1 ? s.length : i;
}

function skipSpaces(s: string, pos: number): number {
  let i = pos;
  while (s.charCodeAt(i) === SP) i++;
  return i;
}

function nil(v: string): string {
  return v === "-" ? "" : v;
}

function stripBom(v: string): string {
  return v.charCodeAt(0) === 0xfeff ? v.slice(1) : v;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
