/**
 * OpenSSH sshd (source_type "sshd", log_type "SSH"): authentication failures, successes and the
 * pre-authentication probes scanners leave behind. One line → one event; nothing is correlated
 * across lines here (the detection engine groups by src_ip), so lines whose address sshd only
 * printed on an earlier line (`Disconnecting: Too many authentication failures [preauth]`) keep
 * src_ip "".
 *
 * sshd puts attacker-chosen text (the user name, the auth info) before and after ` from IP`, so
 * the patterns anchor on the address sshd itself wrote: the first ` from IP port N sshN` that
 * ends the line or is followed by `:` (where sshd's own auth info starts).
 */
import type { EventAction, EventDraft, ParseContext, ParseResult, Parser, Severity } from "../event.js";
import { normaliseIp, toInt } from "./common.js";
import { readPrefix } from "./prefix.js";

type Sub = "failure" | "success" | "probe" | "session" | "info";

interface Hit {
  sub: Sub;
  ip?: string | undefined;
  port?: string | undefined;
  user?: string | undefined;
  severity?: Severity;
  action?: EventAction;
  dstIp?: string | undefined;
  dstPort?: string | undefined;
}

type Rule = [RegExp, (m: RegExpExecArray) => Hit];

/** Strips sshd's "invalid user " / "illegal user " marker; returns the name and whether it was invalid. */
function userOf(raw: string | undefined): { user: string; invalid: boolean } {
  const s = (raw ?? "").trim();
  const m = /^(?:invalid|illegal) user ?(.*)$/.exec(s);
  return m ? { user: m[1] ?? "", invalid: true } : { user: s, invalid: false };
}

function failure(user: string | undefined, ip: string | undefined, port?: string, severity?: Severity): Hit {
  const u = userOf(user);
  return { sub: "failure", ip, port, user: u.user, severity: severity ?? (u.invalid ? "medium" : "low") };
}

const probe = (ip?: string, port?: string): Hit => ({ sub: "probe", ip, port });

const RULES: Rule[] = [
  [
    /^Accepted (\S+) for (.*?) from (\S+) port (\d+)/,
    (m) => ({ sub: "success", user: m[2], ip: m[3], port: m[4], action: "allow", severity: "info" }),
  ],
  [
    /^Failed \S+ for (.*?) ?\bfrom (\S+)(?: port (\d+))?(?: ssh\d?)?(?=:|$)/,
    (m) => failure(m[1], m[2], m[3]),
  ],
  [/^Invalid user (.*) from (\S+?)(?: port (\d+))?\s*$/, (m) => failure(`invalid user ${m[1]}`, m[2], m[3])],
  [/^User (\S+) from (\S+) not allowed because/, (m) => failure(m[1], m[2], undefined, "medium")],
  [/^ROOT LOGIN REFUSED FROM (\S+)(?: port (\d+))?/, (m) => failure("root", m[1], m[2], "medium")],
  [/^refused connect from \S+ \((\S+)\)/, (m) => failure("", m[1], undefined, "medium")],
  [
    /^maximum authentication attempts exceeded for (.*) from (\S+) port (\d+)/,
    (m) => failure(m[1], m[2], m[3], "medium"),
  ],
  [/^PAM: .*? for (.*?) from (\S+?)(?: via \S+)?\s*$/, (m) => failure(m[1], m[2])],
  [
    /^pam_unix\(sshd:auth\): authentication failure;.*?\brhost=(\S*)(?:\s+user=(\S+))?/,
    (m) => failure(m[2], m[1]),
  ],
  [
    /^Disconnecting (?:invalid|authenticating) user (.*) (\S+) port (\d+): (.*)/,
    (m) => failure(`invalid user ${m[1]}`, m[2], m[3], "medium"),
  ],
  [/^Disconnecting: Too many authentication failures(?: for (\S+))?/, (m) => failure(m[1], "", "", "medium")],
  [
    /^Received disconnect from (\S+?)(?: port (\d+))?:\s*(\d+): (.*)$/,
    (m) =>
      /auth|No (?:supported )?authentication/i.test(m[4] ?? "")
        ? failure("", m[1], m[2])
        : { sub: m[4]?.includes("[preauth]") ? "probe" : "session", ip: m[1], port: m[2] },
  ],
  [
    /^Connection (?:closed|reset) by (authenticating|invalid) user (.*) (\S+) port (\d+)/,
    (m) => failure(m[1] === "invalid" ? `invalid user ${m[2]}` : m[2], m[3], m[4]),
  ],
  [
    /^Disconnected from (authenticating|invalid) user (.*) (\S+) port (\d+)/,
    (m) => failure(m[1] === "invalid" ? `invalid user ${m[2]}` : m[2], m[3], m[4]),
  ],
  [
    /^Disconnected from user (.*) (\S+) port (\d+)/,
    (m) => ({ sub: "session", user: m[1], ip: m[2], port: m[3] }),
  ],
  [
    /^(?:Connection (?:closed|reset) by|Disconnected from) (\S+)(?: port (\d+))?(.*)$/,
    (m) => (m[3]?.includes("[preauth]") ? probe(m[1], m[2]) : { sub: "session", ip: m[1], port: m[2] }),
  ],
  [/^Did not receive identification string from (\S+)(?: port (\d+))?/, (m) => probe(m[1], m[2])],
  [/^Bad protocol version identification .* from (\S+?)(?: port (\d+))?\s*$/, (m) => probe(m[1], m[2])],
  [/^(?:banner exchange|ssh_dispatch_run_fatal): Connection from (\S+) port (\d+)/, (m) => probe(m[1], m[2])],
  [/^Unable to negotiate with (\S+) port (\d+)/, (m) => probe(m[1], m[2])],
  [
    /^Timeout before authentication for (?:connection from )?(\S+?)(?: port (\d+))?(?: to |,|$)/,
    (m) => probe(m[1], m[2]),
  ],
  [/^(?:kex_exchange_identification|Read from socket failed|Unable to negotiate|no matching)/, () => probe()],
  [
    /^Connection from (\S+)(?: port (\d+))?(?: on (\S+) port (\d+))?/,
    (m) => ({ sub: "info", ip: m[1], port: m[2], dstIp: m[3], dstPort: m[4] }),
  ],
  [
    /^Postponed \S+ for (.*?) from (\S+) port (\d+)/,
    (m) => ({ sub: "info", user: m[1], ip: m[2], port: m[3] }),
  ],
  [/^pam_unix\(sshd:session\): session \w+ for user (\S+)/, (m) => ({ sub: "session", user: m[1] })],
  [/^SSH: Server;Ltype: \w+;Remote: (\S+?)-(\d+);/, (m) => ({ sub: "info", ip: m[1], port: m[2] })],
  [
    /^Address (\S+) maps to \S+, but this does not map back/,
    (m) => ({ sub: "info", ip: m[1], severity: "low" }),
  ],
];

const SEVERITY: Record<Sub, Severity> = {
  failure: "low",
  success: "info",
  probe: "low",
  session: "info",
  info: "info",
};
const ACTION: Record<Sub, EventAction> = {
  failure: "reject",
  success: "allow",
  probe: "reject",
  session: "",
  info: "",
};
// Some relays add `kernel:[ 970.69]: `; Solaris adds `[ID 800047 auth.info] `; sshd adds `error: ` / `fatal: ` before many messages.
const NOISE_RE = /^(?:kernel:\[\s*[\d.]+\]: )?(?:\[ID \d+ [\w.]+\] )?(?:(?:error|fatal): )?/;

export const parseSshd: Parser = (line: string, ctx: ParseContext): ParseResult | null => {
  const p = readPrefix(line, ctx);
  const isSshdApp = /^sshd(?:-session|-auth)?$/.test(p.appName);
  if (p.appName && !isSshdApp) return null;
  const msg = p.body.replace(NOISE_RE, "");
  let hit: Hit | null = null;
  for (const [re, build] of RULES) {
    const m = re.exec(msg);
    if (m) {
      hit = build(m);
      break;
    }
  }
  if (!hit && !isSshdApp) return null;
  const h: Hit = hit ?? { sub: "info" };
  const srcIp = normaliseIp(h.ip);
  const event: EventDraft = {
    source_type: "sshd",
    raw_log: line,
    timestamp: p.timestamp ?? ctx.receivedAt,
    log_type: "SSH",
    category: "authentication",
    sub_category: h.sub,
    severity: h.severity ?? SEVERITY[h.sub],
    action: h.action ?? ACTION[h.sub],
    src_ip: srcIp,
    src_port: toInt(h.port),
    dst_ip: normaliseIp(h.dstIp),
    dst_port: toInt(h.dstPort),
    protocol: "TCP",
    hostname: p.hostname,
    user_name: (h.user ?? "").trim(),
    message: p.body,
    // sshd with UseDNS prints a name instead of an address: keep it for the analyst.
    reason: h.ip && !srcIp ? `remote host ${h.ip}` : "",
  };
  return { event };
};
