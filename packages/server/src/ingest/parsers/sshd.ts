/**
 * OpenSSH sshd (source_type "sshd", log_type "SSH"): authentication failures, successes and the
 * pre-authentication probes scanners leave behind. One line → one event. What counts as an attack
 * follows fail2ban's most complete sshd mode ("aggressive" = normal + ddos + extra): failed and
 * refused logins, and pre-auth probes (no identification string, failed key exchange, a close or
 * reset before authentication), all with sub_category "failure" — probes say so in `reason`.
 * Never counted: successful logins, a refused public key of a valid user (clients offer several
 * keys, gh-1263), a PAM failure line (sshd logs the same attempt itself) and benign lines.
 *
 * Lines whose address sshd only printed on an earlier line of the same connection
 * (`Disconnecting: Too many authentication failures [preauth]`, `kex_exchange_identification: …`)
 * keep src_ip "" from `parseSshd`; `createSshdCorrelator` below attributes them per connection.
 *
 * sshd puts attacker-chosen text (the user name, the auth info) before and after ` from IP`, so
 * the patterns anchor on the address sshd itself wrote: the first ` from IP port N sshN` that
 * ends the line or is followed by `:` (where sshd's own auth info starts).
 */
import type { EventAction, EventDraft, ParseContext, ParseResult, Parser, Severity } from "../event.js";
import { normaliseIp, toInt } from "./common.js";
import { readPrefix } from "./prefix.js";

/** `attempt`: an auth step that is not yet a failure (a refused key, a PAM line, a failure whose address is unknown). */
type Sub = "failure" | "success" | "probe" | "attempt" | "session" | "info";

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
    /^Failed (\S+) for (.*?) ?\bfrom (\S+)(?: port (\d+))?(?: ssh\d?)?(?=:|$)/,
    (m) => {
      const hit = failure(m[2], m[3], m[4]);
      // A valid user's client tries its keys one by one: a refused key is not yet a failure.
      return m[1] === "publickey" && !/^(?:invalid|illegal) user\b/.test(m[2] ?? "")
        ? { ...hit, sub: "attempt" }
        : hit;
    },
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
    // sshd logs the same attempt itself ("Failed password …"): counting this line too would count it twice.
    /^pam_unix\(sshd:auth\): authentication failure;(?:.*?\bruser=(\S*))?.*?\brhost=(\S*)(?:\s+user=(\S+))?/,
    (m) => ({ sub: "attempt", ip: m[2], user: m[3] || m[1] || "", severity: "low" }),
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
        : m[4]?.includes("[preauth]")
          ? probe(m[1], m[2])
          : { sub: "session", ip: m[1], port: m[2] },
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
  attempt: "low",
  session: "info",
  info: "info",
};
const ACTION: Record<Sub, EventAction> = {
  failure: "reject",
  success: "allow",
  probe: "reject",
  attempt: "",
  session: "",
  info: "",
};
// Some relays add `kernel:[ 970.69]: `; Solaris adds `[ID 800047 auth.info] `; sshd adds `error: ` / `fatal: ` before many messages.
const NOISE_RE = /^(?:kernel: ?\[\s*[\d.]+\]:? )?(?:\[ID \d+ [\w.]+\] )?(?:(?:error|fatal): )?/;

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
    // A pre-auth probe is counted with the failures (fail2ban's ddos/aggressive modes do the same).
    sub_category: h.sub === "probe" ? "failure" : h.sub,
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
    reason: h.ip && !srcIp ? `remote host ${h.ip}` : h.sub === "probe" ? "pre-auth probe" : "",
  };
  return { event };
};

/**
 * What one line cannot know, the connection can: sshd's pid ties a connection's lines together.
 * The correlator is the caller's (one per stream of lines, nothing module-level) and takes the
 * events `parseLine` made, in order, keyed by host + sshd pid. It mirrors fail2ban's multi-line
 * rules so a connection is counted once per attack, not once per line:
 * - a failure without an address (`Disconnecting: Too many authentication failures`,
 *   `kex_exchange_identification: …`) takes the address an earlier line gave; when none did, it
 *   waits, and the next line of the connection that names the address is counted instead;
 * - `Too many authentication failures` after a counted failure only sums it up: not counted again;
 * - PAM failures count from the second user tried (a first PAM failure is often the first of two
 *   auth methods, gh-2070); a success after PAM failures for other users is flagged in `reason`
 *   and raised to high severity, but stays a success: Vigil never counts a login as a failure.
 */
export interface SshdCorrelator {
  (event: EventDraft, ctx: ParseContext): EventDraft;
  /** Connections currently tracked. */
  readonly size: number;
}

interface Connection {
  ip: string;
  counted: boolean;
  awaitingIp: boolean;
  pamUsers: Set<string>;
}

const NEW_CONNECTION_RE = /^Connection from \S+/;
const SUMMARY_RE = /Too many authentication failures/;
const PAM_RE = /^pam_unix\(sshd:auth\): authentication failure;/;

export function createSshdCorrelator(maxConnections = 10_000): SshdCorrelator {
  const conns = new Map<string, Connection>();
  const correlate = (event: EventDraft, ctx: ParseContext): EventDraft => {
    if (event.source_type !== "sshd") return event;
    const p = readPrefix(event.raw_log, ctx);
    if (!p.procId) return event;
    const key = `${p.hostname}\u0000${p.procId}`;
    const msg = p.body.replace(NOISE_RE, "");
    let c = conns.get(key);
    if (!c || NEW_CONNECTION_RE.test(msg)) {
      c = { ip: "", counted: false, awaitingIp: false, pamUsers: new Set() };
      if (conns.size >= maxConnections) {
        // Oldest first: Map keeps insertion order, and sshd pids are reused only after a while.
        const oldest = conns.keys().next().value;
        if (oldest !== undefined) conns.delete(oldest);
      }
    }
    conns.delete(key);
    conns.set(key, c);
    const ip = event.src_ip ?? "";
    let out = event;
    if (event.sub_category === "failure") {
      if (c.counted && SUMMARY_RE.test(msg)) out = demote(event, "sums up failures already counted");
      else if (!ip && c.ip) out = { ...event, src_ip: c.ip };
      else if (!ip && event.reason?.startsWith("remote host ")) {
        // sshd named the peer by DNS (UseDNS): the line has its source, only not as an address.
      } else if (!ip) {
        c.awaitingIp = true;
        out = demote(event, "address not known yet: counted on the connection's line that names it");
      } else c.awaitingIp = false;
    } else if (ip && c.awaitingIp) {
      c.awaitingIp = false;
      out = { ...event, sub_category: "failure", action: "reject", reason: "closes a failed connection" };
    } else if (PAM_RE.test(msg)) {
      const user = event.user_name ?? "";
      if (c.pamUsers.size > 0 && !c.pamUsers.has(user)) {
        out = { ...event, sub_category: "failure", action: "reject", reason: "PAM failure for another user" };
      }
      c.pamUsers.add(user);
    } else if (event.sub_category === "success") {
      const others = [...c.pamUsers].filter((u) => u !== event.user_name);
      if (others.length > 0) {
        out = {
          ...event,
          severity: "high",
          reason: `success after failed PAM logins for ${others.join(", ")}`,
        };
      }
      c.pamUsers.clear();
    }
    if (ip && !c.ip) c.ip = ip;
    if (out.sub_category === "failure") c.counted = true;
    return out;
  };
  Object.defineProperty(correlate, "size", { get: () => conns.size });
  return correlate as SshdCorrelator;
}

function demote(event: EventDraft, why: string): EventDraft {
  return { ...event, sub_category: "attempt", action: "", reason: why };
}
