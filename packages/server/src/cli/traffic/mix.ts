import { ATTACKERS, randomInternalIp, randomPublicIp, SITES, type Site, USERS } from "./actors.js";
import { createRng, type Rng } from "./random.js";
import { type SophosKind, sophosLine } from "./sophos.js";
import { BAD_USERS, type SshKind, sshdMessage } from "./sshd.js";
import { FACILITY, pri, rfc3164, rfc5424, SEVERITY } from "./syslog-header.js";
import { attackUserAgent, modsecBlockedRequest, nginxAccessLine } from "./web.js";

/**
 * The demo's traffic mix: mostly ordinary firewall, web and VPN activity from many countries, with
 * three noisy attackers (ssh brute force, port scan, WAF SQL-injection campaign) that detection should
 * catch. Pure and seeded: `next()` returns syslog frames, nothing is sent from here.
 */
export type TrafficKind =
  | SophosKind
  | "port-scan"
  | "waf-sqli"
  | "modsec-block"
  | "nginx"
  | "ssh-bruteforce"
  | "ssh-fail"
  | "ssh-accept";

export interface TrafficItem {
  kind: TrafficKind;
  site: string;
  /** Syslog frames (a ModSecurity block is several lines sharing one unique_id). */
  lines: string[];
}

export interface TrafficOptions {
  seed?: number;
  /** Clock for the header times; defaults to Date.now. */
  now?: () => number;
  /** Only kinds that make exactly one line = one event (the load generator counts events). */
  singleLine?: boolean;
}

const WEIGHTS: readonly (readonly [TrafficKind, number])[] = [
  ["fw-allow", 30],
  ["fw-drop", 10],
  ["port-scan", 6],
  ["ips", 4],
  ["atp", 1],
  ["av", 1],
  ["waf", 12],
  ["waf-sqli", 3],
  ["modsec-block", 2],
  ["vpn-ok", 2],
  ["vpn-fail", 2],
  ["heartbeat", 5],
  ["nginx", 12],
  ["ssh-bruteforce", 5],
  ["ssh-fail", 2],
  ["ssh-accept", 1],
];

export function createTrafficMix(opts: TrafficOptions = {}) {
  const rng = createRng(opts.seed ?? 1);
  const now = opts.now ?? Date.now;
  const weights = opts.singleLine ? WEIGHTS.filter(([k]) => k !== "modsec-block") : WEIGHTS;
  let scanPort = 1;
  let requestSeq = 0;

  /** One item; `marker` (load generator) is woven into the line so a checker can find each event. */
  function next(marker?: string): TrafficItem {
    const kind = rng.weighted(weights);
    const site = rng.pick(SITES);
    const at = now();
    return { kind, site: site.site, lines: linesFor(kind, site, at, marker) };
  }

  function linesFor(kind: TrafficKind, site: Site, at: number, marker?: string): string[] {
    const extra: [string, string][] | undefined = marker ? [["vigil_marker", marker]] : undefined;
    switch (kind) {
      case "fw-allow":
      case "ips":
      case "av":
      case "atp":
      case "heartbeat":
        return [
          sophosLine(kind, rng, {
            site,
            at,
            srcIp: randomInternalIp(rng),
            dstIp: randomPublicIp(rng),
            extra,
          }),
        ];
      case "fw-drop":
      case "waf":
      case "vpn-ok":
      case "vpn-fail":
        return [sophosLine(kind, rng, { site, at, srcIp: randomPublicIp(rng), dstIp: site.publicIp, extra })];
      case "port-scan": {
        // Sequential sweep of the site's WAN address, dropped by the firewall.
        scanPort = (scanPort % 1024) + 1;
        const line = sophosLine("fw-drop", rng, {
          site,
          at,
          srcIp: ATTACKERS.portScanner,
          dstIp: site.publicIp,
          extra,
        });
        return [line.replace(/dst_port=\d+/, `dst_port=${scanPort}`)];
      }
      case "waf-sqli":
        return [
          sophosLine("waf", rng, {
            site,
            at,
            srcIp: ATTACKERS.sqliCampaign,
            dstIp: site.publicIp,
            attack: true,
            extra,
          }),
        ];
      case "modsec-block": {
        requestSeq++;
        const uniqueId = marker ?? `Z${rng.hex(8)}${requestSeq.toString(36)}AAAA`;
        const host = `web01.${site.site}`;
        return modsecBlockedRequest(rng, {
          at,
          clientIp: ATTACKERS.sqliCampaign,
          host: site.webHost,
          uniqueId,
        }).map((msg) => rfc3164(pri(FACILITY.local4, SEVERITY.err), at, host, "apache2", msg));
      }
      case "nginx": {
        const attacker = rng.chance(0.1);
        const msg = nginxAccessLine(rng, {
          at,
          clientIp: attacker ? ATTACKERS.sqliCampaign : randomPublicIp(rng),
          ...(attacker
            ? {
                path: "/products.php?id=1%27%20or%20%271%27=%271",
                status: 403,
                userAgent: attackUserAgent(rng),
              }
            : {}),
          ...(marker ? { path: `/?vigil_marker=${marker}` } : {}),
        });
        return [
          rfc5424(pri(FACILITY.local0, SEVERITY.info), at, `web01.${site.site}`, "nginx", "-", "access", msg),
        ];
      }
      case "ssh-bruteforce": {
        const invalid = rng.chance(0.6);
        const user = invalid ? rng.pick(BAD_USERS) : "root";
        return [
          ssh(rng, site, at, invalid ? "invalid-user" : "failed", ATTACKERS.sshBruteForcer, user, marker),
        ];
      }
      case "ssh-fail":
        return [ssh(rng, site, at, "failed", randomPublicIp(rng), rng.pick(USERS), marker)];
      case "ssh-accept":
        return [ssh(rng, site, at, "accepted", randomPublicIp(rng), rng.pick(USERS), marker)];
    }
  }

  return { next, rng };
}

/** sshd via RFC 3164 on two sites and RFC 5424 on the third, as mixed fleets forward it. */
function ssh(
  rng: Rng,
  site: Site,
  at: number,
  kind: SshKind,
  ip: string,
  user: string,
  marker?: string,
): string {
  const who = marker ? `m${marker}` : user;
  const msg = sshdMessage(kind, rng, ip, who);
  const pid = String(rng.int(1000, 65000));
  const host = `bastion.${site.site}`;
  const p = pri(FACILITY.authpriv, kind === "accepted" ? SEVERITY.info : SEVERITY.notice);
  return site.newFormat && site.site.startsWith("madrid")
    ? rfc5424(p, at, host, "sshd", pid, "-", msg)
    : rfc3164(p, at, host, `sshd[${pid}]`, msg);
}
