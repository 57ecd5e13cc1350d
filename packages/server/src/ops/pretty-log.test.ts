import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { formatLogRecord, prettyDestination } from "./pretty-log.js";

const at = Date.parse("2026-03-01T12:04:05.678Z");

describe("pretty log lines", () => {
  it("puts time, level, component and message first, then the other fields", () => {
    const line = formatLogRecord(
      {
        level: 30,
        time: at,
        pid: 1,
        hostname: "h",
        component: "bans",
        msg: "ban 203.0.113.7 for 4h",
        ip: "203.0.113.7",
        note: "a b",
      },
      false,
    );
    expect(line).toBe('12:04:05.678 INFO  bans ban 203.0.113.7 for 4h  ip=203.0.113.7 note="a b"');
  });

  it("prints an error's stack under the line and colours by level on a colour terminal", () => {
    const line = formatLogRecord(
      { level: 50, time: at, msg: "boom", err: { message: "x", stack: "Error: x\n    at y" } },
      true,
    );
    expect(line).toContain("\u001b[31mERROR\u001b[0m");
    expect(line.split("\n").slice(1)).toEqual(["\u001b[2mError: x", "    at y\u001b[0m"]);
  });

  it("boxes the banner line", () => {
    const line = formatLogRecord({ level: 30, time: at, banner: true, msg: "Vigil is running" }, false);
    expect(line.split("\n").filter(Boolean)).toEqual([
      "+------------------+",
      "| Vigil is running |",
      "+------------------+",
    ]);
  });

  it("is a pino destination", () => {
    let out = "";
    const log = pino(
      { base: { pid: 1, hostname: "h" } },
      prettyDestination({ write: (t: string) => (out += t) }, false),
    );
    log.child({ component: "detection" }).info({ scenario: "ssh" }, "detection ssh: 1.2.3.4");
    expect(out).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}detection detection ssh: 1\.2\.3\.4 {2}scenario=ssh\n$/,
    );
  });
});
