import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDkim, selectorsFromHeaders } from "./dkim.js";
import { checkDmarc, dmarcWalk } from "./dmarc.js";
import { startTestDnsServer, type TestDnsServer } from "./dns-test-server.js";
import { checkMx } from "./mx.js";
import { checkDomainPosture } from "./posture.js";
import { createDnsLookup, type DnsLookup } from "./resolver.js";
import { checkSpf } from "./spf.js";

const rsaKey = (bits: number) =>
  generateKeyPairSync("rsa", { modulusLength: bits })
    .publicKey.export({ type: "spki", format: "der" })
    .toString("base64");

let dns: TestDnsServer;
let lookup: DnsLookup;
const codes = (issues: Array<{ code: string }>) => issues.map((i) => i.code);

beforeAll(async () => {
  const includes: Record<string, { txt: string[] }> = {};
  // A chain of includes: 12 lookups in all.
  for (let i = 0; i < 11; i++)
    includes[`inc${i}.chain.test`] = { txt: [`v=spf1 include:inc${i + 1}.chain.test -all`] };
  includes["inc11.chain.test"] = { txt: ["v=spf1 ip4:192.0.2.1 -all"] };
  dns = await startTestDnsServer({
    ...includes,
    "weak.test": {
      txt: ["v=spf1 +all"],
      mx: [{ priority: 10, exchange: "mx.weak.test" }],
    },
    "_dmarc.weak.test": { txt: ["v=DMARC1; p=none"] },
    "mx.weak.test": { a: ["192.0.2.10"] },
    "strong.test": {
      txt: ["v=spf1 ip4:192.0.2.0/24 -all", "google-site-verification=abc"],
      mx: [
        { priority: 10, exchange: "mx1.strong.test" },
        { priority: 20, exchange: "mx2.strong.test" },
      ],
    },
    "_dmarc.strong.test": { txt: ["v=DMARC1; p=reject; rua=mailto:d@strong.test"] },
    "mx1.strong.test": { a: ["192.0.2.11"] },
    "mx2.strong.test": { aaaa: ["2001:db8::25"] },
    "selector1._domainkey.strong.test": { txt: [`v=DKIM1; k=rsa; p=${rsaKey(2048)}`] },
    "old._domainkey.strong.test": { txt: ["v=DKIM1; k=rsa; p="] },
    "short._domainkey.strong.test": { txt: [`v=DKIM1; k=rsa; p=${rsaKey(1024)}`] },
    "chain.test": { txt: ["v=spf1 include:inc0.chain.test ptr ?all"] },
    "two.test": { txt: ["v=spf1 -all", "v=spf1 ip4:192.0.2.1 -all"] },
    "bad.test": { txt: ["v=spf1 ip4:300.1.1.1 foo:bar"] },
    "void.test": { txt: ["v=spf1 a:gone1.test a:gone2.test mx:gone3.test -all"] },
    "redir.test": { txt: ["v=spf1 redirect=strong.test"] },
    "slow.test": { fail: "drop" },
    "broken.test": { fail: "servfail" },
    "sub.parent.test": { mx: [{ priority: 0, exchange: "" }] },
    "_dmarc.parent.test": { txt: ["v=DMARC1; p=reject; sp=quarantine; pct=50; ri=3600; t=y"] },
  });
  lookup = createDnsLookup({ servers: [dns.address], timeoutMs: 300, tries: 1 });
});

afterAll(async () => {
  await dns?.close();
});

describe("SPF", () => {
  it("fails +all and passes -all", async () => {
    const weak = await checkSpf("weak.test", lookup);
    expect(weak.exists).toBe(true);
    expect(weak.valid).toBe(false);
    expect(weak.all).toBe("+all");
    expect(codes(weak.issues)).toContain("spf_plus_all");
    const strong = await checkSpf("strong.test", lookup);
    expect(strong).toMatchObject({ exists: true, valid: true, all: "-all", issues: [] });
  });

  it("counts lookups through includes, and flags ptr and ?all", async () => {
    const r = await checkSpf("chain.test", lookup);
    expect(r.dns_lookups).toBe(13);
    expect(codes(r.issues)).toEqual(
      expect.arrayContaining(["spf_too_many_lookups", "spf_ptr", "spf_neutral_all"]),
    );
  });

  it("names multiple records, bad syntax, void lookups and follows redirect", async () => {
    expect(codes((await checkSpf("two.test", lookup)).issues)).toContain("spf_multiple");
    const bad = await checkSpf("bad.test", lookup);
    expect(codes(bad.issues).filter((c) => c === "spf_syntax")).toHaveLength(2);
    expect(codes(bad.issues)).toContain("spf_no_all");
    const v = await checkSpf("void.test", lookup);
    expect(v.void_lookups).toBe(3);
    expect(codes(v.issues)).toContain("spf_too_many_void_lookups");
    const redir = await checkSpf("redir.test", lookup);
    expect(redir).toMatchObject({ all: "-all", dns_lookups: 1, valid: true });
  });

  it("reports a timeout and a SERVFAIL as such, never as a missing record", async () => {
    const slow = await checkSpf("slow.test", lookup);
    expect(slow.lookup).toBe("timeout");
    expect(codes(slow.issues)).toEqual(["spf_lookup_failed"]);
    const broken = await checkSpf("broken.test", lookup);
    expect(broken.lookup).toBe("servfail");
    expect(broken.issues[0]?.message).toContain("SERVFAIL");
    expect((await checkSpf("nowhere.test", lookup)).issues[0]?.code).toBe("spf_missing");
  });
});

describe("DMARC", () => {
  it("flags p=none, and reads p=reject with rua as clean", async () => {
    const weak = await checkDmarc("weak.test", lookup);
    expect(weak).toMatchObject({ exists: true, policy: "none", valid: false });
    expect(codes(weak.issues)).toEqual(expect.arrayContaining(["dmarc_policy_none", "dmarc_no_rua"]));
    const strong = await checkDmarc("strong.test", lookup);
    expect(strong).toMatchObject({ exists: true, policy: "reject", valid: true, issues: [] });
  });

  it("falls back to the parent by the tree walk, flags removed and new tags", async () => {
    const r = await checkDmarc("sub.parent.test", lookup);
    expect(r).toMatchObject({ exists: true, record_domain: "parent.test", policy: "quarantine" });
    expect(codes(r.issues)).toEqual(
      expect.arrayContaining(["dmarc_removed_pct", "dmarc_removed_ri", "dmarc_test_mode", "dmarc_inherited"]),
    );
    expect(dmarcWalk("a.b.c.d.e.f.g.h.i.example.com")).toHaveLength(8);
  });

  it("says missing, and a timeout as a timeout", async () => {
    expect(codes((await checkDmarc("nowhere.test", lookup)).issues)).toEqual(["dmarc_missing"]);
    dns.zone.set("_dmarc.slowdmarc.test", { fail: "drop" });
    const slow = await checkDmarc("slowdmarc.test", lookup);
    expect(slow.lookup).toBe("timeout");
    expect(codes(slow.issues)).toEqual(["dmarc_lookup_failed"]);
  });
});

describe("DKIM and MX", () => {
  it("finds keys under selectors with their size, and revoked keys", async () => {
    const r = await checkDkim("strong.test", ["selector1", "old", "short", "google"], lookup);
    expect(r.exists).toBe(true);
    expect(r.keys.map((k) => [k.selector, k.key_bits, k.revoked])).toEqual([
      ["selector1", 2048, false],
      ["old", null, true],
      ["short", 1024, false],
    ]);
    expect(codes(r.issues)).toEqual(expect.arrayContaining(["dkim_revoked", "dkim_short_key"]));
    expect(codes((await checkDkim("weak.test", ["default"], lookup)).issues)).toEqual(["dkim_not_found"]);
  });

  it("learns selectors from pasted DKIM-Signature headers", () => {
    const headers =
      "Received: x\r\nDKIM-Signature: v=1; a=rsa-sha256; d=strong.test;\r\n\ts=sel2026; h=from\r\nSubject: hi";
    expect(selectorsFromHeaders(headers, "strong.test")).toEqual(["sel2026"]);
  });

  it("checks MX targets resolve and knows a null MX", async () => {
    const strong = await checkMx("strong.test", lookup);
    expect(strong.records.map((r) => [r.exchange, r.resolves])).toEqual([
      ["mx1.strong.test", "ok"],
      ["mx2.strong.test", "ok"],
    ]);
    expect(strong.valid).toBe(true);
    const nul = await checkMx("sub.parent.test", lookup);
    expect(nul).toMatchObject({ exists: true, null_mx: true });
    expect(codes((await checkMx("nowhere.test", lookup)).issues)).toEqual(["mx_missing"]);
  });
});

describe("score", () => {
  it("scores +all / p=none below -all / p=reject", async () => {
    const weak = await checkDomainPosture("weak.test", lookup, ["default"]);
    const strong = await checkDomainPosture("strong.test", lookup, ["selector1"]);
    expect(weak.score).toBeLessThan(strong.score);
    expect(strong.status).toBe("good");
    expect(weak.status).not.toBe("good");
  });
});
