/**
 * Reads the syslog header of one frame: RFC 5424, RFC 3164 (BSD) in its many real-world shapes, and the
 * Sophos XGS style where the key=value message follows the PRI directly.
 *
 * Hand-written scanning (indexOf and char codes, no regular expressions) so a 1 MB line parses in linear time
 * and hostile input cannot cause backtracking. It never throws: a frame that is not syslog at all comes back
 * with empty metadata and the whole frame as the message.
 */

import type { SyslogMeta } from "../event.js";
import { isDigit, readBsdTime, readIsoTime, skipSpaces } from "./header-time.js";

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

function tokenEnd(s: string, pos: number): number {
  const i = s.indexOf(" ", pos);
  return i === -1 ? s.length : i;
}

function nil(v: string): string {
  return v === "-" ? "" : v;
}

function stripBom(v: string): string {
  return v.charCodeAt(0) === 0xfeff ? v.slice(1) : v;
}
