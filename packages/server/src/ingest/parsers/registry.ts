/**
 * The parser registry: one entry point, `parseLine`, that picks the parser for a line and always
 * returns something. Cheap checks choose the candidates (a substring test, the first character,
 * the syslog program name) so most lines meet one or two parsers, not all of them. A line no parser
 * recognises is kept as a "unknown" event with its raw text; a parser that throws does not lose
 * the line either — it becomes "unknown" with `parse_error` naming the parser and the error.
 */
import type { EventDraft, ParseContext, ParseResult, Parser } from "../event.js";
import { parseAccessLog } from "./access-log.js";
import { parseWebErrorLog } from "./access-log-errors.js";
import { parseCef } from "./cef.js";
import { severityFromSyslog } from "./common.js";
import { parseJson } from "./json.js";
import { parseModSecurity } from "./modsecurity.js";
import { parseModSecurityAudit } from "./modsecurity-audit.js";
import { readPrefix } from "./prefix.js";
import { parseRfc5424 } from "./rfc5424.js";
import { looksLikeSophos, parseSophos } from "./sophos.js";
import { parseSshd } from "./sshd.js";

type Named = readonly [name: string, parser: Parser];

const SOPHOS: Named = ["sophos", parseSophos];
const AUDIT: Named = ["modsecurity-audit", parseModSecurityAudit];
const JSON_: Named = ["json", parseJson];
const CEF: Named = ["cef", parseCef];
const MODSEC: Named = ["modsecurity", parseModSecurity];
const SSHD: Named = ["sshd", parseSshd];
const ACCESS: Named = ["access-log", parseAccessLog];
const WEB_ERROR: Named = ["web-error-log", parseWebErrorLog];
const RFC5424: Named = ["rfc5424", parseRfc5424];

const CRI_JSON_RE = /^\S+ (?:stdout|stderr) [FP] \{/;
const SSHD_APP_RE = /^sshd(?:-session|-auth)?$/;

/** The parsers worth trying for this line, most specific first. */
function candidates(line: string, ctx: ParseContext): Named[] {
  const list: Named[] = [];
  if (looksLikeSophos(line)) list.push(SOPHOS);
  if (line.charCodeAt(0) === 123 /* { */) {
    if (line.includes('"transaction"')) list.push(AUDIT);
    list.push(JSON_);
    return list;
  }
  if (CRI_JSON_RE.test(line)) list.push(JSON_);
  if (line.includes("CEF:")) list.push(CEF);
  if (line.includes("ModSecurity: ")) list.push(MODSEC);
  else if (line.includes('{"transaction"')) list.push(AUDIT);
  const app = ctx.syslog?.appName ?? "";
  if (SSHD_APP_RE.test(app)) {
    list.push(SSHD);
    return list;
  }
  if (line.includes('] "')) list.push(ACCESS);
  if (line.includes("] ") || line.includes(", client: ")) list.push(WEB_ERROR);
  list.push(SSHD);
  const sd = ctx.syslog?.structuredData;
  if ((sd && Object.keys(sd).length > 0) || line.startsWith("<")) list.push(RFC5424);
  return list;
}

export function parseLine(line: string, ctx: ParseContext): ParseResult {
  for (const [name, parser] of candidates(line, ctx)) {
    let result: ParseResult | null;
    try {
      result = parser(line, ctx);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return { event: unknownEvent(line, ctx, `${name} parser failed: ${why}`) };
    }
    if (result && (result.event || result.modsec?.length)) return keepRaw(result, line);
  }
  return { event: unknownEvent(line, ctx, "") };
}

/** Every row carries the exact line it came from, whatever the parser set. */
function keepRaw(result: ParseResult, line: string): ParseResult {
  if (result.event) result.event.raw_log = line;
  for (const row of result.modsec ?? []) row.raw_log = line;
  return result;
}

/** A line nobody could read: kept whole, timed by the syslog header or its arrival. */
export function unknownEvent(line: string, ctx: ParseContext, parseError: string): EventDraft {
  let hostname = ctx.syslog?.hostname ?? "";
  let timestamp = ctx.syslog?.timestamp ?? ctx.receivedAt;
  let level = ctx.syslog?.severity ?? null;
  try {
    // A file line may still hold its own syslog prefix: use its time, host and PRI when present.
    const p = readPrefix(line, ctx);
    hostname = p.hostname;
    timestamp = p.timestamp ?? timestamp;
    level = p.severity;
  } catch {
    // keep the header's values
  }
  return {
    source_type: "unknown",
    raw_log: line,
    message: line,
    timestamp,
    hostname,
    severity: severityFromSyslog(level) ?? "info",
    parse_error: parseError,
  };
}
