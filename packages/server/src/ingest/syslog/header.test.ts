import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { corpusPath, hasCorpus } from "../../test-support/corpus.js";
import { wallClockToUtc } from "../time.js";
import { parseSyslogHeader } from "./header.js";

const utc = { receivedAt: Date.UTC(2024, 2, 15, 12, 0, 0), timezone: "UTC" };
const paris = { receivedAt: Date.UTC(2024, 2, 15, 12, 0, 0), timezone: "Europe/Paris" };

describe("parseSyslogHeader: RFC 5424", () => {
  it("reads every header field of the RFC's own example", () => {
    const r = parseSyslogHeader(
      "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed for lonvick on /dev/pts/8",
      utc,
    );
    expect(r.meta).toEqual({
      facility: 4,
      severity: 2,
      timestamp: Date.UTC(2003, 9, 11, 22, 14, 15, 3),
      hostname: "mymachine.example.com",
      appName: "su",
      procId: "",
      msgId: "ID47",
      structuredData: {},
    });
    expect(r.message).toBe("'su root' failed for lonvick on /dev/pts/8");
  });

  it("reads offsets, microseconds, structured data with escapes, and drops the BOM", () => {
    const r = parseSyslogHeader(
      '<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - [exampleSDID@32473 iut="3" eventSource="App\\"li\\]c\\\\ation" odd="a\\b"][meta seq="1"] \uFEFFAn application event',
      utc,
    );
    expect(r.meta.facility).toBe(20);
    expect(r.meta.severity).toBe(5);
    expect(r.meta.timestamp).toBe(Date.UTC(2003, 7, 24, 12, 14, 15, 0));
    expect(r.meta.hostname).toBe("192.0.2.1");
    expect(r.meta.procId).toBe("8710");
    expect(r.meta.structuredData).toEqual({
      "exampleSDID@32473": { iut: "3", eventSource: 'App"li]c\\ation', odd: "a\\b" },
      meta: { seq: "1" },
    });
    expect(r.message).toBe("An application event");
  });

  it("accepts NILVALUEs everywhere and an absent MSG", () => {
    const r = parseSyslogHeader("<13>1 - - - - - -", utc);
    expect(r.meta.timestamp).toBeNull();
    expect(r.meta.hostname).toBe("");
    expect(r.meta.appName).toBe("");
    expect(r.message).toBe("");
  });

  it("reads a time without offset in the sender's zone", () => {
    const r = parseSyslogHeader("<13>1 2024-07-01T10:00:00 host app - - - hi", paris);
    expect(r.meta.timestamp).toBe(Date.UTC(2024, 6, 1, 8, 0, 0));
  });

  it("resolves zone-less times exactly like wallClockToUtc, across DST changes, in odd zones too", () => {
    const zones = [
      "Europe/Paris",
      "America/New_York",
      "Asia/Kathmandu",
      "Australia/Lord_Howe",
      "America/St_Johns",
    ];
    const days = [Date.UTC(2024, 2, 9), Date.UTC(2024, 2, 30), Date.UTC(2024, 9, 5), Date.UTC(2024, 10, 2)];
    const pad = (n: number) => String(n).padStart(2, "0");
    for (const timezone of zones) {
      for (const day of days) {
        for (let t = day; t < day + 2 * 86_400_000; t += 7 * 60_000 + 13_000) {
          const d = new Date(t);
          const [y, mo, da, h, mi, se] = [
            d.getUTCFullYear(),
            d.getUTCMonth() + 1,
            d.getUTCDate(),
            d.getUTCHours(),
            d.getUTCMinutes(),
            d.getUTCSeconds(),
          ];
          const iso = `${y}-${pad(mo)}-${pad(da)}T${pad(h)}:${pad(mi)}:${pad(se)}`;
          const r = parseSyslogHeader(`<13>1 ${iso} h a - - - m`, { receivedAt: t, timezone });
          expect(r.meta.timestamp, `${timezone} ${iso}`).toBe(wallClockToUtc(timezone, y, mo, da, h, mi, se));
        }
      }
    }
  });

  it("keeps malformed structured data as message text rather than losing it", () => {
    const r = parseSyslogHeader('<13>1 - host app - - [broken x="unterminated] msg', utc);
    expect(r.meta.appName).toBe("app");
    expect(r.meta.structuredData).toEqual({});
    expect(r.message).toBe('[broken x="unterminated] msg');
  });

  it("keeps an SD-ID named __proto__ as data without touching prototypes", () => {
    const r = parseSyslogHeader('<13>1 - h a - - [__proto__ polluted="yes"] m', utc);
    expect(Object.getOwnPropertyDescriptor(r.meta.structuredData, "__proto__")?.value).toEqual({
      polluted: "yes",
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("parseSyslogHeader: RFC 3164", () => {
  it("reads PRI, time (year inferred, sender's zone), host, tag and pid", () => {
    const r = parseSyslogHeader("<38>Mar  5 09:01:02 web01 sshd[4242]: Failed password for root", paris);
    expect(r.meta).toMatchObject({
      facility: 4,
      severity: 6,
      hostname: "web01",
      appName: "sshd",
      procId: "4242",
    });
    expect(r.meta.timestamp).toBe(Date.UTC(2024, 2, 5, 8, 1, 2)); // CET = UTC+1 in March
    expect(r.message).toBe("Failed password for root");
  });

  it("reads a December line received in January as last year", () => {
    const jan = { receivedAt: Date.UTC(2025, 0, 1, 0, 5), timezone: "UTC" };
    const r = parseSyslogHeader("<13>Dec 31 23:59:00 h app: x", jan);
    expect(r.meta.timestamp).toBe(Date.UTC(2024, 11, 31, 23, 59, 0));
  });

  it("reads lines without PRI (files) and without hostname", () => {
    const noPri = parseSyslogHeader(
      "Feb 25 14:34:10 belka sshd[31602]: Failed password for invalid user ROOT",
      utc,
    );
    expect(noPri.meta).toMatchObject({ facility: null, severity: null, hostname: "belka", appName: "sshd" });
    expect(noPri.message).toBe("Failed password for invalid user ROOT");
    const noHost = parseSyslogHeader("<86>Jan 12 00:00:01 CRON[77]: (root) CMD (run-parts)", utc);
    expect(noHost.meta).toMatchObject({ hostname: "", appName: "CRON", procId: "77" });
    expect(noHost.message).toBe("(root) CMD (run-parts)");
  });

  it("reads ISO timestamps (rsyslog RFC3339 template) and a tag without pid", () => {
    const r = parseSyslogHeader("<30>2024-03-01T12:00:00.250+01:00 fw kernel: [UFW BLOCK] IN=eth0", utc);
    expect(r.meta.timestamp).toBe(Date.UTC(2024, 2, 1, 11, 0, 0, 250));
    expect(r.meta).toMatchObject({ hostname: "fw", appName: "kernel", procId: "" });
    expect(r.message).toBe("[UFW BLOCK] IN=eth0");
  });

  it("does not read an IPv6 host name as a tag", () => {
    const r = parseSyslogHeader("<13>Mar  1 12:00:00 2001:db8::1 app[1]: m", utc);
    expect(r.meta).toMatchObject({ hostname: "2001:db8::1", appName: "app", procId: "1" });
  });

  it("reads the SFOS 19 form: BSD header, host, then key=value with no tag", () => {
    const line =
      'Nov 16 02:52:23 sophos device_name="SFW" timestamp="2021-11-15T20:52:23-0600" log_type="Event"';
    const r = parseSyslogHeader(line, { receivedAt: Date.UTC(2021, 10, 16, 9), timezone: "UTC" });
    expect(r.meta).toMatchObject({ hostname: "sophos", appName: "" });
    expect(r.meta.timestamp).toBe(Date.UTC(2021, 10, 16, 2, 52, 23));
    expect(r.message).toBe('device_name="SFW" timestamp="2021-11-15T20:52:23-0600" log_type="Event"');
  });
});

describe("parseSyslogHeader: Sophos XGS and non-syslog input", () => {
  it("reads the message right after PRI (device= and device_name= forms)", () => {
    for (const body of [
      'device="SFW" date=2020-05-18 time=14:38:48',
      'device_name="SFW" timestamp=2024-01-01',
    ]) {
      const r = parseSyslogHeader(`<30>${body}`, utc);
      expect(r.meta).toMatchObject({ facility: 3, severity: 6, timestamp: null, hostname: "", appName: "" });
      expect(r.message).toBe(body);
    }
  });

  it("returns anything that is not syslog whole, with empty metadata, and never throws", () => {
    const samples = [
      "",
      "hello world",
      "<999>bad pri",
      "<13",
      "<>x",
      "<13>1",
      "<13>1 ",
      "<13>1 2024-13-99T99:99:99Z",
      "Mar",
      "Mar 99 12:00:00 host x",
      "\uFFFD\uFFFD\0binary",
      '<13>1 - h a - - [x a="\\',
    ];
    for (const s of samples) {
      const r = parseSyslogHeader(s, { receivedAt: 0, timezone: "Not/AZone" });
      expect(typeof r.message).toBe("string");
    }
    expect(parseSyslogHeader("hello world", utc)).toEqual({
      meta: {
        facility: null,
        severity: null,
        timestamp: null,
        hostname: "",
        appName: "",
        procId: "",
        msgId: "",
        structuredData: {},
      },
      message: "hello world",
    });
    expect(parseSyslogHeader("<999>bad pri", utc).message).toBe("<999>bad pri");
  });

  it("parses a 1 MB line in linear time", () => {
    const big = `<13>1 2024-01-01T00:00:00Z h a - - [x ${'k="v" '.repeat(50_000)}]${"y".repeat(700_000)}`;
    const start = performance.now();
    const r = parseSyslogHeader(big, utc);
    const hostile = parseSyslogHeader(`<13>Mar  1 12:00:00 ${"a".repeat(1_000_000)}`, utc);
    const ms = performance.now() - start;
    expect(r.meta.hostname).toBe("h");
    expect(hostile.meta.hostname.length).toBe(1_000_000);
    // Linear: well under a second on any machine; a quadratic scan of 1 MB would take minutes.
    expect(ms).toBeLessThan(3000);
  });
});

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "fixtures");

describe("parseSyslogHeader: in-repo fixture", () => {
  it("reads every line of the mixed-sender fixture as its expected header", () => {
    const lines = readFileSync(join(fixtures, "mixed-headers.txt"), "utf8").split("\n").filter(Boolean);
    const expected = JSON.parse(
      readFileSync(join(fixtures, "mixed-headers.expected.json"), "utf8"),
    ) as Array<{
      hostname: string;
      appName: string;
      message: string;
    }>;
    expect(lines.length).toBe(expected.length);
    lines.forEach((line, i) => {
      const r = parseSyslogHeader(line, utc);
      expect({ hostname: r.meta.hostname, appName: r.meta.appName, message: r.message }, line).toEqual(
        expected[i],
      );
    });
  });
});

describe.skipIf(!hasCorpus)("parseSyslogHeader: Sophos XG corpus", () => {
  const read = (f: string) => readFileSync(corpusPath("sophos-xg", f), "utf8").split("\n").filter(Boolean);

  it("leaves the key=value body of <30>device=... lines intact", () => {
    const lines = read("test-sophos-xg.log");
    expect(lines.length).toBe(95);
    for (const line of lines) {
      const r = parseSyslogHeader(line, utc);
      expect(r.meta.facility).not.toBeNull();
      expect(r.message.startsWith("device=")).toBe(true);
      expect(line.endsWith(r.message)).toBe(true);
    }
  });

  it("reads host 'sophos' and a device_name= body from the SFOS 19 logs", () => {
    for (const f of ["test-xg-event-new.log", "test-xg-firewall-new.log", "test-xg-cfilter-new.log"]) {
      for (const line of read(f)) {
        const r = parseSyslogHeader(line, utc);
        expect(r.meta.hostname, line).toBe("sophos");
        expect(r.meta.timestamp).not.toBeNull();
        expect(r.message.startsWith("device_name=")).toBe(true);
      }
    }
  });

  it("keeps the message a suffix of the line for every line of every corpus log", () => {
    const files = readdirSync(corpusPath(), { recursive: true, encoding: "utf8" }).filter(
      (f) => !/\.(json|md|ya?ml)$/.test(f) && statSync(corpusPath(f)).isFile(),
    );
    let lines = 0;
    for (const f of files) {
      for (const line of readFileSync(corpusPath(f), "utf8").split("\n")) {
        const { message } = parseSyslogHeader(line, paris);
        expect(line.endsWith(message), `${f}: ${line}`).toBe(true);
        lines++;
      }
    }
    expect(lines).toBeGreaterThan(2_000);
  });

  it("returns 18.5 lines without any header whole", () => {
    const lines = read("test-sophos-18-5-firewall.log");
    for (const line of lines) expect(parseSyslogHeader(line, utc).message).toBe(line);
  });
});

describe("parseSyslogHeader throughput", () => {
  it("prints headers per second for each form (no assertion)", () => {
    const samples = {
      rfc3164:
        "<38>Mar  5 09:01:02 web01 sshd[4242]: Failed password for root from 198.51.100.7 port 52113 ssh2",
      rfc5424: '<165>1 2024-03-01T12:00:00.123+01:00 fw01 app 8710 - [origin@1 ip="192.0.2.1"] event text',
      sophos:
        '<30>device="SFW" date=2020-05-18 time=14:38:48 timezone="CEST" device_name="XG230" log_id=0411016',
    };
    const ctx = { receivedAt: Date.UTC(2024, 2, 15), timezone: "Europe/Paris" };
    for (const [form, line] of Object.entries(samples)) {
      for (let i = 0; i < 20_000; i++) parseSyslogHeader(line, ctx);
      const n = 200_000;
      const start = performance.now();
      for (let i = 0; i < n; i++) parseSyslogHeader(line, ctx);
      const perSecond = Math.round(n / ((performance.now() - start) / 1000));
      console.log(`[header] ${form}: ${perSecond.toLocaleString("en")} headers/s`);
    }
  });
});
