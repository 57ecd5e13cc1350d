import { describe, expect, it } from "vitest";
import { sortRows, toCsv, toNdjson } from "./export.js";

const columns = [
  { name: "src_ip", type: "string" },
  { name: "n", type: "long" },
];

describe("export", () => {
  it("writes CSV with a header and quotes fields that need it", () => {
    const csv = toCsv(columns, [
      ["1.2.3.4", 15],
      ['say "hi", bye', null],
    ]);
    expect(csv).toBe('src_ip,n\r\n1.2.3.4,15\r\n"say ""hi"", bye",\r\n');
  });

  it("writes arrays as JSON text in CSV and as arrays in NDJSON", () => {
    const cols = [{ name: "ids", type: "dynamic" }];
    expect(toCsv(cols, [[["1", "2"]]])).toBe('ids\r\n"[""1"",""2""]"\r\n');
    expect(toNdjson(cols, [[["1", "2"]]])).toBe('{"ids":["1","2"]}\n');
  });

  it("writes one object per row in NDJSON", () => {
    expect(
      toNdjson(columns, [
        ["a", 1],
        ["b", 2],
      ]),
    ).toBe('{"src_ip":"a","n":1}\n{"src_ip":"b","n":2}\n');
  });
});

describe("sortRows", () => {
  const rows = [
    ["b", 10],
    ["a", 2],
    ["c", null],
    ["a10", 1],
  ];

  it("sorts numbers as numbers and keeps empty values last", () => {
    expect(sortRows(rows, { column: 1, dir: "asc" }).map((r) => r[1])).toEqual([1, 2, 10, null]);
    expect(sortRows(rows, { column: 1, dir: "desc" }).map((r) => r[1])).toEqual([10, 2, 1, null]);
  });

  it("sorts text naturally and leaves the input alone", () => {
    expect(sortRows(rows, { column: 0, dir: "asc" }).map((r) => r[0])).toEqual(["a", "a10", "b", "c"]);
    expect(rows[0]?.[0]).toBe("b");
    expect(sortRows(rows, null)).toEqual(rows);
  });
});
