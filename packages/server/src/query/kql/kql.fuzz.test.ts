import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fuzzParameters, hostileString } from "../../test-support/fuzz.js";
import { compileKql } from "./compile.js";
import { KqlError } from "./errors.js";

/**
 * Property-based fuzzing of the compiler: whatever the text, the answer is one SELECT with its
 * parameters, or a KqlError with a position inside the text — never another exception. And what
 * compiles carries nothing of the text's string literals in its SQL.
 */
const NOW = Date.UTC(2026, 4, 1, 12);
const OPTIONS = { from: NOW - 86_400_000, to: NOW, now: NOW, limit: 500, sites: ["paris"] };

const word = fc.constantFrom(
  "Events",
  "SecurityEvent",
  "ModSecLogs",
  "|",
  "where",
  "project",
  "project-away",
  "extend",
  "summarize",
  "by",
  "sort by",
  "top 3 by",
  "take",
  "distinct",
  "count",
  "count()",
  "dcount(src_ip)",
  "arg_max(timestamp, *)",
  "percentile(dst_port, 90)",
  "make_set(site)",
  "src_ip",
  "dst_port",
  "timestamp",
  "site",
  "modsec_rule_ids",
  "n",
  "=",
  "==",
  "!=",
  "=~",
  "<",
  ">=",
  "and",
  "or",
  "not(",
  "(",
  ")",
  ",",
  "..",
  "between",
  "in",
  "!in",
  "has",
  "contains",
  "startswith",
  "matches regex",
  "+",
  "-",
  "*",
  "/",
  "1",
  "2.5",
  "1h",
  "ago(1d)",
  "now()",
  "bin(timestamp, 1h)",
  "datetime(2024-05-01)",
  '"x"',
  "'it''s'",
  '"a.b"',
  "true",
  "asc",
  "desc",
  "\n",
  "// c\n",
);
const text = fc.oneof(
  hostileString,
  fc.array(word, { maxLength: 16 }).map((w) => w.join(" ")),
  fc.array(word, { maxLength: 16 }).map((w) => `Events | ${w.join(" ")}`),
  fc
    .tuple(fc.array(word, { maxLength: 8 }), hostileString)
    .map(([w, s]) => `Events | where ${w.join(" ")} ${JSON.stringify(s)}`),
);

describe("KQL compiler (fuzz)", () => {
  it("any text compiles to parameterised SQL or is a KqlError at a position in the text", () => {
    fc.assert(
      fc.property(text, (q) => {
        let compiled: ReturnType<typeof compileKql>;
        try {
          compiled = compileKql(q, OPTIONS);
        } catch (err) {
          if (!(err instanceof KqlError)) throw err;
          const lines = q.split("\n");
          expect(err.line).toBeGreaterThanOrEqual(1);
          expect(err.line).toBeLessThanOrEqual(lines.length);
          expect(err.column).toBeGreaterThanOrEqual(1);
          expect(err.column).toBeLessThanOrEqual((lines[err.line - 1]?.length ?? 0) + 1);
          return;
        }
        expect(compiled.sql).toMatch(/^SELECT /);
        expect(compiled.params.k_sites).toEqual(["paris"]);
        for (const value of Object.values(compiled.params)) {
          if (typeof value === "string" && value.length > 3 && !/^\d{4}-\d{2}-\d{2} /.test(value)) {
            expect(compiled.sql).not.toContain(value);
          }
        }
      }),
      fuzzParameters(3000),
    );
  });
});
