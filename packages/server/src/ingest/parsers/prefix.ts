/**
 * Lines read from files (or relayed by a second syslog hop) often still carry a syslog prefix:
 * `Jan 12 10:00:00 host sshd[123]: `, `2015-04-16T18:02:50+00:00 host sshd[1]: `, journal exports
 * `host sshd[1]: `, or a whole RFC 5424 header `<38>1 2019-07-08T17:40:16-04:00 host sshd 1 - - `.
 * `readPrefix` peels it off so each parser sees the program's own message, and keeps what it said
 * (time, host, program) as fallbacks. When the line came over syslog, `ctx.syslog` fills the gaps.
 */
import type { ParseContext } from "../event.js";
import { parseBsdTime, parseIsoTime } from "./common.js";
import { parseStructuredData } from "./rfc5424-sd.js";

export interface LinePrefix {
  /** The program's message, prefix removed (the whole line when there was none). */
  body: string;
  /** Time from the prefix, else from the syslog header; null when neither had one. */
  timestamp: number | null;
  hostname: string;
  appName: string;
  procId: string;
  /** Syslog severity 0-7 from a PRI, when one was seen. */
  severity: number | null;
  structuredData: Record<string, Record<string, string>>;
}

const BSD_TS = String.raw`(?:[A-Z][a-z]{2}\s+)?[A-Z][a-z]{2}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:\s+\d{4})?`;
const ISO_TS = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?`;
// PRI? TIME? HOST? TAG — the tag is `prog[pid]:`, `prog:` or `[prog]` (old sshd builds print that).
const PREFIX_RE = new RegExp(
  String.raw`^(?:<(\d{1,3})>)?(?:(${BSD_TS}|${ISO_TS})\s+)?(?:([^\s\[\]:]+)\s+)?(?:\[([\w./-]+)\]:?|([\w./-]+)(?:\[(\d+)\])?:)(?:\s+|$)`,
);
const RFC5424_RE = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) /;

export function readPrefix(line: string, ctx: ParseContext): LinePrefix {
  const sys = ctx.syslog;
  const base: LinePrefix = {
    body: line,
    timestamp: sys?.timestamp ?? null,
    hostname: sys?.hostname ?? "",
    appName: sys?.appName ?? "",
    procId: sys?.procId ?? "",
    severity: sys?.severity ?? null,
    structuredData: sys?.structuredData ?? {},
  };
  const first = line.charCodeAt(0);
  // Cheap exit: a prefix starts with `<`, a letter or a digit; JSON, CEF bodies and `[` dates do not.
  if (first === 123 /* { */) return base;

  const r = RFC5424_RE.exec(line);
  if (r) {
    const [whole, pri, ts, host, app, procId] = r;
    const sd = parseStructuredData(line.slice(whole.length));
    return {
      body: sd.rest,
      timestamp: (ts && ts !== "-" ? parseIsoTime(ts, ctx.timezone) : null) ?? base.timestamp,
      hostname: host && host !== "-" ? host : base.hostname,
      appName: app && app !== "-" ? app : base.appName,
      procId: procId && procId !== "-" ? procId : base.procId,
      severity: Number(pri) % 8,
      structuredData: sd.data,
    };
  }

  const m = PREFIX_RE.exec(line);
  if (!m) return base;
  const [whole, pri, ts, host, bracketTag, tag, pid] = m;
  // Without a time, a PRI or a pid, `word word: ` is too weak a signal: it is ordinary text.
  if (!ts && !pri && !pid) return base;
  let timestamp: number | null = null;
  if (ts) {
    timestamp = /^\d{4}-/.test(ts)
      ? parseIsoTime(ts, ctx.timezone)
      : parseBsdTime(ts, ctx.timezone, ctx.receivedAt);
  }
  return {
    body: line.slice(whole.length),
    timestamp: timestamp ?? base.timestamp,
    hostname: host ?? base.hostname,
    appName: bracketTag ?? tag ?? base.appName,
    procId: pid ?? base.procId,
    severity: pri ? Number(pri) % 8 : base.severity,
    structuredData: base.structuredData,
  };
}
