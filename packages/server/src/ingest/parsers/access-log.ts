/**
 * nginx / Apache access logs in the common and combined formats, with or without a leading vhost
 * (`%v` / `$host` first, Apache's vhost_combined): `[vhost] ip ident user [time] "request" status
 * bytes ["referer" "user-agent"]`. source_type comes from the program name (syslog/journal tag);
 * when nothing says which server wrote a combined line, it is "nginx" (the common case in front of
 * a WAF), and the line is still parsed the same way. Apache 2.2 setups that log `%v` after the time
 * (`ip - - [time] vhost "request" …`) are read too. The referer is kept as `metadata.referer` (filters
 * match it as `referer`) and, as before, in `reason`.
 */
import type { EventDraft, ParseContext, ParseResult, Parser } from "../event.js";
import {
  actionFromStatus,
  serverFromApp,
  severityFromStatus,
  splitRequestLine,
} from "./access-log-common.js";
import { normaliseIp, parseClfTime, toInt } from "./common.js";
import { readPrefix } from "./prefix.js";

const QUOTED = String.raw`"((?:[^"\\]|\\.)*)"`;
const TAIL_RE = new RegExp(
  String.raw`^\[([^\]]+)\] (?:([A-Za-z0-9][A-Za-z0-9.:_-]{0,252}) )?${QUOTED} (\d{3}|-) (\d+|-)(?: ${QUOTED} ${QUOTED})?`,
);

export const parseAccessLog: Parser = (line: string, ctx: ParseContext): ParseResult | null => {
  const p = readPrefix(line, ctx);
  const body = p.body;
  const open = body.indexOf(" [");
  // The client part is at most a few tokens: `vhost ip ident user`.
  if (open <= 0 || open > 400) return null;
  const tokens = body.slice(0, open).split(" ");
  if (tokens.length < 2 || tokens.length > 4) return null;
  const m = TAIL_RE.exec(body.slice(open + 1));
  if (!m) return null;
  const [, time, vhostAfterTime = "", request = "", statusText, , referer, agent] = m;

  let vhost = vhostAfterTime.replace(/:\d+$/, "");
  let client = tokens[0] ?? "";
  if (!normaliseIp(client) && tokens.length >= 3 && normaliseIp(tokens[1])) {
    vhost = client.replace(/:\d+$/, "");
    client = tokens[1] ?? "";
  }
  const user = tokens.length >= 3 ? (tokens[tokens.length - 1] ?? "-") : "-";
  const status = toInt(statusText);
  const req = splitRequestLine(unquote(request));
  const srcIp = normaliseIp(client);
  const event: EventDraft = {
    source_type: serverFromApp(p.appName) ?? "nginx",
    raw_log: line,
    timestamp: parseClfTime(time ?? "", ctx.timezone) ?? p.timestamp ?? ctx.receivedAt,
    log_type: "Web",
    category: "web",
    sub_category: "access",
    severity: severityFromStatus(status),
    action: actionFromStatus(status),
    src_ip: srcIp,
    hostname: vhost || p.hostname,
    user_name: user === "-" ? "" : user,
    http_method: req.method,
    url: req.url,
    http_status: status,
    user_agent: agent && agent !== "-" ? unquote(agent) : "",
    message: unquote(request),
    reason: referer && referer !== "-" ? `referer ${unquote(referer)}` : "",
  };
  if (referer && referer !== "-") event.metadata = { referer: unquote(referer) };
  if (!srcIp && client !== "-") event.reason = `remote host ${client}`;
  return { event };
};

/** nginx and Apache escape `"` and `\` inside quoted fields; undo just those two. */
function unquote(text: string): string {
  return text.includes("\\") ? text.replace(/\\(["\\])/g, "$1") : text;
}
