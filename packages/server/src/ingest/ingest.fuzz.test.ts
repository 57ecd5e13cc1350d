import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fuzzParameters } from "../test-support/fuzz.js";
import { parseLine } from "./parsers/registry.js";
import { FrameSplitter, splitDatagram } from "./syslog/framing.js";
import { parseSyslogHeader } from "./syslog/header.js";

/**
 * Property-based fuzzing of what a hostile sender reaches first: the syslog framing, the header and the
 * parsers. Fixed seed, bounded runs (see test-support/fuzz.ts).
 */
const RECEIVED_AT = Date.UTC(2026, 4, 1, 12);

/** Cuts a buffer into chunks at the given (sorted, deduplicated) offsets. */
function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let start = 0;
  for (const p of points) {
    out.push(bytes.subarray(start, p));
    start = p;
  }
  out.push(bytes.subarray(start));
  return out;
}

function frames(chunks: Buffer[], maxFrameBytes?: number): { frame: string; truncated: boolean }[] {
  const splitter = new FrameSplitter(maxFrameBytes === undefined ? {} : { maxFrameBytes });
  const out: { frame: string; truncated: boolean }[] = [];
  for (const c of chunks)
    splitter.push(c, (f, truncated) => out.push({ frame: f.toString("latin1"), truncated }));
  return out;
}

const bytes = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a));
/** Bytes rich in what framing cares about: digits, spaces, "<", LF, CR, NUL. */
const framingBytes = fc
  .array(fc.constantFrom(...Buffer.from("0123456789 < >\n\r\u0000abc")), { maxLength: 300 })
  .map((a) => Buffer.from(a));

describe("syslog framing (fuzz)", () => {
  it("never throws, and how the bytes are cut into chunks does not change the frames", () => {
    fc.assert(
      fc.property(
        fc.oneof(bytes, framingBytes),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }),
        (input, cuts, max) => {
          const whole = frames([input], max);
          expect(frames(chunked(input, cuts), max)).toEqual(whole);
          for (const f of whole)
            expect(Buffer.byteLength(f.frame, "latin1")).toBeLessThanOrEqual(max ?? input.length);
        },
      ),
      fuzzParameters(400),
    );
  });

  it("gives back octet-counted messages exactly, however they are cut", () => {
    const message = fc
      .uint8Array({ minLength: 1, maxLength: 80 })
      // Trailing CR/LF/NUL are trimmed from a frame, so the message ends on a letter; inside, any byte.
      .map((a) => Buffer.concat([Buffer.from("<13>"), Buffer.from(a), Buffer.from("x")]));
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (messages, cuts) => {
          const stream = Buffer.concat(messages.map((m) => Buffer.concat([Buffer.from(`${m.length} `), m])));
          const got = frames(chunked(stream, cuts)).map((f) => f.frame);
          expect(got).toEqual(messages.map((m) => m.toString("latin1")));
        },
      ),
      fuzzParameters(300),
    );
  });

  it("splits any datagram into non-empty lines without LF", () => {
    fc.assert(
      fc.property(fc.oneof(bytes, framingBytes), (input) => {
        for (const line of splitDatagram(input)) {
          expect(line.length).toBeGreaterThan(0);
          expect(line.includes(10)).toBe(false);
        }
      }),
      fuzzParameters(300),
    );
  });
});

/** Log-shaped lines: fragments each parser looks for, glued with arbitrary text. */
const FRAGMENTS = [
  "<13>",
  "<134>1 ",
  "2026-05-01T12:00:00Z ",
  "May  1 12:00:00 ",
  "host ",
  "sshd[123]: ",
  "Failed password for root from 203.0.113.9 port 22 ssh2",
  "CEF:0|Vendor|Product|1.0|100|Name|5|",
  "src=10.0.0.1 ",
  "ModSecurity: ",
  '[id "942100"] ',
  '{"transaction":',
  "{",
  '"src_ip":"::1",',
  '"@timestamp":',
  "}",
  '] "GET / HTTP/1.1" 200 12 ',
  "[error] ",
  ", client: ",
  'device="SFW" ',
  "log_type=Firewall ",
  "log_id=010101600001 ",
  "device_name=XGS ",
  'src_ip="198.51.100.7" ',
  '[exampleSDID@32473 iut="3"] ',
  "stdout F ",
  "=",
  '"',
  "\\",
  "\u0000",
  "\ud800",
];
const logLine = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: "binary", maxLength: 20 })), {
    maxLength: 12,
  })
  .map((parts) => parts.join(""));

describe("syslog header and parsers (fuzz)", () => {
  it("reads any header without throwing, keeping the rest as the message", () => {
    fc.assert(
      fc.property(fc.oneof(logLine, fc.string({ unit: "binary", maxLength: 200 })), (line) => {
        const header = parseSyslogHeader(line, { receivedAt: RECEIVED_AT, timezone: "Europe/Paris" });
        expect(typeof header.message).toBe("string");
      }),
      fuzzParameters(1500),
    );
  });

  it("parseLine always returns the line's event with its raw text, and no parser throws", () => {
    fc.assert(
      fc.property(logLine, fc.boolean(), (line, viaSyslog) => {
        const ctx = viaSyslog
          ? {
              receivedAt: RECEIVED_AT,
              timezone: "UTC",
              syslog: parseSyslogHeader(line, { receivedAt: RECEIVED_AT, timezone: "UTC" }).meta,
            }
          : { receivedAt: RECEIVED_AT, timezone: "UTC" };
        const result = parseLine(line, ctx);
        if (result.event) {
          expect(result.event.raw_log).toBe(line);
          expect(result.event.parse_error ?? "").not.toMatch(/parser failed/);
        } else {
          expect(result.modsec?.length).toBeGreaterThan(0);
        }
      }),
      fuzzParameters(1500),
    );
  });
});
