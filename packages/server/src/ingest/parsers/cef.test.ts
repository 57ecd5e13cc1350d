import { describe, expect, it } from "vitest";
import { cefSeverity, parseCef, parseCefExtension, splitCefHeader } from "./cef.js";
import { parseJson } from "./json.js";
import { parseRfc5424 } from "./rfc5424.js";

const ctx = { receivedAt: Date.UTC(2024, 0, 1), timezone: "UTC" };

describe("CEF", () => {
  it("unescapes header pipes and backslashes, and extension equals signs and newlines", () => {
    expect(splitCefHeader(String.raw`CEF:0|A\|B|P\\Q|1|sig|name|5|k=v`)?.header).toEqual([
      "CEF:0",
      "A|B",
      "P\\Q",
      "1",
      "sig",
      "name",
      "5",
    ]);
    expect(parseCefExtension(String.raw`msg=a b\=c d\nnext\\ cs1Label=Rule Set cs1=x=y src=1.2.3.4`)).toEqual(
      {
        msg: "a b=c d\nnext\\",
        cs1Label: "Rule Set",
        cs1: "x=y",
        src: "1.2.3.4",
      },
    );
  });

  it("maps severity 0-10 and words", () => {
    expect(["0", "2", "5", "8", "10", "Very-High", "x"].map(cefSeverity)).toEqual([
      "info",
      "low",
      "medium",
      "high",
      "critical",
      "critical",
      "info",
    ]);
  });

  it("takes time and host from a syslog prefix when the extension has no rt", () => {
    const e = parseCef(
      "<134>Jan  1 09:30:00 fw01 CEF:0|V|P|1|100|Blocked|3|src=192.0.2.1 act=deny",
      ctx,
    )?.event;
    expect(e).toMatchObject({
      hostname: "fw01",
      timestamp: Date.UTC(2024, 0, 1, 9, 30),
      action: "drop",
      severity: "low",
    });
    expect(parseCef("no cef here", ctx)).toBeNull();
  });
});

describe("JSON", () => {
  it("accepts Vigil's own field names and epoch seconds", () => {
    const e = parseJson(
      '{"timestamp":1704067200,"src_ip":"192.0.2.1","action":"reject","severity":"high"}',
      ctx,
    )?.event;
    expect(e).toMatchObject({
      timestamp: 1704067200000,
      src_ip: "192.0.2.1",
      action: "reject",
      severity: "high",
    });
    expect(e?.parse_error ?? "").toBe("");
  });

  it("coerces numeric strings, reports what it could not use, never throws", () => {
    const e = parseJson('{"time":"yesterday-ish","dst_port":"8080","src":"not-an-ip","msg":42}', ctx)?.event;
    expect(e).toMatchObject({ dst_port: 8080, message: "42", timestamp: ctx.receivedAt });
    expect(e?.parse_error).toMatch(/time.*src|src.*time/);
    expect(parseJson("[1,2]", ctx)).toBeNull();
    expect(parseJson('{"a":', ctx)).toBeNull();
  });
});

describe("RFC 5424 structured data", () => {
  it("reads a whole RFC 5424 line with escaped values, ignoring timeQuality", () => {
    const line = String.raw`<12>1 2024-01-01T10:00:00+01:00 h app 1 ID [timeQuality tzKnown="1"][ev@1 src="192.0.2.9" note="a \"b\" \] c"] text`;
    const e = parseRfc5424(line, ctx)?.event;
    expect(e).toMatchObject({
      source_type: "rfc5424",
      src_ip: "192.0.2.9",
      message: "text",
      severity: "medium",
      hostname: "h",
      timestamp: Date.UTC(2024, 0, 1, 9),
      reason: 'ev@1.note=a "b" ] c',
    });
    expect(parseRfc5424("<12>1 2024-01-01T10:00:00Z h app 1 ID - text", ctx)).toBeNull();
  });
});
