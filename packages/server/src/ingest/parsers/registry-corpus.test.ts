import { isIP } from "node:net";
import { describe, expect, it } from "vitest";
import { corpusPath, hasCorpus } from "../../test-support/corpus.js";
import { parseLine } from "./registry.js";
import { FAIL2BAN_NOW, FAIL2BAN_ZONE, fail2banTime, readFail2ban } from "./registry-fail2ban.js";

const ctx = { receivedAt: FAIL2BAN_NOW, timezone: FAIL2BAN_ZONE };

/**
 * Runs every case fail2ban expects to match through `parseLine`. A case whose host is an IP must
 * give that src_ip and, where fail2ban gives one, the same time. Two kinds cannot, and are counted
 * apart so a regression still shows: hosts that are DNS names (sshd with UseDNS; src_ip stays "" and
 * the name goes to `reason`), and lines whose address sshd only printed on an earlier line of the
 * same connection (fail2ban correlates by pid; Vigil's parsers are per-line).
 */
function check(file: string, sourceTypes: string[]) {
  const cases = readFail2ban(corpusPath(file)).filter((c) => c.match && c.host);
  let exact = 0;
  let byName = 0;
  let earlierLine = 0;
  const misses: string[] = [];
  for (const c of cases) {
    const e = parseLine(c.line, ctx).event;
    expect(e, c.line).toBeDefined();
    if (!e) continue;
    expect(sourceTypes, c.line).toContain(e.source_type);
    expect(e.raw_log).toBe(c.line);
    if (c.time) expect(fail2banTime(e.timestamp ?? 0), c.line).toBe(c.time);
    const host = c.host ?? "";
    if (isIP(host)) {
      if (e.src_ip === host) exact++;
      else if (!c.line.includes(host) && e.src_ip === "") earlierLine++;
      else misses.push(`${host} ← ${c.line}`);
    } else {
      expect(e.src_ip).toBe("");
      expect(e.reason).toContain(host);
      byName++;
    }
  }
  expect(misses).toEqual([]);
  return { cases: cases.length, exact, byName, earlierLine };
}

describe.skipIf(!hasCorpus)("fail2ban corpora through parseLine", () => {
  it("sshd: every failure fail2ban matches on one line gives its address and time", () => {
    const a = check("sshd/sshd", ["sshd"]);
    const b = check("sshd/sshd-journal", ["sshd"]);
    console.log("sshd", a, "sshd-journal", b);
    expect(a.exact).toBeGreaterThanOrEqual(92);
    expect(b.exact).toBeGreaterThanOrEqual(73);
    expect(a.earlierLine + b.earlierLine).toBeLessThanOrEqual(20);
  });

  it("nginx: access, auth, limit_req and botsearch lines give the client address and time", () => {
    for (const f of ["nginx/nginx-botsearch", "nginx/nginx-http-auth", "nginx/nginx-limit-req"]) {
      const r = check(f, ["nginx"]);
      expect(r.exact, f).toBe(r.cases);
    }
  });

  it("apache: auth, noscript, overflows and bad-bot lines give the client address and time", () => {
    for (const f of ["apache/apache-auth", "apache/apache-noscript", "apache/apache-overflows"]) {
      const r = check(f, ["apache"]);
      expect(r.exact, f).toBe(r.cases);
    }
    // Combined access lines do not say which server wrote them: the default is "nginx".
    const bots = check("apache/apache-badbots", ["nginx", "apache"]);
    expect(bots.exact).toBe(bots.cases);
  });

  it("no line of any fail2ban file is lost or left unparsed", () => {
    const files = ["sshd/sshd", "sshd/sshd-journal", "nginx/nginx-http-auth", "apache/apache-auth"];
    for (const f of files) {
      for (const c of readFail2ban(corpusPath(f))) {
        const e = parseLine(c.line, ctx).event;
        expect(e?.raw_log).toBe(c.line);
        expect(e?.source_type, c.line).not.toBe("unknown");
      }
    }
  });
});
