/**
 * Realistic parsed Events for the detection benchmarks: attack sessions (SSH brute force, WAF drops,
 * port scans over many dst ports, 404 probing bursts, IPS hits) mixed with normal traffic, over a
 * pool of distinct source IPs. Deterministic for a seed, so runs are comparable.
 */

import { makeEvent } from "../../packages/server/src/events/test-events.js";
import type { Event } from "../../packages/server/src/ingest/event.js";

export interface MixOptions {
  events: number;
  distinctIps: number;
  /** Event time covered by the whole set (ms). */
  spanMs: number;
  start: number;
  seed?: number;
}

export interface Mix {
  events: Event[];
  /** Distinct source IPs actually used. */
  ips: number;
  /** Events per kind, for the report. */
  kinds: Record<string, number>;
}

/** mulberry32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The i-th address of the pool: 100k+ distinct public-looking IPv4s (outside private ranges). */
export function poolIp(i: number): string {
  return `${45 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.${((i * 7) % 250) + 3}`;
}

const PATHS = ["/", "/index.html", "/login", "/api/items", "/static/app.js", "/img/logo.png", "/about"];
const PROBES = [
  "/wp-admin/",
  "/.env",
  "/phpmyadmin/",
  "/.git/config",
  "/admin.php",
  "/config.json",
  "/backup.zip",
  "/server-status",
  "/xmlrpc.php",
  "/cgi-bin/test",
  "/vendor/phpunit",
  "/actuator/env",
  "/solr/admin",
  "/manager/html",
  "/wp-config.php.bak",
];

type Kind = "normal-web" | "normal-fw" | "ssh-fail" | "ssh-ok" | "waf" | "scan" | "probe" | "ips" | "fw-drop";

/** One session = a source doing one thing for a while; sessions are interleaved by time. */
export function generateMix(o: MixOptions): Mix {
  const rand = rng(o.seed ?? 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const out: Event[] = [];
  const kinds: Record<string, number> = {};
  const used = new Set<number>();
  // Every pool IP gets at least one session (so the set really has `distinctIps` sources); the rest
  // of the budget goes to sessions on random IPs. Attack kinds are bursty; normal kinds are sparse.
  let ipCursor = 0;
  const nextIp = () => {
    const i = ipCursor < o.distinctIps ? ipCursor++ : Math.floor(rand() * o.distinctIps);
    used.add(i);
    return i;
  };
  const base = { sender: "192.0.2.1", site: "paris" };
  while (out.length < o.events) {
    const r = rand();
    const kind: Kind =
      r < 0.3
        ? "normal-web"
        : r < 0.45
          ? "normal-fw"
          : r < 0.55
            ? "fw-drop"
            : r < 0.62
              ? "ssh-ok"
              : r < 0.74
                ? "ssh-fail"
                : r < 0.84
                  ? "waf"
                  : r < 0.9
                    ? "scan"
                    : r < 0.97
                      ? "probe"
                      : "ips";
    const ip = poolIp(nextIp());
    const t0 = o.start + Math.floor(rand() * o.spanMs);
    // attack sessions: enough events to cross thresholds most of the time, not always
    const n =
      kind === "scan"
        ? 10 + Math.floor(rand() * 30)
        : kind === "probe"
          ? 4 + Math.floor(rand() * 14)
          : kind === "ssh-fail" || kind === "waf"
            ? 1 + Math.floor(rand() * 9)
            : kind === "ips"
              ? 1 + Math.floor(rand() * 4)
              : 1 + Math.floor(rand() * 3);
    const gap = kind === "scan" ? 200 : kind === "probe" ? 1500 : 4000;
    for (let k = 0; k < n && out.length < o.events; k++) {
      const timestamp = t0 + k * gap + Math.floor(rand() * gap);
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      out.push(eventOf(kind, ip, timestamp, k, rand, pick, base));
    }
  }
  out.sort((a, b) => a.timestamp - b.timestamp);
  return { events: out, ips: used.size, kinds };
}

function eventOf(
  kind: Kind,
  ip: string,
  timestamp: number,
  k: number,
  rand: () => number,
  pick: <T>(xs: readonly T[]) => T,
  base: { sender: string; site: string },
): Event {
  const port = 1024 + Math.floor(rand() * 60000);
  switch (kind) {
    case "normal-web":
      return makeEvent({
        ...base,
        timestamp,
        src_ip: ip,
        source_type: "nginx",
        log_type: "Web",
        category: "http",
        sub_category: "request",
        action: "allow",
        url: pick(PATHS),
        http_method: "GET",
        http_status: rand() < 0.97 ? 200 : 404,
        dst_port: 443,
        src_port: port,
        message: "GET 200",
      });
    case "normal-fw":
      return makeEvent({
        ...base,
        timestamp,
        src_ip: ip,
        action: "allow",
        dst_port: pick([80, 443, 53]),
        sub_category: "Allowed",
        message: "Packet allowed",
        src_port: port,
      });
    case "fw-drop":
      return makeEvent({
        ...base,
        timestamp,
        src_ip: ip,
        action: "drop",
        dst_port: pick([23, 445, 3389]),
        src_port: port,
      });
    case "scan":
      return makeEvent({
        ...base,
        timestamp,
        src_ip: ip,
        action: "drop",
        dst_port: 1 + ((k * 37) % 1024),
        src_port: port,
      });
    case "ssh-ok":
    case "ssh-fail":
      return makeEvent({
        ...base,
        timestamp,
        src_ip: ip,
        source_type: "sshd",
        log_type: "SSH",
        category: "authentication",
        sub_category: kind === "ssh-ok" ? "success" : "failure",
        action: kind === "ssh-ok" ? "allow" : "drop",
        user_name: kind === "ssh-ok" ? "deploy" : pick(["root", "admin", "oracle", "test"]),
        dst_port: 22,
        src_port: port,
        message: kind === "ssh-ok" ? "Accepted publickey" : "Failed password",
      });
    case "waf":
      return makeEvent({
        ...base,
        timestamp,
        src_ip: ip,
        log_type: "WAF",
        category: "Web Application Firewall",
        sub_category: "SQL injection",
        action: "drop",
        severity: "high",
        url: `/search?q=${k}'--`,
        http_method: "GET",
        http_status: 403,
        dst_port: 443,
        src_port: port,
        message: "WAF blocked",
      });
    case "probe":
      return makeEvent({
        ...base,
        timestamp,
        src_ip: ip,
        source_type: "nginx",
        log_type: "Web",
        category: "http",
        sub_category: "request",
        action: "allow",
        url: PROBES[k % PROBES.length] as string,
        http_method: "GET",
        http_status: 404,
        dst_port: 443,
        src_port: port,
        message: "GET 404",
      });
    case "ips":
      return makeEvent({
        ...base,
        timestamp,
        src_ip: ip,
        log_type: "IPS",
        category: "Anomaly",
        sub_category: "exploit",
        action: "drop",
        severity: rand() < 0.7 ? "high" : "medium",
        dst_port: 445,
        src_port: port,
        rule_id: "51234",
        message: "IPS signature",
      });
  }
}
