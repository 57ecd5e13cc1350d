import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../events/event-cursor.js";
import { parseBoundedInt } from "../events/route-support.js";
import { fuzzParameters, hostileString } from "../test-support/fuzz.js";
import { BadParameterError } from "./bad-parameter.js";
import { chTime, compileEventFilter, FILTER_PARAMETERS, parseEventFilter } from "./event-filter.js";
import { parseIpMatch } from "./ip-match.js";
import { MAX_TIME_MS, MIN_TIME_MS } from "./time-range.js";

/**
 * Property-based fuzzing of the query-string parsers: whatever a caller sends, the answer is a filter
 * that compiles, or a BadParameterError (a 400 naming the parameter) — never another exception.
 */
const NOW = Date.UTC(2026, 4, 1, 12);

/** Parses, and returns the error if it is a BadParameterError; rethrows anything else. */
function refusedOrOk<T>(run: () => T): T | BadParameterError {
  try {
    return run();
  } catch (err) {
    if (err instanceof BadParameterError) return err;
    throw err;
  }
}

const timeText = fc.oneof(
  hostileString,
  fc.integer({ min: -1e15, max: 1e15 }).map(String),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
);
const value = fc.oneof(hostileString, timeText, fc.array(hostileString, { maxLength: 3 }));
const query = fc.dictionary(fc.oneof(fc.constantFrom(...FILTER_PARAMETERS), hostileString), value, {
  maxKeys: 6,
});

describe("event filter and cursor parsers (fuzz)", () => {
  it("any query string is a compilable filter inside the store's time range, or a 400 naming a filter parameter", () => {
    fc.assert(
      fc.property(query, (q) => {
        const parsed = refusedOrOk(() => parseEventFilter(q, NOW));
        if (parsed instanceof BadParameterError) {
          expect(FILTER_PARAMETERS).toContain(parsed.parameter);
          return;
        }
        expect(parsed.from).toBeGreaterThanOrEqual(MIN_TIME_MS);
        expect(parsed.to).toBeLessThanOrEqual(MAX_TIME_MS + 1);
        expect(parsed.from).toBeLessThan(parsed.to);
        const compiled = compileEventFilter(parsed);
        // Values travel as parameters only: nothing of the caller's text is in the SQL.
        expect(compiled.where).not.toContain("\u0000");
        expect(chTime(parsed.from)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
      }),
      fuzzParameters(2000),
    );
  });

  it("a cursor is one this API made, or a 400; the ones it makes read back", () => {
    const forged = fc.oneof(
      hostileString,
      fc
        .tuple(fc.oneof(fc.integer(), fc.double(), fc.constant(9e15)), fc.uuid())
        .map((t) => Buffer.from(JSON.stringify(t)).toString("base64url")),
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v)).toString("base64url")),
    );
    fc.assert(
      fc.property(forged, (text) => {
        const c = refusedOrOk(() => decodeCursor(text));
        if (c instanceof BadParameterError) expect(c.parameter).toBe("cursor");
        else expect(chTime(c.ts)).toMatch(/^\d{4}-/);
      }),
      fuzzParameters(1000),
    );
    fc.assert(
      fc.property(fc.integer({ min: MIN_TIME_MS, max: MAX_TIME_MS }), fc.uuid(), (ts, id) => {
        expect(decodeCursor(encodeCursor({ ts, id }))).toEqual({ ts, id });
      }),
      fuzzParameters(300),
    );
  });

  it("IP matches and bounded integers never throw anything but a 400", () => {
    fc.assert(
      fc.property(hostileString, (text) => {
        const m = parseIpMatch(text);
        if (m !== null) expect(["ip", "cidr"]).toContain(m.kind);
        const n = refusedOrOk(() => parseBoundedInt(text, "limit", 1, 1000, 100));
        if (typeof n === "number") expect(n >= 1 && n <= 1000).toBe(true);
      }),
      fuzzParameters(1000),
    );
  });
});
