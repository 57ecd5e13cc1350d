import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Event } from "../../ingest/event.js";
import { compileFilter } from "../filter.js";
import { convertSigma, labelFromTag, SigmaImportError } from "./convert.js";
import { base64Offsets, sigmaPattern } from "./values.js";

/** Sigma rules written for these tests in SigmaHQ's style (webserver, proxy, linux auth, firewall). */
const TRAVERSAL = `
title: Path Traversal Attempt In Web Request
id: 5b2c3e1a-0000-4000-8000-000000000001
status: test
description: Detects dot-dot-slash sequences and system files named in a request
author: Vigil tests
references:
  - https://owasp.org/www-community/attacks/Path_Traversal
logsource:
  category: webserver
detection:
  selection:
    cs-uri-query|contains:
      - '../../'
      - '/etc/passwd'
  filter_health:
    cs-uri-stem|startswith: '/health'
  condition: selection and not filter_health
falsepositives:
  - Broken relative links
level: high
tags:
  - attack.initial-access
  - attack.t1190
  - cve.2021-41773
`;

function ev(p: Partial<Event>): Event {
  return {
    log_type: "Web",
    url: "/",
    http_method: "GET",
    http_status: 200,
    user_agent: "",
    src_ip: "203.0.113.9",
    dst_ip: "",
    dst_port: 443,
    src_port: 0,
    action: "",
    message: "",
    raw_log: "",
    hostname: "",
    user_name: "",
    protocol: "",
    ...p,
  } as Event;
}

function filterOf(yaml: string) {
  const out = convertSigma(yaml);
  return { out, scenario: parse(out.yaml), match: compileFilter(parse(out.yaml).detection.filter) };
}

function refusal(yaml: string): SigmaImportError {
  try {
    convertSigma(yaml);
  } catch (err) {
    if (err instanceof SigmaImportError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

function rule(logsource: string, detection: string): string {
  return `title: Test rule\nid: t1\nlogsource:\n${logsource}\ndetection:\n${detection}\nlevel: medium\n`;
}
const WEB = "  category: webserver";

describe("Sigma → scenario", () => {
  it("converts a web-server rule into an alerting trigger with labels, severity and attribution", () => {
    const { out, scenario, match } = filterOf(TRAVERSAL);
    expect(out.name).toBe("sigma-path-traversal-attempt-in-web-request");
    expect(scenario.detection.type).toBe("trigger");
    expect(scenario.action.type).toBe("alert"); // level high, yet bans stay the user's choice
    expect(scenario.severity).toBe("high");
    expect(scenario.labels).toEqual(["sigma", "initial-access", "T1190", "CVE-2021-41773"]);
    expect(scenario.description).toContain("id 5b2c3e1a-0000-4000-8000-000000000001");
    expect(scenario.description).toContain("by Vigil tests");
    expect(scenario.description).toContain("Detection Rule License");
    expect(match(ev({ url: "/cgi-bin/../../etc/passwd" }))).toBe(true);
    expect(match(ev({ url: "/x?f=/ETC/PASSWD" }))).toBe(true); // Sigma matches ignore case
    expect(match(ev({ url: "/health?x=../../" }))).toBe(false); // the filter block
    expect(match(ev({ url: "/index.html" }))).toBe(false);
    expect(match(ev({ log_type: "Firewall", url: "/../../etc/passwd" }))).toBe(false);
  });

  it("asks for bans only when the caller does, and takes a name", () => {
    const out = convertSigma(TRAVERSAL, { action: "ban", name: "my-traversal" });
    expect(parse(out.yaml).action.type).toBe("ban");
    expect(out.name).toBe("my-traversal");
  });

  it("maps web fields: method, status, user agent, referer, client IP", () => {
    const { match } = filterOf(
      rule(
        WEB,
        `  sel:
    cs-method: POST
    sc-status: [200, 201]
    c-useragent|startswith: 'python-requests/'
    cs-referer|endswith: '.evil.example/'
    c-ip|cidr: 203.0.113.0/24
  condition: sel`,
      ),
    );
    const hit = ev({
      http_method: "post",
      http_status: 201,
      user_agent: "python-requests/2.31",
      metadata: { referer: "http://a.evil.example/" },
    });
    expect(match(hit)).toBe(true);
    expect(match({ ...hit, http_status: 404 })).toBe(false);
    expect(match({ ...hit, user_agent: "curl python-requests/2" })).toBe(false);
    expect(match({ ...hit, metadata: {} })).toBe(false);
    expect(match({ ...hit, src_ip: "198.51.100.1" })).toBe(false);
  });

  it("anchors URL parts: stem equality ignores the query, stem endswith stops at the '?'", () => {
    const { match } = filterOf(rule(WEB, "  sel:\n    cs-uri-stem: '/wp-login.php'\n  condition: sel"));
    expect(match(ev({ url: "/wp-login.php?redirect=1" }))).toBe(true);
    expect(match(ev({ url: "/WP-LOGIN.PHP" }))).toBe(true);
    expect(match(ev({ url: "/blog/wp-login.php" }))).toBe(false);
    const q = filterOf(rule(WEB, "  sel:\n    cs-uri-stem|endswith: '/c99.php'\n  condition: sel")).match;
    expect(q(ev({ url: "/up/c99.php?cmd=id" }))).toBe(true);
    expect(q(ev({ url: "/index.php?f=/c99.php.txt" }))).toBe(false);
    const ext = filterOf(rule(WEB, "  sel:\n    c-uri-extension: [jsp, aspx]\n  condition: sel")).match;
    expect(ext(ev({ url: "/cmd.jsp?x=1" }))).toBe(true);
    expect(ext(ev({ url: "/a.php?f=x.jsp2" }))).toBe(false);
  });

  it("supports wildcards, all, re, base64offset, exists and null", () => {
    const wild = filterOf(rule(WEB, "  sel:\n    cs-uri-query: '*/shell*.php*'\n  condition: sel")).match;
    expect(wild(ev({ url: "/up/shell123.php?c=1" }))).toBe(true);
    expect(wild(ev({ url: "/up/she.php" }))).toBe(false);
    const all = filterOf(
      rule(WEB, "  sel:\n    cs-uri-query|contains|all: ['union', 'select']\n  condition: sel"),
    ).match;
    expect(all(ev({ url: "/?id=1 UNION SELECT 2" }))).toBe(true);
    expect(all(ev({ url: "/?id=union" }))).toBe(false);
    const re = filterOf(rule(WEB, "  sel:\n    c-useragent|re: '^(sqlmap|nikto)/'\n  condition: sel"));
    expect(re.match(ev({ user_agent: "sqlmap/1.7" }))).toBe(true);
    expect(re.out.warnings.join()).toContain("ignore case");
    const b64 = filterOf(
      rule(WEB, "  sel:\n    cs-uri-query|base64offset|contains: '/bin/sh'\n  condition: sel"),
    ).match;
    for (const offset of [0, 1, 2]) {
      const encoded = Buffer.from(`${"x".repeat(offset)}/bin/sh -c id`).toString("base64");
      expect(b64(ev({ url: `/?p=${encoded}` }))).toBe(true);
    }
    expect(base64Offsets("/bin/sh")).toHaveLength(3);
    const ex = filterOf(
      rule(WEB, "  sel:\n    cs-referer|exists: false\n    c-useragent: null\n  condition: sel"),
    ).match;
    expect(ex(ev({}))).toBe(true);
    expect(ex(ev({ user_agent: "x" }))).toBe(false);
  });

  it("reads conditions: 1 of, all of them, or, parentheses, a list of conditions", () => {
    const det = `  selection_a:
    cs-uri-query|contains: 'a1'
  selection_b:
    cs-uri-query|contains: 'b2'
  filter:
    sc-status: 404
`;
    const one = filterOf(rule(WEB, `${det}  condition: 1 of selection_* and not filter`)).match;
    expect(one(ev({ url: "/a1" }))).toBe(true);
    expect(one(ev({ url: "/b2" }))).toBe(true);
    expect(one(ev({ url: "/b2", http_status: 404 }))).toBe(false);
    const them = filterOf(rule(WEB, `${det}  condition: all of them`)).match;
    expect(them(ev({ url: "/a1b2", http_status: 404 }))).toBe(true);
    expect(them(ev({ url: "/a1b2" }))).toBe(false);
    const paren = filterOf(rule(WEB, `${det}  condition: not (selection_a or filter)`)).match;
    expect(paren(ev({ url: "/b2" }))).toBe(true);
    expect(paren(ev({ url: "/a1" }))).toBe(false);
    const list = filterOf(rule(WEB, `${det}  condition:\n    - selection_a\n    - selection_b`)).match;
    expect(list(ev({ url: "/b2" }))).toBe(true);
  });

  it("converts linux auth keywords, proxy and firewall rules", () => {
    const ssh = filterOf(
      rule(
        "  product: linux\n  service: sshd",
        "  keywords:\n    - 'Failed password for invalid user'\n  condition: keywords",
      ),
    ).match;
    expect(ssh(ev({ log_type: "SSH", message: "Failed password for invalid user x from 1.2.3.4" }))).toBe(
      true,
    );
    expect(ssh(ev({ log_type: "SSH", message: "Accepted password" }))).toBe(false);
    const proxy = filterOf(
      rule(
        "  category: proxy",
        "  sel:\n    c-uri|contains: '/jndi:'\n    r-dns: 'evil.example'\n  condition: sel",
      ),
    ).match;
    expect(
      proxy(
        ev({ url: "/?x=${jndi:ldap://e/a}".replace("${", "$").replace("$", "/"), hostname: "evil.example" }),
      ),
    ).toBe(true);
    const fw = filterOf(
      rule("  category: firewall", "  sel:\n    dst_port: [23, 21]\n    action: blocked\n  condition: sel"),
    ).match;
    expect(fw(ev({ log_type: "Firewall", dst_port: 23, action: "drop" }))).toBe(true);
    expect(fw(ev({ log_type: "Firewall", dst_port: 23, action: "allow" }))).toBe(false);
  });

  it("refuses each unsupported construct, naming it with its place and line", () => {
    const err = refusal(
      rule(
        WEB,
        `  sel:
    cs-cookie|contains: 'x'
    cs-uri-query|windash: 'y'
    sc-status|contains: '40'
  condition: sel`,
      ),
    );
    expect(err.issues.map((i) => [i.place, i.construct, i.line])).toEqual([
      ["detection.sel.cs-cookie|contains", "field 'cs-cookie'", 7],
      ["detection.sel.cs-uri-query|windash", "modifier 'windash'", 8],
      ["detection.sel.sc-status|contains", "modifier 'contains'", 9],
    ]);
    const agg = refusal(rule(WEB, "  sel:\n    sc-status: 401\n  condition: sel | count() by c-ip > 10"));
    expect(agg.issues[0]?.construct).toMatch(/^condition aggregation/);
    expect(agg.issues[0]?.line).toBe(8);
    expect(
      refusal(rule("  product: windows\n  service: security", "  sel:\n    EventID: 4625\n  condition: sel"))
        .issues[0]?.construct,
    ).toBe("logsource 'product: windows, service: security'");
    expect(refusal(rule(WEB, "  sel:\n    cs-uri|re: '(a+)+$'\n  condition: sel")).message).toMatch(
      /backtrack/,
    );
    expect(
      refusal(rule(WEB, "  sel:\n    cs-uri: x\n  condition: sel and missing")).issues[0]?.construct,
    ).toBe("condition search 'missing'");
    expect(refusal(`${TRAVERSAL}\n---\n${TRAVERSAL}`).issues[0]?.construct).toBe("rule collection");
  });

  it("reads tags and wildcard escapes", () => {
    expect(labelFromTag("attack.t1059.001")).toBe("T1059.001");
    expect(labelFromTag("attack.persistence")).toBe("persistence");
    expect(sigmaPattern("a\\*b*c?").source).toBe("a\\*b.*c.");
  });
});
