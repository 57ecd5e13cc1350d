/**
 * nginx and Apache error-log lines that are not ModSecurity's: failed basic auth, limit_req,
 * missing scripts, denied paths, TLS handshake garbage. They become "Web" events with the client
 * address the server recorded.
 *
 *   nginx:  2012/04/09 11:53:29 [error] 2865#0: *66647 <message>, client: 1.2.3.4, server: x, request: "GET / HTTP/1.1", host: "x"
 *   Apache: [Sat Jul 20 21:34:49.453232 2013] [auth_basic:error] [pid 1:tid 2] [client 1.2.3.4:51380] AH01618: <message>
 *
 * The message may repeat attacker text (user names, URIs) that imitates these fields, so nginx's
 * trailer is read from its last `, client: ` and Apache's client from its own bracket only.
 */
import type { EventAction, EventDraft, ParseContext, ParseResult, Parser, Severity } from "../event.js";
import { serverFromApp, splitRequestLine } from "./access-log-common.js";
import { parseBsdTime, parseSlashTime, splitHostPort } from "./common.js";
import { readPrefix } from "./prefix.js";

const NGINX_RE = /(\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}) \[(\w+)\] \d+#\d+: (?:\*\d+ )?(.*)$/;
const APACHE_RE =
  /^(?:\[((?:\w{3} )?\w{3} +\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d+)? \d{4})\] )?\[(?:([\w-]*):)?(\w+)\](?: \[pid \d+(?::tid \d+)?\])?(?: \[(?:client|remote) (\[[^\]]+\](?::\d+)?|[^\]]+)\])? (?:AH\d{5}: )?(.*)$/;

interface Kind {
  sub: string;
  action: EventAction;
  severity?: Severity;
}

const KINDS: [RegExp, Kind][] = [
  [
    /password mismatch|was not found in "|not authenticated|authentication failure|user .* not found|Authorization of user|authorization failure|wrong authentication scheme|invalid nonce|realm mismatch|unknown algorithm|invalid qop/i,
    { sub: "auth-failure", action: "reject", severity: "low" },
  ],
  [/limiting requests|limiting connections/, { sub: "rate-limit", action: "reject", severity: "low" }],
  [/delaying request/, { sub: "rate-limit", action: "", severity: "info" }],
  [
    /client denied by server configuration|access forbidden by rule/,
    { sub: "access-denied", action: "reject" },
  ],
  [
    /script .*not found|File does not exist|is not found|No such file or directory/,
    { sub: "not-found", action: "" },
  ],
  [/SSL_do_handshake\(\) failed|SSL routines/, { sub: "tls-error", action: "" }],
  [/Invalid URI|URI too long|request failed/i, { sub: "bad-request", action: "reject", severity: "low" }],
];

function levelSeverity(level: string): Severity {
  switch (level.toLowerCase()) {
    case "emerg":
    case "alert":
    case "crit":
      return "high";
    case "error":
    case "warn":
      return "low";
    default:
      return "info";
  }
}

function classify(message: string, level: string): Kind & { severity: Severity } {
  for (const [re, kind] of KINDS) {
    if (re.test(message)) return { ...kind, severity: kind.severity ?? levelSeverity(level) };
  }
  return { sub: "error", action: "", severity: levelSeverity(level) };
}

export const parseWebErrorLog: Parser = (line: string, ctx: ParseContext): ParseResult | null => {
  const p = readPrefix(line, ctx);
  return parseNginxError(line, p.body, p, ctx) ?? parseApacheError(line, p.body, p, ctx);
};

type Prefix = ReturnType<typeof readPrefix>;

function parseNginxError(line: string, body: string, p: Prefix, ctx: ParseContext): ParseResult | null {
  const m = NGINX_RE.exec(body);
  if (!m) return null;
  const [, time = "", level = "", rest = ""] = m;
  const cut = rest.lastIndexOf(", client: ");
  const message = cut >= 0 ? rest.slice(0, cut) : rest;
  const trailer = cut >= 0 ? rest.slice(cut + 2) : "";
  const client = /^client: ([^,]+)/.exec(trailer)?.[1] ?? "";
  const request = /, request: "((?:[^"\\]|\\.)*)"/.exec(trailer)?.[1] ?? "";
  const host = /, host: "([^"]*)"/.exec(trailer)?.[1] ?? /, server: ([^,]+)/.exec(trailer)?.[1] ?? "";
  const kind = classify(message, level);
  const req = splitRequestLine(request);
  const event: EventDraft = {
    source_type: serverFromApp(p.appName) ?? "nginx",
    raw_log: line,
    timestamp: parseSlashTime(time, ctx.timezone) ?? p.timestamp ?? ctx.receivedAt,
    log_type: "Web",
    category: "web",
    sub_category: kind.sub,
    severity: kind.severity,
    action: kind.action,
    src_ip: splitHostPort(client).ip,
    hostname: host.replace(/:\d+$/, "") || p.hostname,
    user_name: /^user "([^"]*)"/.exec(message)?.[1] ?? "",
    http_method: req.method,
    url: req.url,
    message,
    reason: level,
  };
  return { event };
}

function parseApacheError(line: string, body: string, p: Prefix, ctx: ParseContext): ParseResult | null {
  const m = APACHE_RE.exec(body);
  if (!m) return null;
  const [, time, , level = "", client, rest = ""] = m;
  // `[error]` alone is too common a word to claim a line: require Apache's time or client bracket.
  if (!time && !client && !serverFromApp(p.appName)) return null;
  const message = rest.replace(/, referer: \S*$/, "");
  const kind = classify(message, level);
  const peer = splitHostPort(client ?? "");
  const event: EventDraft = {
    source_type: serverFromApp(p.appName) ?? "apache",
    raw_log: line,
    timestamp:
      (time ? parseBsdTime(time, ctx.timezone, ctx.receivedAt) : null) ?? p.timestamp ?? ctx.receivedAt,
    log_type: "Web",
    category: "web",
    sub_category: kind.sub,
    severity: kind.severity,
    action: kind.action,
    src_ip: peer.ip,
    src_port: peer.port,
    hostname: p.hostname,
    user_name: /^(?:Digest: )?user [`']?([^\s:`']*)/.exec(message)?.[1] ?? "",
    url: /: (\/\S*)$/.exec(message)?.[1] ?? "",
    message,
    reason: level,
  };
  return { event };
}
