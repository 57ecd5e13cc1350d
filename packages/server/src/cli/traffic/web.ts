import { ATTACK_USER_AGENTS, USER_AGENTS } from "./actors.js";
import type { Rng } from "./random.js";

/** Web server lines: nginx "combined" access log and ModSecurity (Apache error-log) rule hits. */

const PATHS = [
  "/",
  "/index.html",
  "/login",
  "/products?page=2",
  "/static/app.js",
  "/static/site.css",
  "/api/v1/cart",
];
const REFERERS = ["-", "https://www.google.com/", "https://www.bing.com/", "-"];

export interface AccessInput {
  at: number;
  clientIp: string;
  /** Override the path (the load generator puts its marker in the query string). */
  path?: string;
  status?: number;
  userAgent?: string;
}

/** nginx `combined`: `ip - user [dd/Mon/yyyy:HH:MM:SS +0000] "METHOD path HTTP/1.1" status bytes "ref" "ua"`. */
export function nginxAccessLine(rng: Rng, i: AccessInput): string {
  const method = rng.weighted([
    ["GET", 85],
    ["POST", 12],
    ["HEAD", 3],
  ] as const);
  const path = i.path ?? rng.pick(PATHS);
  const status =
    i.status ??
    rng.weighted([
      [200, 80],
      [304, 8],
      [404, 8],
      [301, 3],
      [500, 1],
    ] as const);
  const ua = i.userAgent ?? rng.pick(USER_AGENTS);
  return `${i.clientIp} - - [${clfTime(i.at)}] "${method} ${path} HTTP/1.1" ${status} ${rng.int(150, 60000)} "${rng.pick(REFERERS)}" "${ua}"`;
}

const MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DOW = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const p2 = (n: number) => String(n).padStart(2, "0");

function clfTime(at: number): string {
  const d = new Date(at);
  return `${p2(d.getUTCDate())}/${MON[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
}

/** Apache error-log time: `Wed Mar 13 10:22:01.123456 2024`. */
function apacheTime(at: number): string {
  const d = new Date(at);
  const us = String(d.getUTCMilliseconds() * 1000).padStart(6, "0");
  return `${DOW[d.getUTCDay()]} ${MON[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${us} ${d.getUTCFullYear()}`;
}

interface CrsRule {
  id: string;
  file: string;
  msg: string;
  tag: string;
  data: (payload: string) => string;
}

const SQLI_RULES: CrsRule[] = [
  {
    id: "942100",
    file: "REQUEST-942-APPLICATION-ATTACK-SQLI.conf",
    msg: "SQL Injection Attack Detected via libinjection",
    tag: "attack-sqli",
    data: (p) => `Matched Data: s&sos found within ARGS:id: ${p}`,
  },
  {
    id: "942190",
    file: "REQUEST-942-APPLICATION-ATTACK-SQLI.conf",
    msg: "Detects MSSQL code execution and information gathering attempts",
    tag: "attack-sqli",
    data: (p) => `Matched Data: union select found within ARGS:id: ${p}`,
  },
  {
    id: "942260",
    file: "REQUEST-942-APPLICATION-ATTACK-SQLI.conf",
    msg: "Detects basic SQL authentication bypass attempts 2/3",
    tag: "attack-sqli",
    data: (p) => `Matched Data: ' or '1'='1 found within ARGS:id: ${p}`,
  },
];

const SQLI_PAYLOADS = [
  "1' or '1'='1",
  "1 union select username,password from users--",
  "1';waitfor delay '0:0:5'--",
];

export interface ModsecInput {
  at: number;
  clientIp: string;
  host: string;
  uniqueId: string;
}

/**
 * One blocked request as ModSecurity writes it to the Apache error log: a Warning per matched CRS
 * rule, then the 949110 anomaly-score block, all sharing the request's unique_id.
 */
export function modsecBlockedRequest(rng: Rng, i: ModsecInput): string[] {
  const payload = rng.pick(SQLI_PAYLOADS);
  const uri = "/products.php";
  const port = rng.int(1024, 65535);
  const hits = SQLI_RULES.slice(0, rng.int(2, SQLI_RULES.length));
  const score = hits.length * 5;
  const prefix = `[${apacheTime(i.at)}] [security2:error] [pid ${rng.int(1000, 30000)}:tid ${rng.int(100000, 999999)}] [client ${i.clientIp}:${port}] [client ${i.clientIp}]`;
  const tail = `[hostname "${i.host}"] [uri "${uri}"] [unique_id "${i.uniqueId}"]`;
  const ver = `[ver "OWASP_CRS/3.3.5"]`;
  const lines = hits.map(
    (r) =>
      `${prefix} ModSecurity: Warning. Pattern match detected SQLi [file "/etc/modsecurity/crs/rules/${r.file}"] [line "${rng.int(40, 900)}"] [id "${r.id}"] [msg "${r.msg}"] [data "${r.data(payload)}"] [severity "CRITICAL"] ${ver} [tag "application-multi"] [tag "language-multi"] [tag "${r.tag}"] [tag "paranoia-level/1"] ${tail}`,
  );
  lines.push(
    `${prefix} ModSecurity: Access denied with code 403 (phase 2). Operator GE matched 5 at TX:anomaly_score. [file "/etc/modsecurity/crs/rules/REQUEST-949-BLOCKING-EVALUATION.conf"] [line "81"] [id "949110"] [msg "Inbound Anomaly Score Exceeded (Total Score: ${score})"] [severity "CRITICAL"] ${ver} [tag "application-multi"] [tag "language-multi"] [tag "platform-multi"] [tag "attack-generic"] ${tail}`,
  );
  return lines;
}

export function attackUserAgent(rng: Rng): string {
  return rng.pick(ATTACK_USER_AGENTS);
}
