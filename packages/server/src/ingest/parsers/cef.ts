/**
 * ArcSight Common Event Format (source_type "cef"):
 *   CEF:Version|Vendor|Product|Version|SignatureID|Name|Severity|key=value key2=value with spaces …
 * Header fields escape `\|` and `\\`; extension values escape `\=`, `\\`, `\n`, `\r` and may hold
 * spaces, so a value runs until the next unescaped ` key=`. Whatever sits before `CEF:` (a syslog
 * prefix) only lends its time and host.
 */
import type { EventDraft, ParseContext, ParseResult, Parser, Severity } from "../event.js";
import {
  actionFromWord,
  normaliseIp,
  parseBsdTime,
  parseIsoTime,
  severityFromWord,
  toInt,
} from "./common.js";

/** Splits the 7 header fields; returns them and the extension text, or null when not CEF. */
export function splitCefHeader(text: string): { header: string[]; extension: string } | null {
  const header: string[] = [];
  let cur = "";
  let i = 0;
  while (i < text.length && header.length < 7) {
    const ch = text[i] as string;
    if (ch === "\\" && (text[i + 1] === "|" || text[i + 1] === "\\")) {
      cur += text[i + 1];
      i += 2;
    } else if (ch === "|") {
      header.push(cur);
      cur = "";
      i++;
    } else {
      cur += ch;
      i++;
    }
  }
  if (header.length < 7) return null;
  return { header, extension: text.slice(i) };
}

const KEY_RE = /(?:^|\s)([A-Za-z0-9_.[\]-]+)=/g;

/** `a=1 msg=hello world b=x\=y` → { a: "1", msg: "hello world", b: "x=y" }. */
export function parseCefExtension(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const keys: { key: string; start: number; valueStart: number }[] = [];
  for (const m of text.matchAll(KEY_RE)) {
    keys.push({ key: m[1] ?? "", start: m.index, valueStart: m.index + m[0].length });
  }
  keys.forEach((k, n) => {
    const end = n + 1 < keys.length ? (keys[n + 1]?.start ?? text.length) : text.length;
    out[k.key] = unescapeValue(text.slice(k.valueStart, end).trimEnd());
  });
  return out;
}

function unescapeValue(v: string): string {
  if (!v.includes("\\")) return v;
  return v.replace(/\\([\\=nr|])/g, (_, c: string) => (c === "n" ? "\n" : c === "r" ? "\r" : c));
}

/** 0 info, 1-3 low, 4-6 medium, 7-8 high, 9-10 critical; words (Low, Very-High…) accepted too. */
export function cefSeverity(value: string): Severity {
  const n = Number(value);
  if (value.trim() !== "" && Number.isFinite(n)) {
    if (n >= 9) return "critical";
    if (n >= 7) return "high";
    if (n >= 4) return "medium";
    if (n >= 1) return "low";
    return "info";
  }
  return severityFromWord(value) ?? "info";
}

/** `rt`: epoch ms, ISO 8601, or `MMM dd yyyy HH:mm:ss[.SSS]` (optionally with a zone we ignore). */
function cefTime(rt: string, ctx: ParseContext): number | null {
  if (/^\d{12,13}$/.test(rt)) return Number(rt);
  const iso = parseIsoTime(rt, ctx.timezone);
  if (iso !== null) return iso;
  const m = /^([A-Z][a-z]{2}) (\d{1,2}) (\d{4}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)/.exec(rt);
  return m ? parseBsdTime(`${m[1]} ${m[2]} ${m[4]} ${m[3]}`, ctx.timezone, ctx.receivedAt) : null;
}

/** Time and host from a syslog-style prefix before `CEF:` (`<134>Jan 12 10:00:00 fw01 `). */
function prefixInfo(prefix: string, ctx: ParseContext): { timestamp: number | null; hostname: string } {
  const fallback = { timestamp: ctx.syslog?.timestamp ?? null, hostname: ctx.syslog?.hostname ?? "" };
  const bsd = /^(?:<\d{1,3}>)?([A-Z][a-z]{2}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2})\s+(?:([^\s:]+):?\s+)?$/.exec(
    prefix,
  );
  if (bsd) {
    const ts = parseBsdTime(bsd[1] ?? "", ctx.timezone, ctx.receivedAt);
    return { timestamp: ts ?? fallback.timestamp, hostname: bsd[2] ?? fallback.hostname };
  }
  const iso = /^(?:<\d{1,3}>)?(?:1 )?(\d{4}-\d{2}-\d{2}T\S+)\s+(?:([^\s:]+):?\s+)?/.exec(prefix);
  if (iso) {
    const ts = parseIsoTime(iso[1] ?? "", ctx.timezone);
    return { timestamp: ts ?? fallback.timestamp, hostname: iso[2] ?? fallback.hostname };
  }
  return fallback;
}

export const parseCef: Parser = (line: string, ctx: ParseContext): ParseResult | null => {
  const at = line.indexOf("CEF:");
  if (at < 0 || !/^CEF:\d+\|/.test(line.slice(at, at + 8))) return null;
  const split = splitCefHeader(line.slice(at));
  if (!split) return null;
  const [, vendor = "", product = "", , signature = "", name = "", severity = ""] = split.header;
  const x = parseCefExtension(split.extension);
  const p = prefixInfo(line.slice(0, at), ctx);

  // cs1..cs6 carry vendor data whose meaning is in csNLabel; keep them readable in `reason`.
  const custom: string[] = [];
  for (let n = 1; n <= 6; n++) {
    const v = x[`cs${n}`];
    if (v !== undefined) custom.push(`${x[`cs${n}Label`] ?? `cs${n}`}=${v}`);
  }
  const label = (re: RegExp) => {
    for (let n = 1; n <= 6; n++) if (re.test(x[`cs${n}Label`] ?? "")) return x[`cs${n}`] ?? "";
    return "";
  };
  const event: EventDraft = {
    source_type: "cef",
    raw_log: line,
    timestamp: (x.rt ? cefTime(x.rt, ctx) : null) ?? p.timestamp ?? ctx.receivedAt,
    log_type: product || vendor,
    category: x.cat ?? "",
    sub_category: x.outcome ?? "",
    severity: cefSeverity(severity),
    src_ip: normaliseIp(x.src ?? x.c6a2),
    dst_ip: normaliseIp(x.dst ?? x.c6a3),
    src_port: toInt(x.spt),
    dst_port: toInt(x.dpt),
    protocol: (x.proto ?? x.app ?? "").toUpperCase(),
    action: actionFromWord(x.act ?? ""),
    rule_id: signature,
    rule_name: label(/^rule/i) || name,
    hostname: x.dhost ?? x.dvchost ?? p.hostname,
    user_name: x.suser ?? x.duser ?? "",
    url: x.request ?? "",
    http_method: x.requestMethod ?? "",
    http_status: toInt(label(/status|response.?code/i)),
    user_agent: x.requestClientApplication ?? "",
    message: x.msg ?? name,
    reason: [x.reason, x.shost ? `shost=${x.shost}` : "", ...custom].filter(Boolean).join("; "),
    device_serial: x.deviceExternalId ?? "",
  };
  return { event };
};
